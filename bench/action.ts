// `npm run bench:action`: what the action's write-back costs around a solve, against the fake
// GitHub REST server and a real git checkout whose origin is a local bare repository: the first
// publish (commit, push, open the PR, post the comment), an identical re-run (no commit, PR and
// comment found and left or edited), and a re-run with new code (one commit, edits). Interleaved
// rounds on fresh repositories; medians. Writes its section of BENCHMARKS.md unless --no-write.
import { readFileSync, writeFileSync } from "node:fs";
import { rm } from "node:fs/promises";
import { cpus, totalmem } from "node:os";
import { GitCommandManager } from "../src/github/git.ts";
import { createOctokit, GitHubHelper } from "../src/github/github.ts";
import { publish, type Publication } from "../src/github/publish.ts";
import { startFakeGitHub } from "../test/fixtures/github-server.ts";
import { makeRepoPair } from "../test/github/helpers.ts";
import { makeReport } from "../test/github/report-fixture.ts";

const ROUNDS = Number(process.env.SSTAR_BENCH_ROUNDS ?? 15);

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

function item(code: string): Publication {
  const report = makeReport({ code });
  return {
    key: "issue-7",
    kind: "issue",
    issueNumber: 7,
    problemId: "issue-7",
    problemTitle: "Sum of two integers",
    branch: "sstar/issue-7",
    files: [
      { path: "solutions/issue-7.py", content: code },
      { path: "problems/issue-7.yaml", content: "id: issue-7\n" },
    ],
    report,
  };
}

const times = { first: [] as number[], same: [] as number[], changed: [] as number[] };
const requests = { first: 0, same: 0, changed: 0 };
for (let round = 0; round < ROUNDS; round++) {
  const gh = await startFakeGitHub({ token: "t", issues: [{ number: 7, title: "Sum", labels: ["kata"] }] });
  const repo = await makeRepoPair();
  try {
    const deps = {
      git: await GitCommandManager.open(repo.work, { auth: { token: "t", serverUrl: "https://github.com" } }),
      github: new GitHubHelper(createOctokit("t", gh.url), { owner: gh.owner, repo: gh.repo }),
    };
    const settings = { base: "main", draft: false, comment: true };
    for (const [name, code] of [["first", "print(1)\n"], ["same", "print(1)\n"], ["changed", "print(2)\n"]] as const) {
      const before = gh.requests.length;
      const t = performance.now();
      await publish(item(code), deps, settings);
      times[name].push(performance.now() - t);
      requests[name] = gh.requests.length - before;
    }
  } finally {
    await gh.close();
    await rm(repo.root, { recursive: true, force: true });
  }
}

const first = median(times.first);
const row = (label: string, key: keyof typeof times) =>
  `| ${label} | ${median(times[key]).toFixed(1)} | ${(median(times[key]) / first).toFixed(2)}x | ${requests[key]} |`;
const section = [
  "<!-- action:start -->",
  "## Action write-back (`npm run bench:action`)",
  "",
  `Machine: ${cpus().length} cores (${cpus()[0]?.model ?? "?"}), ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.versions.node}, ${process.platform}. Medians of ${ROUNDS} rounds, each on a fresh checkout whose origin is a local bare repository, against the fake GitHub REST server (test/fixtures/github-server.ts, real HTTP on 127.0.0.1). One publish = git (fetch base, ls-remote, compare or commit with a private index, push) + find-or-create the pull request + find-and-edit the sticky comment.`,
  "",
  "| publish | ms | vs first | REST requests |",
  "|---|---|---|---|",
  row("first (commit, push, open PR, post comment)", "first"),
  row("re-run, same code (no commit, no push; PR and comment found and edited)", "same"),
  row("re-run, new code (one commit, push, edit PR and comment)", "changed"),
  "",
  "Write-back costs well under a second against a local remote; on a runner the network round trips to GitHub dominate it, and both are negligible next to a solve (model calls, seconds to minutes).",
  "<!-- action:end -->",
].join("\n");
console.log(section);
if (!process.argv.includes("--no-write")) {
  const text = readFileSync("BENCHMARKS.md", "utf8");
  const re = /<!-- action:start -->[\s\S]*?<!-- action:end -->/;
  writeFileSync("BENCHMARKS.md", re.test(text) ? text.replace(re, section) : `${text.trimEnd()}\n\n${section}\n`);
}
