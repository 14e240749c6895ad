// End to end: the action's real entry point with a real `issues` labeled payload, the fake GitHub
// REST server, the scripted chat-completions server, the real sandbox, and a real git checkout
// whose origin is a local bare repository.
import { cp, mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { SYSTEM_PROMPTS } from "../../src/engine/prompts.ts";
import { solveReportSchema } from "../../src/engine/report.ts";
import { hasMarker } from "../../src/github/github.ts";
import { ABS_CORRECT, ABS_IDENTITY, truthfulAbsJudge } from "../fixtures/abs-value.ts";
import { startScriptedChatServer, type RecordedRequest, type ScriptRequest, type ScriptRule } from "../fixtures/chat-server.ts";
import { startFakeGitHub } from "../fixtures/github-server.ts";
import { makeRepoPair, type RepoPair } from "../github/helpers.ts";
import type { ResultPromise } from "execa";
import { EVENTS, runEntry } from "./harness.ts";

const TOKEN = "ghs_e2eTOKENdoNotLeak0123456789abcdef";
const API_KEY = "sk-e2eKEYdoNotLeak9876543210fedcba";

const cleanup: string[] = [];
afterAll(async () => {
  for (const dir of cleanup) await rm(dir, { recursive: true, force: true });
});

async function repo(): Promise<RepoPair> {
  const p = await makeRepoPair({ "README.md": "# katas\n" });
  cleanup.push(p.root);
  return p;
}

async function eventFile(name: string): Promise<{ path: string; payload: { issue: { number: number; title: string; body: string } } }> {
  const dir = await mkdtemp(join(tmpdir(), "sstar-event-"));
  cleanup.push(dir);
  const path = join(dir, "event.json");
  await cp(join(EVENTS, name), path);
  return { path, payload: JSON.parse(await readFile(path, "utf8")) };
}

const code = (body: string) => `Here is my program.\n\n\`\`\`python\n${body}\n\`\`\`\n`;
const CORRECT = ABS_CORRECT;
const WRONG = ABS_IDENTITY;
/** Fails the public example (5 -> 5). */
const FAILS_PUBLIC = "print(-int(input()))";
const isGenerate = (r: ScriptRequest) => r.system === SYSTEM_PROMPTS.generate && !r.messages.some((m) => m.role === "assistant");
const isDebug = (r: ScriptRequest) => r.system === SYSTEM_PROMPTS.generate && r.messages.some((m) => m.role === "assistant");
/** A recorded request for first generations (the server's log, not the per-choice rule input). */
const isGenerateRequest = (q: RecordedRequest) => q.body?.messages?.[0]?.content === SYSTEM_PROMPTS.generate && !q.body.messages.some((m: { role: string }) => m.role === "assistant");

const judge = truthfulAbsJudge;

function absRules(): ScriptRule[] {
  let k = 0;
  return [
    { name: "synthesize", system: SYSTEM_PROMPTS.synthesize, reply: `\`\`\`json\n${JSON.stringify(["-4\n", "7\n", "0\n"])}\n\`\`\`` },
    // Samples 2 and 4 are right; the wrong majority agrees with the public example (5 -> 5).
    { name: "generate", when: isGenerate, reply: () => code(++k % 2 === 0 ? CORRECT : WRONG) },
    { name: "judge", system: SYSTEM_PROMPTS.judge, reply: judge },
  ];
}

const baseInputs = (chatUrl: string): Record<string, string> => ({
  "github-token": TOKEN,
  "api-key": API_KEY,
  "base-url": chatUrl,
  model: "test-model",
  samples: "4",
  rounds: "1",
  sandbox: "auto",
});

describe("the action, end to end", () => {
  it("solves a labeled issue: branch, one PR, one comment; a second run edits them", async () => {
    const p = await repo();
    const { path, payload } = await eventFile("issues-labeled.json");
    const gh = await startFakeGitHub({ token: TOKEN, collaborators: { maintainer: "maintain" }, issues: [{ number: 7, title: payload.issue.title, body: payload.issue.body, labels: ["kata"] }] });
    // Sees every chat request first (and answers none), to time the first model call.
    let firstModelCallAt: number | undefined;
    const chat = await startScriptedChatServer([{ name: "clock", when: () => ((firstModelCallAt ??= performance.now()), false), reply: "" }, ...absRules()]);
    try {
      const run = (extra: Record<string, string> = {}) =>
        runEntry({ eventName: "issues", eventFile: path, workspace: p.work, apiUrl: gh.url, inputs: { ...baseInputs(chat.url), ...extra } });
      const first = await run();
      expect(first.exitCode, first.visible).toBe(0);
      // The working comment went up before any model call, and is the one edited into the result.
      const working = gh.requests.find((r) => r.operationId === "issues/create-comment")!;
      expect(working.at).toBeLessThan(firstModelCallAt!);
      expect((working.body as { body: string }).body).toMatch(/Solving #7\*\* with 4 samples and 1 debugging rounds, model `test-model` · \[workflow run\]\(https:\/\/github\.com\/octo\/katas\/actions\/runs\/4242\)/);
      const edits = gh.requests.filter((r) => r.operationId === "issues/update-comment");
      expect(edits.map((r) => r.path)).toEqual([`/repos/octo/katas/issues/comments/${gh.state.comments[0]!.id}`]);
      expect(edits[0]!.at).toBeGreaterThan(gh.requests.find((r) => r.operationId === "pulls/create")!.at);
      expect(first.outputs["pull-request-operation"]).toBe("created");
      expect(JSON.parse(first.outputs.results!)).toEqual([
        {
          id: "issue-7",
          problem: "issue-7",
          issue: 7,
          status: "solved",
          branch: "sstar/issue-7",
          pullRequestNumber: Number(first.outputs["pull-request-number"]),
          pullRequestUrl: first.outputs["pull-request-url"],
          operation: "created",
          selectedPath: "solutions/issue-7.py",
          costUsd: 0,
        },
      ]);
      expect(first.outputs).toMatchObject({ solved: "true", branch: "sstar/issue-7", "selected-path": "solutions/issue-7.py", "pull-request-number": expect.stringMatching(/^\d+$/) });
      // The branch in the bare repository holds the selected (correct) solution and the spec.
      expect(await p.git(["show", "sstar/issue-7:solutions/issue-7.py"], p.bare)).toBe(CORRECT);
      const specYaml = await p.git(["show", "sstar/issue-7:problems/issue-7.yaml"], p.bare);
      expect(specYaml).toContain("id: issue-7");
      expect(specYaml).not.toContain("hidden: ignore"); // the HTML comment was stripped...
      expect(chat.chatRequests.map((r) => JSON.stringify(r.body)).join("\n")).not.toContain("hidden: ignore"); // ...before any prompt
      expect(await p.git(["rev-parse", "sstar/issue-7"], p.bare)).toBe(first.outputs["commit-sha"]);
      // Exactly one PR, closing the issue, and one comment on the issue.
      expect(gh.state.pulls).toHaveLength(1);
      expect(gh.state.pulls[0]!.body).toContain("Closes #7");
      expect(gh.state.comments).toHaveLength(1);
      const comment = gh.state.comments[0]!;
      expect(comment.issue_number).toBe(7);
      expect(hasMarker(comment.body, "issue-7")).toBe(true);
      // The distinguishing input with both outputs, and the pass table.
      expect(comment.body).toMatch(/\| input \| output of c\d+ \| output of c\d+ \| expected \(judge\) \|/);
      expect(comment.body).toMatch(/\| `-4` \| `-?4` \| `-?4` \| `-?4` \|/);
      expect(comment.body).toContain("| cluster | samples | public tests |");
      expect(comment.body).toMatch(/\| \*\*c\d+\*\* ✔ \| \d, \d \| 1\/1 \|/);
      // Report file for upload-artifact, and the job summary.
      const reportPath = first.outputs["report-path"]!;
      const report = solveReportSchema.parse(JSON.parse(await readFile(join(reportPath, "reports", "issue-7.json"), "utf8")));
      expect(report.status).toBe("solved");
      expect(first.summary).toContain("Absolute value");
      // Progress: groups per problem and stage, a line per sample and match.
      expect(first.stdout).toContain("::group::issue-7 · generate and debug");
      expect(first.stdout).toMatch(/sample \d finished: public tests 1\/1/);
      expect(first.stdout).toMatch(/match c\d+ vs c\d+/);

      // The second run streams its model replies (input "stream"): same result.
      const before = chat.chatRequests.length;
      expect(chat.chatRequests.every((r) => r.body.stream === undefined)).toBe(true);
      // Without the reply cache, so every reply is streamed again.
      const second = await run({ stream: "true", "cache-dir": "none" });
      expect(second.exitCode, second.visible).toBe(0);
      expect(second.outputs["pull-request-operation"]).toBe("none");
      expect(chat.chatRequests.length).toBeGreaterThan(before);
      expect(chat.chatRequests.slice(before).every((r) => r.body.stream === true)).toBe(true);
      expect(gh.state.pulls).toHaveLength(1);
      expect(gh.state.comments).toHaveLength(1);
      expect(second.outputs["pull-request-number"]).toBe(first.outputs["pull-request-number"]);
      // Same selected code: no new commit.
      expect(await p.git(["rev-list", "--count", "main..sstar/issue-7"], p.bare)).toBe("1");
      const creates = gh.requests.filter((r) => r.method === "POST");
      expect(creates.map((r) => r.path)).toEqual(["/repos/octo/katas/issues/7/comments", "/repos/octo/katas/pulls"]);
      expect(gh.requests.some((r) => r.method === "PATCH" && r.path === "/repos/octo/katas/pulls/" + first.outputs["pull-request-number"])).toBe(true);
      expect(gh.requests.every((r) => r.authorization === `token ${TOKEN}`)).toBe(true);
    } finally {
      await chat.close();
      await gh.close();
    }
  });

  it("a run killed with SIGTERM mid-solve leaves a report and an edited comment; the re-run replays finished samples from the restored cache", async () => {
    const p = await repo();
    const { path, payload } = await eventFile("issues-labeled.json");
    const gh = await startFakeGitHub({ token: TOKEN, collaborators: { maintainer: "maintain" }, issues: [{ number: 7, title: payload.issue.title, body: payload.issue.body, labels: ["kata"] }] });
    // The action asks for the four first generations in one request (n=4). The fourth sample's
    // program fails the public example, and the first run's debugging request for it never
    // answers: the job is cancelled while it waits, with three samples done.
    let run = 1;
    const generated = { 1: 0, 2: 0 };
    const debugged = { 1: 0, 2: 0 };
    let release = () => {};
    const released = new Promise<void>((resolve) => (release = resolve));
    let child: { kill(signal: NodeJS.Signals): boolean } | undefined;
    const chat = await startScriptedChatServer([
      { name: "synthesize", system: SYSTEM_PROMPTS.synthesize, reply: `\`\`\`json\n${JSON.stringify(["-4\n", "7\n"])}\n\`\`\`` },
      // One call per choice of the one request.
      { name: "generate", when: isGenerate, reply: () => code(++generated[run as 1 | 2] === 4 ? FAILS_PUBLIC : CORRECT) },
      {
        name: "debug",
        when: isDebug,
        reply: async () => {
          ++debugged[run as 1 | 2];
          if (run === 1) {
            child!.kill("SIGTERM");
            await released;
          }
          return code(CORRECT);
        },
      },
      { name: "judge", system: SYSTEM_PROMPTS.judge, reply: judge },
    ]);
    const cache = join(p.work, ".sstar-cache");
    const saved = await mkdtemp(join(tmpdir(), "sstar-saved-cache-"));
    cleanup.push(saved);
    try {
      const inputs = { ...baseInputs(chat.url), rounds: "1" };
      const killed = await runEntry({ eventName: "issues", eventFile: path, workspace: p.work, apiUrl: gh.url, inputs, onStart: (c) => (child = c) });
      expect(killed.exitCode, killed.visible).toBe(1);
      expect(killed.visible).toMatch(/SIGTERM: stopping; publishing what is done/);
      expect(killed.visible).toMatch(/the run stopped before it finished \(interrupted by SIGTERM\)/);
      // The partial report, and the working comment edited to say the run stopped.
      const partial = solveReportSchema.parse(JSON.parse(await readFile(join(killed.outputs["report-path"]!, "reports", "issue-7.json"), "utf8")));
      expect(partial.stopped).toBe("aborted");
      expect(partial.samples.filter((s) => s.finalCode !== "").map((s) => s.publicPassed)).toEqual([1, 1, 1, 0]);
      expect(chat.chatRequests.filter(isGenerateRequest).map((q) => q.body.n)).toEqual([4]);
      expect([generated[1], debugged[1]]).toEqual([4, 1]);
      expect(gh.state.comments).toHaveLength(1);
      expect(gh.state.comments[0]!.body).toContain("The run stopped before it finished** (interrupted by SIGTERM)");
      expect(gh.requests.filter((r) => r.operationId === "issues/update-comment")).toHaveLength(1);
      expect(JSON.parse(killed.outputs.results!)).toMatchObject([{ id: "issue-7", status: "stopped", operation: "none" }]);
      expect(gh.state.pulls).toHaveLength(0);

      // What actions/cache/save (if: always()) keeps and a fresh job's actions/cache/restore brings back.
      await cp(cache, saved, { recursive: true });
      await rm(cache, { recursive: true, force: true });
      await cp(saved, cache, { recursive: true });
      run = 2;
      const rerun = await runEntry({ eventName: "issues", eventFile: path, workspace: p.work, apiUrl: gh.url, inputs });
      expect(rerun.exitCode, rerun.visible).toBe(0);
      expect(rerun.outputs.solved).toBe("true");
      // The four first generations came from the cache (no generation request at all): only the
      // unfinished sample's debugging reached the model.
      expect(generated[2]).toBe(0);
      expect(debugged[2]).toBe(1);
      expect(gh.state.comments).toHaveLength(1);
      expect(gh.state.comments[0]!.body).not.toContain("The run stopped");
      expect(gh.state.comments[0]!.body).toContain("**Solution:** pull request #");
    } finally {
      release();
      await chat.close();
      await gh.close();
    }
  });

  it("a cancelled job (SIGINT, then the runner's SIGTERM while publishing) still publishes its partial report", async () => {
    const p = await repo();
    const { path, payload } = await eventFile("issues-labeled.json");
    const gh = await startFakeGitHub({ token: TOKEN, collaborators: { maintainer: "maintain" }, issues: [{ number: 7, title: payload.issue.title, body: payload.issue.body, labels: ["kata"] }] });
    let release = () => {};
    const released = new Promise<void>((resolve) => (release = resolve));
    let n = 0;
    let child: ResultPromise | undefined;
    const chat = await startScriptedChatServer([
      {
        name: "generate",
        when: isGenerate,
        reply: async () => {
          if (++n === 2) {
            // The runner's cancel: SIGINT; SIGTERM follows while the run is stopping.
            child!.stdout!.on("data", (chunk: Buffer) => {
              if (String(chunk).includes("SIGINT: stopping")) child!.kill("SIGTERM");
            });
            child!.kill("SIGINT");
            await released;
          }
          return code(CORRECT);
        },
      },
    ]);
    try {
      const run = await runEntry({ eventName: "issues", eventFile: path, workspace: p.work, apiUrl: gh.url, inputs: { ...baseInputs(chat.url), rounds: "0" }, onStart: (c) => (child = c) });
      expect(run.exitCode, run.visible).toBe(1);
      expect(run.visible).toContain("SIGTERM: still publishing what is done");
      expect(gh.state.comments[0]!.body).toContain("**The run stopped before it finished** (interrupted by SIGINT)");
      const report = solveReportSchema.parse(JSON.parse(await readFile(join(run.outputs["report-path"]!, "reports", "issue-7.json"), "utf8")));
      expect(report.stopped).toBe("aborted");
    } finally {
      release();
      await chat.close();
      await gh.close();
    }
  });

  it("stops solving at the timeout-minutes deadline and publishes what it has", async () => {
    const p = await repo();
    const { path, payload } = await eventFile("issues-labeled.json");
    const gh = await startFakeGitHub({ token: TOKEN, collaborators: { maintainer: "maintain" }, issues: [{ number: 7, title: payload.issue.title, body: payload.issue.body, labels: ["kata"] }] });
    let release = () => {};
    const released = new Promise<void>((resolve) => (release = resolve));
    let n = 0;
    // Two generations answer; the others take longer than the run may.
    const chat = await startScriptedChatServer([
      { name: "generate", when: isGenerate, reply: async () => (++n <= 2 ? code(CORRECT) : (await released, code(CORRECT))) },
      { name: "judge", system: SYSTEM_PROMPTS.judge, reply: judge },
    ]);
    try {
      // 0.05 minutes (3 s): the publishing reserve leaves the floor of one second to solve.
      const run = await runEntry({ eventName: "issues", eventFile: path, workspace: p.work, apiUrl: gh.url, inputs: { ...baseInputs(chat.url), rounds: "0", "timeout-minutes": "0.05" } });
      expect(run.exitCode, run.visible).toBe(1);
      expect(run.visible).toMatch(/stopping: timeout-minutes 0\.05 is near: solving stopped after 1 s to leave time to publish/);
      expect(gh.state.comments).toHaveLength(1);
      expect(gh.state.comments[0]!.body).toContain("**The run stopped before it finished** (timeout-minutes 0\\.05 is near");
      expect(JSON.parse(run.outputs.results!)).toMatchObject([{ id: "issue-7", status: "stopped" }]);
      const report = solveReportSchema.parse(JSON.parse(await readFile(join(run.outputs["report-path"]!, "reports", "issue-7.json"), "utf8")));
      expect(report.stopped).toBe("aborted");
    } finally {
      release();
      await chat.close();
      await gh.close();
    }
  });

  it.each([
    ["a bot actor", "issues-labeled-by-bot.json", 7, "maintain", /bot account renovate\\\[bot\\\]/],
    ["an unparseable issue", "issues-labeled-unparseable.json", 8, "maintain", /could not be read as a kata/],
    ["a label applied by someone without triage access", "issues-labeled.json", 7, "read", /applied by maintainer, who has read access/],
  ] as const)("refuses %s with a clear comment and no branch", async (_what, file, number, permission, reason) => {
    const p = await repo();
    const { path, payload } = await eventFile(file);
    const gh = await startFakeGitHub({ token: TOKEN, collaborators: { maintainer: permission }, issues: [{ number, title: payload.issue.title, body: payload.issue.body, labels: ["kata"] }] });
    const chat = await startScriptedChatServer([]);
    try {
      const run = await runEntry({ eventName: "issues", eventFile: path, workspace: p.work, apiUrl: gh.url, inputs: baseInputs(chat.url) });
      expect(run.exitCode, run.visible).toBe(0);
      expect(run.outputs.solved).toBe("false");
      expect(gh.state.comments).toHaveLength(1);
      expect(gh.state.comments[0]!.issue_number).toBe(number);
      expect(gh.state.comments[0]!.body).toMatch(reason);
      expect(gh.state.comments[0]!.body).toContain("No branch was created");
      expect(gh.state.pulls).toHaveLength(0);
      expect(await p.git(["for-each-ref", "refs/heads/sstar"], p.bare)).toBe("");
      expect(chat.chatRequests).toHaveLength(0);
    } finally {
      await chat.close();
      await gh.close();
    }
  });

  it("keeps the token and the key out of everything sandboxed programs can see", async () => {
    const p = await repo();
    // What actions/checkout leaves by default (persist-credentials): the token in .git/config.
    const basic = Buffer.from(`x-access-token:${TOKEN}`).toString("base64");
    await p.git(["config", "--local", "http.https://github.com/.extraheader", `AUTHORIZATION: basic ${basic}`]);
    const { path, payload } = await eventFile("issues-labeled.json");
    const gh = await startFakeGitHub({ token: TOKEN, collaborators: { maintainer: "maintain" }, issues: [{ number: 7, title: payload.issue.title, body: payload.issue.body, labels: ["kata"] }] });
    // Every sample is a spy: it prints its environment, every /proc/*/environ and cmdline it can
    // read, and the checkout's .git files, to stdout (the report, the comment and the debugging
    // prompts all show program output).
    const spy = [
      "import os, glob",
      "print('SPY-BEGIN')",
      "for k, v in os.environ.items(): print('ENV', k, v)",
      "for f in glob.glob('/proc/*/environ') + glob.glob('/proc/*/cmdline'):",
      "    try: print('PROC', f, open(f, 'rb').read().replace(b'\\0', b' ').decode('utf8', 'replace'))",
      "    except Exception as e: print('PROC-DENIED', f, type(e).__name__)",
      `for f in ${JSON.stringify([join(p.work, ".git", "config"), join(p.work, ".git", "FETCH_HEAD"), join(p.work, ".git", "HEAD")])}:`,
      "    try: print('GIT', f, open(f).read())",
      "    except Exception as e: print('GIT-DENIED', f, type(e).__name__)",
      "print('SPY-END')",
    ].join("\n");
    const chat = await startScriptedChatServer([
      { name: "synthesize", system: SYSTEM_PROMPTS.synthesize, reply: '```json\n["1\\n"]\n```' },
      { name: "generate", system: SYSTEM_PROMPTS.generate, reply: code(spy) },
      { name: "judge", system: SYSTEM_PROMPTS.judge, reply: "ANSWER: TIE" },
    ]);
    try {
      const run = await runEntry({
        eventName: "issues",
        eventFile: path,
        workspace: p.work,
        apiUrl: gh.url,
        inputs: { ...baseInputs(chat.url), samples: "2", rounds: "1" },
        env: { OPENAI_API_KEY: API_KEY },
      });
      expect(run.exitCode, run.visible).toBe(0);
      const reportText = await readFile(join(run.outputs["report-path"]!, "reports", "issue-7.json"), "utf8");
      // The spies ran and their output reached the report (so absence below means something).
      expect(reportText).toContain("SPY-BEGIN");
      expect(reportText).toContain("ENV ");
      expect(reportText).toContain("GIT-DENIED");
      const prompts = chat.chatRequests.map((r) => JSON.stringify(r.body)).join("\n");
      expect(prompts).toContain("SPY-BEGIN"); // debugging prompts carried program output
      const everything = [
        reportText,
        prompts,
        run.visible,
        gh.requests.map((r) => r.rawBody).join("\n"),
        gh.state.comments.map((c) => c.body).join("\n"),
        await readFile(join(run.outputs["report-path"]!, "report.md"), "utf8"),
      ].join("\n");
      for (const secret of [TOKEN, API_KEY, basic]) expect(everything).not.toContain(secret);
      // Nothing passed the public test, so nothing was pushed.
      expect(run.outputs.solved).toBe("false");
      expect(await p.git(["for-each-ref", "refs/heads/sstar"], p.bare)).toBe("");
    } finally {
      await chat.close();
      await gh.close();
    }
  });
});

