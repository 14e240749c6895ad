// evaluate() with the real engine, sandbox and model client over HTTP: each way the infrastructure
// can fail leaves its problems `not-attempted` with its cause (deadline, interrupted, budget,
// credentials, sandbox), while one failed sample among several leaves the problem attempted.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { evaluate } from "../../src/eval/evaluate.ts";
import { SYSTEM_PROMPTS } from "../../src/engine/prompts.ts";
import { createModelClient } from "../../src/model/index.ts";
import type { ModelConfig } from "../../src/model/config.ts";
import { createSandbox } from "../../src/sandbox/index.ts";
import type { Sandbox } from "../../src/sandbox/types.ts";
import { checkSpecObject } from "../../src/spec/load.ts";
import type { ProblemSpec } from "../../src/spec/schema.ts";
import { startScriptedChatServer, type ScriptedChatServer } from "../fixtures/chat-server.ts";
import { nightlySpecs, problemId } from "./nightly-fixture.ts";

const specs: ProblemSpec[] = nightlySpecs(2).map((input) => {
  const r = checkSpecObject(input, input.id);
  if (!r.ok) throw new Error(`spec ${input.id} does not validate`);
  return r.spec;
});
const SOLVE = { samples: 1, rounds: 0, selection: "first" as const, temperature: 0.7, modelName: "m", judgeModelName: "m", sandboxName: "auto" };
const tagged = (k: number) => `problem tag: ${problemId(k)})`;
const right = (k: number) => "```python\nprint(int(input()) + " + k + ")\n```";

let server: ScriptedChatServer;
let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await createSandbox({ backend: "auto" });
  server = await startScriptedChatServer([
    { name: "hang", model: "hangs", reply: { fault: "hang" } },
    { name: "bad-key", model: "bad-key", reply: { fault: "status", status: 401, body: { error: { message: "Incorrect API key" } } } },
    // "one-500": the first of problem 1's samples gets a 500, the others answer.
    { name: "one-500", model: "one-500", anyText: tagged(1), nth: 1, reply: { fault: "status", status: 500 } },
    { name: "add-01", anyText: tagged(1), system: SYSTEM_PROMPTS.generate, reply: right(1) },
    { name: "add-02", anyText: tagged(2), system: SYSTEM_PROMPTS.generate, reply: right(2) },
  ]);
});
afterAll(async () => {
  await server?.close();
  await sandbox?.close();
});

const client = (over: Partial<ModelConfig>) => createModelClient({ baseUrl: server.url, apiKey: "k", model: "m", cacheDir: null, maxRetries: 0, ...over });
const outcomes = (r: Awaited<ReturnType<typeof evaluate>>) => r.problems.map((p) => [p.id, p.outcome, p.notAttempted?.cause]);

describe("evaluate: attempted or not, and why", () => {
  it("graded problems pass or fail; one 500 among the samples still counts as attempted", async () => {
    const r = await evaluate(specs, { model: client({ model: "one-500" }), sandbox }, { solve: { ...SOLVE, samples: 3 } });
    expect(outcomes(r)).toEqual([["add-01", "passed", undefined], ["add-02", "passed", undefined]]);
    expect(r.summary).toMatchObject({ problems: 2, graded: 2, notAttempted: 0, solved: 2 });
  });

  it("a deadline that passes leaves the problem in flight and the ones not started not attempted (deadline)", async () => {
    const r = await evaluate(specs, { model: client({ model: "hangs" }), sandbox }, { solve: SOLVE, deadline: new Date(Date.now() + 300) });
    expect(outcomes(r)).toEqual([["add-01", "not-attempted", "deadline"], ["add-02", "not-attempted", "deadline"]]);
    expect(r.summary).toMatchObject({ graded: 0, notAttempted: 2, notAttemptedByCause: { deadline: 2 } });
  });

  it("the CLI's --deadline (a signal aborted with the reason \"deadline 1s\") is recorded as the deadline, not an interruption", async () => {
    const stop = new AbortController();
    setTimeout(() => stop.abort("deadline 1s"), 300);
    const r = await evaluate(specs, { model: client({ model: "hangs" }), sandbox }, { solve: SOLVE, signal: stop.signal, deadline: new Date(Date.now() + 60_000) });
    expect(outcomes(r)).toEqual([["add-01", "not-attempted", "deadline"], ["add-02", "not-attempted", "deadline"]]);
  });

  it("an interrupted run records what it did not finish as not attempted (interrupted)", async () => {
    const stop = new AbortController();
    setTimeout(() => stop.abort(), 300);
    const r = await evaluate(specs, { model: client({ model: "hangs" }), sandbox }, { solve: SOLVE, signal: stop.signal });
    expect(outcomes(r)).toEqual([["add-01", "not-attempted", "interrupted"], ["add-02", "not-attempted", "interrupted"]]);
  });

  it("a refused key (authentication) and a spent budget (budget-exhausted)", async () => {
    const auth = await evaluate(specs, { model: client({ model: "bad-key" }), sandbox }, { solve: SOLVE });
    expect(outcomes(auth)).toEqual([["add-01", "not-attempted", "authentication"], ["add-02", "not-attempted", "authentication"]]);
    expect(auth.problems[0]!.notAttempted!.detail).toMatch(/the API key was refused \(HTTP 401/);
    const budget = await evaluate(specs, { model: client({ budget: { calls: 1 } }), sandbox }, { solve: SOLVE });
    expect(outcomes(budget)).toEqual([["add-01", "passed", undefined], ["add-02", "not-attempted", "budget-exhausted"]]);
  });

  it("a sandbox that cannot run programs (sandbox-unavailable)", async () => {
    const broken = await createSandbox({ backend: "auto" });
    await broken.close(); // a closed pool refuses every run
    const r = await evaluate(specs, { model: client({}), sandbox: broken }, { solve: SOLVE });
    expect(outcomes(r)).toEqual([["add-01", "not-attempted", "sandbox-unavailable"], ["add-02", "not-attempted", "sandbox-unavailable"]]);
    expect(r.problems[0]!.notAttempted!.detail).toBe("sandbox: run after close()");
  });

  it("resuming redoes the problems that were not attempted", async () => {
    const first = await evaluate(specs, { model: client({ model: "bad-key" }), sandbox }, { solve: SOLVE });
    const second = await evaluate(specs, { model: client({}), sandbox }, { solve: SOLVE, resumeFrom: first });
    expect(outcomes(second)).toEqual([["add-01", "passed", undefined], ["add-02", "passed", undefined]]);
  });
});
