// Renders the sticky result comment for a realistic report (three clusters, a split vote, a losing
// cluster with code) to HTML with a CommonMark + GFM renderer and GitHub-like styles, then takes
// a screenshot in headless Chromium, so a change to the comment is looked at, not just tested.
// Run: npm run render:comment [-- --out DIR] (needs `chromium`: apt-get install chromium)
// Writes DIR/comment.md, DIR/comment.html and DIR/comment.png (DIR defaults to out/comment).
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import MarkdownIt from "markdown-it";
import { solveReportSchema } from "../src/engine/report.ts";
import { resultComment } from "../src/github/text.ts";

const outFlag = process.argv.indexOf("--out");
const outDir = resolve(outFlag >= 0 && process.argv[outFlag + 1] !== undefined ? process.argv[outFlag + 1]! : "out/comment");

const usage = { calls: 14, cachedCalls: 0, promptTokens: 9100, completionTokens: 2300, costUsd: 0.0311 };
const right = "n = int(input())\nprint(abs(n))\n";
const wrong = "n = int(input())\nprint(n if n > 0 else 0)\n";
const sample = (index: number, code: string) => ({
  index,
  rounds: [{ round: 0, code, publicResults: [{ test: "example-1", verdict: "accepted", timeMs: 11 }, { test: "example-2", verdict: "accepted", timeMs: 12 }], publicPassed: 2, publicTotal: 2 }],
  finalCode: code,
  publicPassed: 2,
  publicTotal: 2,
});
const vote = (order: "ab" | "ba", choice: "a" | "b", reasoning: string) => ({ order, choice, reasoning });

const report = solveReportSchema.parse({
  version: 1,
  problem: { id: "issue-7", title: "Absolute value", language: "python", io: "stdio" },
  settings: { model: "gpt-4.1-mini", judgeModel: "gpt-4.1-mini", samples: 4, rounds: 1, selection: "sstar", temperature: 0.7, sandbox: "bwrap", replay: false },
  status: "solved",
  samples: [sample(0, right), sample(1, wrong), sample(2, right), sample(3, "print(abs(int(input())) or 0)\n")],
  inputs: [
    { id: "s1", input: "-4\n", origin: "synthesized" },
    { id: "s2", input: "0\n", origin: "synthesized" },
    { id: "s3", input: "-7\n", origin: "separating" },
  ],
  clusters: [
    { id: "c0", members: [0, 2], representative: 0, outputs: { s1: "4", s2: "0", s3: "7" } },
    { id: "c1", members: [1], representative: 1, outputs: { s1: "0", s2: "0", s3: "0" } },
  ],
  matches: [
    {
      a: "c0",
      b: "c1",
      inputs: [
        { inputId: "s1", input: "-4\n", outputA: "4\n", outputB: "0\n" },
        { inputId: "s3", input: "-7\n", outputA: "7\n", outputB: "0\n" },
      ],
      votes: [vote("ab", "a", "|-4| is 4, so the first program is right."), vote("ba", "a", "The second program prints 0 for negatives.")],
      winner: "a",
    },
    { a: "s0", b: "s3", inputs: [], votes: [vote("ab", "a", "Both read one integer; the first is clearer."), vote("ba", "b", "The shown-first one is fine.")], winner: "tie", note: "code review inside c0" },
  ],
  selection: { strategy: "sstar", selectedSample: 0, selectedCluster: "c0", reason: "cluster c0 (2 of 3 candidates) has the highest posterior, 0.97, from cluster sizes and 2 judge votes naming a side over 1 match" },
  baselines: [{ strategy: "first", selectedSample: 0 }, { strategy: "majority", selectedSample: 0 }],
  selected: { sample: 0, code: right, publicPassed: 2, publicTotal: 2 },
  usage: { total: usage, byStage: { generate: usage } },
  timings: { totalMs: 18_400, byStageMs: { generate: 12_000, select: 6_400 } },
  startedAt: "2026-01-01T00:00:00.000Z",
});

const markdown = resultComment(
  { key: "issue-7", kind: "issue", issueNumber: 7, problemId: "issue-7", problemTitle: "Absolute value" },
  report,
  { pushed: true, branch: "sstar/issue-7", commitSha: "4f1c2a9b7e3d5c6a", pullRequest: { number: 12, url: "https://github.com/octo/katas/pull/12" }, runUrl: "https://github.com/octo/katas/actions/runs/1" },
);
const body = new MarkdownIt({ html: true, linkify: true }).render(markdown);
const style = `body{font:14px/1.5 -apple-system,"Segoe UI",Helvetica,Arial,sans-serif;color:#1f2328;max-width:860px;margin:24px auto;padding:0 16px}
.comment{border:1px solid #d1d9e0;border-radius:6px;padding:16px}code{background:#eff1f3;border-radius:4px;padding:.1em .3em;font-size:85%}
pre{background:#f6f8fa;padding:12px;border-radius:6px;overflow:auto}pre code{background:none;padding:0}table{border-collapse:collapse;margin:8px 0}
th,td{border:1px solid #d1d9e0;padding:4px 10px}th{background:#f6f8fa}blockquote{border-left:4px solid #d1d9e0;margin:0;padding:0 12px;color:#59636e}
details{margin:6px 0}summary{cursor:pointer;color:#0969da}h3{margin-top:0}sub{color:#59636e}`;
const html = `<!doctype html><meta charset="utf-8"><style>${style}</style><div class="comment">${body}</div>`;
mkdirSync(outDir, { recursive: true });
writeFileSync(join(outDir, "comment.md"), markdown);
writeFileSync(join(outDir, "comment.html"), html);
const chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].find((p) => existsSync(p));
if (chromium === undefined) {
  console.error(`render:comment: wrote ${join(outDir, "comment.html")}; no chromium for the screenshot; apt-get install chromium`);
  process.exit(2);
}
const png = join(outDir, "comment.png");
execFileSync(chromium, ["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", `--screenshot=${png}`, "--window-size=900,1400", `file://${join(outDir, "comment.html")}`], { stdio: "ignore" });
console.log(`render:comment: ${png}`);
