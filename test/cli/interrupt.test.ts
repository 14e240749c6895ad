// Ctrl-C keeps the work: the real CLI (one node process, so the signal reaches the run) against the
// scripted server, interrupted while the judge is being asked or while samples are still coming.
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SYSTEM_PROMPTS } from "../../src/engine/prompts.ts";
import type { SolveReport } from "../../src/engine/report.ts";
import { startScriptedChatServer, type ScriptedChatServer } from "../fixtures/chat-server.ts";

const GOOD = "print(2 * int(input()))";
const ODD = "n = int(input())\nprint(2 * n if n >= 0 else 0)";
const spec = (id: string) => `id: ${id}
title: Double it (${id})
statement: Read an integer n and print 2n. (problem ${id})
tests:
  public:
    - input: "3\\n"
      output: "6\\n"
`;

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "sstar-interrupt-"));
  await writeFile(join(dir, "a.yaml"), spec("a"));
  await writeFile(join(dir, "b.yaml"), spec("b"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Starts `sstar solve`, sends SIGINT once `ready()` holds, and returns what it did. */
async function interruptWhen(server: ScriptedChatServer, args: string[], ready: (stderr: string) => boolean) {
  const child = execa(process.execPath, ["--import", "tsx", "src/cli/main.ts", "solve", ...args, "--base-url", server.url, "--model", "m", "--no-cache"], {
    reject: false,
    env: { OPENAI_API_KEY: "", SSTAR_MODEL: "" },
  });
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  for (let i = 0; i < 600 && !ready(stderr); i++) await sleep(50);
  expect(ready(stderr)).toBe(true);
  child.kill("SIGINT");
  return await child;
}

const report = async (out: string, id: string): Promise<SolveReport> => JSON.parse(await readFile(join(out, id, "report.json"), "utf8")) as SolveReport;

describe("Ctrl-C", () => {
  it("during selection: picks by the posterior so far, writes the solution and a report saying so; a finished problem stays finished", async () => {
    let judgeAsked = 0;
    const server = await startScriptedChatServer([
      { system: SYSTEM_PROMPTS.synthesize, reply: '```json\n["0", "-5", "7"]\n```' },
      { system: SYSTEM_PROMPTS.separate, reply: '```json\n["-2"]\n```' },
      // Problem a is judged at once; problem b's judge never answers, so its selection is in progress.
      { system: SYSTEM_PROMPTS.judge, lastUser: "(problem a)", reply: "ANSWER: TIE" },
      { system: SYSTEM_PROMPTS.judge, when: (q) => !q.lastUser.includes("(problem a)") && ++judgeAsked > 0, reply: { fault: "hang" } },
      { system: SYSTEM_PROMPTS.generate, nth: [1, 2, 4, 5, 6], reply: `\`\`\`python\n${GOOD}\n\`\`\`` },
      { system: SYSTEM_PROMPTS.generate, reply: `\`\`\`python\n${ODD}\n\`\`\`` },
    ]);
    const out = join(dir, "selection");
    const r = await interruptWhen(server, [join(dir, "a.yaml"), join(dir, "b.yaml"), "--samples", "4", "--rounds", "0", "--out", out], () => judgeAsked > 0);
    await server.close();
    expect(r.exitCode, r.stderr).toBe(130);
    expect(r.stderr).toContain("sstar solve: interrupted: no more model calls; each problem picks from what it has and writes its files");
    // The finished problem is not re-reported as stopped.
    expect(r.stderr).not.toMatch(/^a: .*stopped/m);
    const a = await report(out, "a");
    expect(a.interrupted).toBeUndefined();
    expect(a.status).toBe("solved");

    const b = await report(out, "b");
    expect(b.interrupted).toMatchObject({ by: "SIGINT", during: "selection", samplesDone: 4, samples: 4, pickedBy: "posterior" });
    expect(b.selected).not.toBeNull();
    expect(b.selection.reason).toContain("interrupted: picked from the evidence gathered so far");
    expect(b.clusters.length).toBe(2);
    expect(existsSync(join(out, "b", "solution.py"))).toBe(true);
    const md = await readFile(join(out, "b", "report.md"), "utf8");
    expect(md).toContain("**Interrupted.** Stopped by Ctrl-C during selection");
    expect(r.stdout).toMatch(/wrote .*b\/: solution\.py, report\.json, report\.md/);
  }, 120_000);

  it("--deadline stops the run the same way and the report names the deadline", async () => {
    const server = await startScriptedChatServer([
      { system: SYSTEM_PROMPTS.synthesize, reply: '```json\n["0", "-5", "7"]\n```' },
      { system: SYSTEM_PROMPTS.separate, reply: '```json\n["-2"]\n```' },
      { system: SYSTEM_PROMPTS.judge, reply: { fault: "hang" } },
      { system: SYSTEM_PROMPTS.generate, nth: [1, 2], reply: `\`\`\`python\n${GOOD}\n\`\`\`` },
      { system: SYSTEM_PROMPTS.generate, reply: `\`\`\`python\n${ODD}\n\`\`\`` },
    ]);
    const out = join(dir, "deadline");
    const r = await execa(process.execPath, ["--import", "tsx", "src/cli/main.ts", "solve", join(dir, "a.yaml"), join(dir, "b.yaml"), "--samples", "3", "--rounds", "0", "--deadline", "6s", "--out", out, "--base-url", server.url, "--model", "m", "--no-cache"], {
      reject: false,
      env: { OPENAI_API_KEY: "", SSTAR_MODEL: "" },
    });
    await server.close();
    expect(r.exitCode, r.stderr).toBe(130);
    expect(r.stderr).toContain("sstar solve: the --deadline of 6s passed: no more model calls");
    const a = await report(out, "a");
    // The judge never answers, so the deadline finds the run in selection (on a very slow machine, still sampling).
    expect(a.interrupted?.by).toBe("deadline 6s");
    expect(a.selected).not.toBeNull();
    expect(await readFile(join(out, "a", "report.md"), "utf8")).toContain("Stopped by the 6s deadline");
    // b never started: the summary still lists it, as not started, and no files are claimed for it.
    expect(r.stdout).toMatch(/^b\s+not started\s+-/m);
    expect(r.stdout).toMatch(/^\d\/2 solved(, 1 uncertain \([^)]*\))? \(1 not started: the run was stopped first\)$/m);
    expect(r.stdout).not.toMatch(/wrote .*b\//);
    expect(existsSync(join(out, "b"))).toBe(false);
  }, 120_000);

  it("while samples are still coming: picks by majority over the inputs already run, and says at what point", async () => {
    let generated = 0;
    const server = await startScriptedChatServer([
      { system: SYSTEM_PROMPTS.synthesize, reply: '```json\n["0", "-5", "7"]\n```' },
      // Three samples answer, the fourth never does.
      { system: SYSTEM_PROMPTS.generate, when: () => ++generated === 4, reply: { fault: "hang" } },
      { system: SYSTEM_PROMPTS.generate, nth: [1, 2], reply: `\`\`\`python\n${GOOD}\n\`\`\`` },
      { system: SYSTEM_PROMPTS.generate, reply: `\`\`\`python\n${ODD}\n\`\`\`` },
    ]);
    const out = join(dir, "sampling");
    // One request per sample: the scenario is three generation requests answered and a fourth in
    // flight (one request with n=4 would hang as a whole; the next test is that path).
    const r = await interruptWhen(server, [join(dir, "a.yaml"), "--samples", "4", "--rounds", "0", "--generation-requests", "separate", "--out", out], (stderr) => generated >= 4 && stderr.includes("a: generate+debug: 3/4 samples done"));
    await server.close();
    expect(server.chatRequests.filter((q) => q.body.messages?.[0]?.content === SYSTEM_PROMPTS.generate).map((q) => q.body.n ?? 1)).toEqual([1, 1, 1, 1]);
    expect(r.exitCode, r.stderr).toBe(130);
    const a = await report(out, "a");
    expect(a.interrupted).toMatchObject({ by: "SIGINT", during: "sampling", samplesDone: 3, samples: 4 });
    // Majority when the three finished programs had already run on the synthesized inputs, else first.
    expect(["majority", "first"]).toContain(a.interrupted?.pickedBy);
    expect(a.selection.strategy).toBe(a.interrupted?.pickedBy);
    expect(a.selected).not.toBeNull();
    expect(await readFile(join(out, "a", "solution.py"), "utf8")).not.toBe("");
    expect(await readFile(join(out, "a", "report.md"), "utf8")).toContain("Stopped by Ctrl-C while sampling and debugging");
  }, 120_000);

  it("while samples are still coming after one request for all first generations: the same pick over the samples done", async () => {
    const isDebug = (q: { messages: { role: string }[] }) => q.messages.some((m) => m.role === "assistant");
    let debugging = 0;
    const server = await startScriptedChatServer([
      { system: SYSTEM_PROMPTS.synthesize, reply: '```json\n["0", "-5", "7"]\n```' },
      // The fourth sample's program fails the public test; its debugging request never answers.
      {
        system: SYSTEM_PROMPTS.generate,
        when: isDebug,
        reply: () => {
          debugging++;
          return { fault: "hang" };
        },
      },
      // The one request's four choices (the server asks the rules once per choice).
      { system: SYSTEM_PROMPTS.generate, nth: [1, 2], reply: `\`\`\`python\n${GOOD}\n\`\`\`` },
      { system: SYSTEM_PROMPTS.generate, nth: 3, reply: `\`\`\`python\n${ODD}\n\`\`\`` },
      { system: SYSTEM_PROMPTS.generate, reply: "```python\nprint(int(input()))\n```" },
    ]);
    const out = join(dir, "sampling-one");
    const r = await interruptWhen(server, [join(dir, "a.yaml"), "--samples", "4", "--rounds", "1", "--out", out], (stderr) => debugging >= 1 && stderr.includes("a: generate+debug: 3/4 samples done"));
    await server.close();
    expect(r.exitCode, r.stderr).toBe(130);
    const generations = server.chatRequests.filter((q) => q.body.messages?.[0]?.content === SYSTEM_PROMPTS.generate);
    expect(generations.map((q) => [q.body.n ?? 1, q.outcome])).toEqual([
      [4, "reply"],
      [1, "hang"],
    ]);
    const a = await report(out, "a");
    expect(a.interrupted).toMatchObject({ by: "SIGINT", during: "sampling", samplesDone: 3, samples: 4 });
    expect(["majority", "first"]).toContain(a.interrupted?.pickedBy);
    expect(a.selection.strategy).toBe(a.interrupted?.pickedBy);
    expect(a.selected).not.toBeNull();
    expect(a.samples.filter((s) => s.publicPassed === 1)).toHaveLength(3);
    expect(await readFile(join(out, "a", "solution.py"), "utf8")).not.toBe("");
    expect(await readFile(join(out, "a", "report.md"), "utf8")).toContain("Stopped by Ctrl-C while sampling and debugging");
  }, 120_000);
});
