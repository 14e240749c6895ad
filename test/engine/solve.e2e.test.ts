// End to end: the real engine, the real model client over real HTTP against the scripted
// chat-completions server, and the real sandbox running the programs.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { solve, type SolveOptions } from "../../src/engine/index.ts";
import { SYSTEM_PROMPTS } from "../../src/engine/prompts.ts";
import { solveReportSchema } from "../../src/engine/report.ts";
import { createModelClient } from "../../src/model/index.ts";
import { createSandbox } from "../../src/sandbox/index.ts";
import type { Sandbox } from "../../src/sandbox/types.ts";
import type { ProblemSpec } from "../../src/spec/schema.ts";
import { ABS_CORRECT, ABS_IDENTITY, absValueSpec, truthfulAbsJudge } from "../fixtures/abs-value.ts";
import { startScriptedChatServer, type ScriptRequest, type ScriptRule } from "../fixtures/chat-server.ts";

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await createSandbox({ backend: "auto" });
});
afterAll(async () => {
  await sandbox?.close();
});

const absSpec = absValueSpec;

const code = (body: string) => `Here is my program.\n\n\`\`\`python\n${body}\n\`\`\`\n`;
const CORRECT = ABS_CORRECT;
const WRONG_MAJORITY = ABS_IDENTITY;

const isGenerate = (r: ScriptRequest) => r.system === SYSTEM_PROMPTS.generate && !r.messages.some((m) => m.role === "assistant");
const isDebug = (r: ScriptRequest) => r.system === SYSTEM_PROMPTS.generate && r.messages.some((m) => m.role === "assistant");

const truthfulJudge = truthfulAbsJudge;

const synthesisRule = (inputs: string[]): ScriptRule => ({
  name: "synthesize",
  system: SYSTEM_PROMPTS.synthesize,
  reply: `Some tricky inputs:\n\n\`\`\`json\n${JSON.stringify(inputs)}\n\`\`\``,
});

function options(over: Partial<SolveOptions> = {}): SolveOptions {
  return { samples: 8, rounds: 2, selection: "sstar", temperature: 0.7, modelName: "m", judgeModelName: "m", sandboxName: sandbox.backend, ...over };
}

function client(url: string, extra: Record<string, unknown> = {}) {
  return createModelClient({ baseUrl: url, apiKey: "test-key", model: "m", cacheDir: null, concurrency: 8, maxRetries: 0, ...extra });
}

describe("solve, end to end", () => {
  it("selects one of 2 correct samples over a wrong majority through a distinguishing input", async () => {
    let k = 0;
    const server = await startScriptedChatServer([
      synthesisRule(["-4", "7", "-10", "0", "-1"]),
      { name: "generate", when: isGenerate, reply: () => code(++k === 3 || k === 6 ? CORRECT : WRONG_MAJORITY) },
      { name: "judge", system: SYSTEM_PROMPTS.judge, reply: truthfulJudge },
    ]);
    try {
      const report = await solve(absSpec, { model: client(server.url), sandbox }, options());
      expect(solveReportSchema.parse(report)).toBeTruthy();
      expect(report.status).toBe("solved");
      expect(report.clusters).toHaveLength(2);
      const chosen = report.samples.find((s) => s.index === report.selected?.sample);
      expect(chosen?.finalCode).toContain("abs(n)");
      // The majority baseline picks the wrong cluster; sstar's match shows a negative input.
      const majority = report.baselines.find((b) => b.strategy === "majority");
      expect(report.samples.find((s) => s.index === majority?.selectedSample)?.finalCode).not.toContain("abs");
      expect(report.matches.length).toBeGreaterThan(0);
      const shown = report.matches.flatMap((m) => m.inputs.map((i) => i.input.trim()));
      expect(shown.some((i) => i.startsWith("-"))).toBe(true);
      expect(report.matches[0]!.votes.map((v) => v.order)).toEqual(["ab", "ba"]);
      expect(report.usage.byStage.generate?.calls).toBe(8);
      expect(report.usage.byStage.synthesize?.calls).toBe(1);
      expect(report.settings.replay).toBe(false);
    } finally {
      await server.close();
    }
  });

  it("sstar starts on the samples done by the first debugging round; a later fix joins its cluster", async () => {
    let k = 0;
    let debugCalls = 0;
    const server = await startScriptedChatServer([
      synthesisRule(["-4", "7", "-10"]),
      // Samples in arrival order: wrong, wrong, correct, failing the public example.
      { name: "generate", when: isGenerate, reply: () => code([WRONG_MAJORITY, WRONG_MAJORITY, CORRECT, "n = int(input())\nprint(n + 1)"][k++ % 4]!) },
      // The failing one stays wrong in round 1 (so it is late) and is fixed in round 2.
      { name: "debug", when: isDebug, reply: () => code(++debugCalls === 1 ? "n = int(input())\nprint(n + 2)" : CORRECT) },
      { name: "judge", system: SYSTEM_PROMPTS.judge, reply: truthfulJudge },
    ]);
    const filtered: number[][] = [];
    try {
      const report = await solve(absSpec, { model: client(server.url), sandbox }, options({
        samples: 4,
        onProgress: (e) => {
          if (e.type === "selection" && e.event.type === "filtered") filtered.push(e.event.kept);
        },
      }));
      expect(solveReportSchema.parse(report)).toBeTruthy();
      const late = report.samples.find((s) => s.rounds.length === 3)!;
      expect(late.finalCode).toContain("abs(n)");
      const correct = report.samples.find((s) => s.rounds.length === 1 && s.finalCode.includes("abs(n)"))!;
      // Selection began with the three samples done after round 1; the late fix joined afterwards.
      expect(filtered[0]).toHaveLength(3);
      expect(filtered[0]).not.toContain(late.index);
      expect(report.clusters.map((c) => c.members.length).sort()).toEqual([2, 2]);
      const home = report.clusters.find((c) => c.members.includes(late.index))!;
      expect(home.members).toContain(correct.index);
      expect(report.selected?.code).toContain("abs(n)");
      expect(report.selected?.sample).toBe(Math.min(late.index, correct.index));
      expect(report.status).toBe("solved");
    } finally {
      await server.close();
    }
  });

  it("selects a sample that debugging fixed", async () => {
    let debugCalls = 0;
    const server = await startScriptedChatServer([
      synthesisRule(["-4", "3"]),
      { name: "generate", when: isGenerate, reply: code("n = int(input())\nprint(n + 1)") },
      // Only the first debugging request gets the fix; the others stay wrong.
      { name: "debug", when: isDebug, reply: () => code(++debugCalls === 1 ? CORRECT : "n = int(input())\nprint(n + 2)") },
      { name: "judge", system: SYSTEM_PROMPTS.judge, reply: "ANSWER: TIE" },
    ]);
    try {
      const report = await solve(absSpec, { model: client(server.url), sandbox }, options({ samples: 4, rounds: 1 }));
      expect(report.status).toBe("solved");
      const chosen = report.samples.find((s) => s.index === report.selected?.sample)!;
      expect(chosen.rounds).toHaveLength(2);
      expect(chosen.rounds[0]!.publicPassed).toBe(0);
      expect(chosen.rounds[0]!.publicResults[0]!.verdict).toBe("wrong-answer");
      expect(chosen.rounds[1]!.publicPassed).toBe(1);
      // The debugging prompt showed the failing test: input, expected and actual output.
      const debugPrompt = server.chatRequests.map((r) => r.body.messages).find((m: { role: string }[]) => m.some((x) => x.role === "assistant"));
      const feedback = debugPrompt[debugPrompt.length - 1].content as string;
      expect(feedback).toContain("Expected:");
      expect(feedback).toContain("6");
      expect(server.count("debug")).toBe(4);
    } finally {
      await server.close();
    }
  });

  it("a code review finds the right program among candidates no input tells apart", async () => {
    // Every input the model writes is non-negative, so |n| and n agree everywhere: one cluster, 6
    // copies of the wrong program and 2 of the right one. The judge, shown the code, knows.
    let k = 0;
    const reviewJudge = (r: ScriptRequest) => {
      const [first, second] = [...r.lastUser.matchAll(/Program (1|2):\n```python\n([\s\S]*?)```/g)].map((m) => m[2]!);
      const rightFirst = first?.includes("abs(") === true;
      const rightSecond = second?.includes("abs(") === true;
      return `Reviewed both programs.\nANSWER: ${rightFirst === rightSecond ? "TIE" : rightFirst ? "1" : "2"}`;
    };
    const server = await startScriptedChatServer([
      synthesisRule(["7", "0", "12"]),
      { name: "separate", system: SYSTEM_PROMPTS.separate, reply: '```json\n["3", "9"]\n```' },
      { name: "generate", when: isGenerate, reply: () => code(++k === 4 || k === 7 ? CORRECT : WRONG_MAJORITY) },
      { name: "judge", system: SYSTEM_PROMPTS.judge, reply: reviewJudge },
    ]);
    try {
      const report = await solve(absSpec, { model: client(server.url), sandbox }, options());
      expect(solveReportSchema.parse(report)).toBeTruthy();
      expect(report.clusters).toHaveLength(1);
      const chosen = report.samples.find((s) => s.index === report.selected?.sample);
      expect(chosen?.finalCode).toContain("abs(n)");
      expect(report.selection.reason).toMatch(/code review of its 2 distinct programs \(2 decisive votes\)/);
      // One pair, asked once in each order, code only: the prompt says on how many inputs they agreed.
      expect(server.count("separate")).toBe(1);
      expect(server.count("judge")).toBe(2);
      const judgePrompts = server.chatRequests.map((r) => r.body.messages).filter((m: { content: string }[]) => m[0]!.content === SYSTEM_PROMPTS.judge);
      expect(judgePrompts.every((m: { content: string }[]) => /gave the same results on all 5 test inputs tried/.test(m[1]!.content))).toBe(true);
      const review = report.matches.filter((m) => m.note?.startsWith("code review"));
      expect(review).toHaveLength(1);
      expect(review[0]!.inputs).toEqual([]);
      // The majority baseline takes the larger group of copies: the wrong program.
      const majority = report.baselines.find((b) => b.strategy === "majority");
      expect(report.samples.find((s) => s.index === majority?.selectedSample)?.finalCode).not.toContain("abs");
    } finally {
      await server.close();
    }
  });

  it("reports the fallback when no candidate passes the public tests", async () => {
    const server = await startScriptedChatServer([
      synthesisRule(["1", "2"]),
      { name: "generate", when: isGenerate, reply: code("print('nope')") },
      { name: "debug", when: isDebug, reply: code("print(-1)") },
      { name: "judge", system: SYSTEM_PROMPTS.judge, reply: "ANSWER: TIE" },
    ]);
    try {
      const report = await solve(absSpec, { model: client(server.url), sandbox }, options({ samples: 3, rounds: 1 }));
      expect(report.status).toBe("unsolved");
      expect(report.selection.fallback).toMatch(/no candidate passed/);
      expect(report.selected).not.toBeNull();
      expect(report.selected!.publicPassed).toBe(0);
    } finally {
      await server.close();
    }
  });

  it("counts a judge that contradicts itself across the two orders as a tie", async () => {
    let k = 0;
    const server = await startScriptedChatServer([
      synthesisRule(["-4", "7"]),
      { name: "generate", when: isGenerate, reply: () => code(++k % 2 === 0 ? CORRECT : WRONG_MAJORITY) },
      // Position bias: always the first program shown.
      { name: "judge", system: SYSTEM_PROMPTS.judge, reply: "The first one looks right.\nANSWER: 1" },
    ]);
    try {
      const report = await solve(absSpec, { model: client(server.url), sandbox }, options({ samples: 4, rounds: 0 }));
      expect(report.matches.length).toBeGreaterThan(0);
      const m = report.matches[0]!;
      expect(m.votes.map((v) => v.choice)).toEqual(["a", "b"]);
      expect(m.winner).toBe("tie");
    } finally {
      await server.close();
    }
  });

  it("with N=16 and 6 clusters makes at most 3 x (clusters - 1) selection calls", async () => {
    let k = 0;
    // Six behaviours that all print 0 on the public input 0: n*1 .. n*6.
    const zeroSpec: ProblemSpec = { ...absSpec, id: "six", tests: { public: [{ name: "1", input: "0\n", output: "0\n" }], hidden: [] } };
    const server = await startScriptedChatServer([
      synthesisRule(["1", "2", "3"]),
      { name: "generate", when: isGenerate, reply: () => code(`n = int(input())\nprint(n * ${(k++ % 6) + 1})`) },
      { name: "separate", system: SYSTEM_PROMPTS.separate, reply: '```json\n["5"]\n```' },
      { name: "judge", system: SYSTEM_PROMPTS.judge, reply: (r) => `ANSWER: ${r.index % 3 === 0 ? "1" : r.index % 3 === 1 ? "2" : "TIE"}` },
    ]);
    try {
      const report = await solve(zeroSpec, { model: client(server.url), sandbox }, options({ samples: 16 }));
      expect(report.clusters).toHaveLength(6);
      const selectionCalls = server.count("synthesize") + server.count("separate") + server.count("judge");
      expect(selectionCalls).toBeGreaterThan(1);
      expect(selectionCalls).toBeLessThanOrEqual(3 * (6 - 1));
      expect(report.usage.byStage.judge?.calls ?? 0).toBe(server.count("judge"));
    } finally {
      await server.close();
    }
  });

  it("an abort cancels the model calls in flight: the run ends at once with what it has", async () => {
    let k = 0;
    const server = await startScriptedChatServer([
      synthesisRule(["-4", "7"]),
      // Two samples answer; the other six hang until cancelled.
      { name: "generate", when: isGenerate, reply: () => (++k <= 2 ? code(CORRECT) : { fault: "hang" }) },
      { name: "judge", system: SYSTEM_PROMPTS.judge, reply: truthfulJudge },
    ]);
    const controller = new AbortController();
    try {
      // Without the cancel the hanging calls would wait for their 120 s timeout: past the test's own.
      // One request per sample ("separate"): the scenario is about several requests in flight, some
      // answered and some hanging (one request with n=8 would hang as a whole; see the next test).
      const running = solve(absSpec, { model: client(server.url, { timeoutMs: 120_000 }), sandbox }, options({ signal: controller.signal, generationRequests: "separate" }));
      while (server.chatRequests.filter((r) => r.outcome === "hang").length < 6) await new Promise((r) => setTimeout(r, 20));
      controller.abort();
      const report = await running;
      expect(report.stopped).toBe("aborted");
      expect(report.samples.filter((s) => s.finalCode.includes("abs(n)"))).toHaveLength(2);
      expect(report.usage.byStage.generate?.failedCalls).toBe(6);
    } finally {
      await server.close();
    }
  });

  it("an abort cancels the one request for all first generations (n choices) in flight: the run ends at once", async () => {
    const server = await startScriptedChatServer([
      synthesisRule(["-4", "7"]),
      // The one request for the eight first generations never answers.
      { name: "generate", when: isGenerate, reply: { fault: "hang" } },
      { name: "judge", system: SYSTEM_PROMPTS.judge, reply: truthfulJudge },
    ]);
    const controller = new AbortController();
    try {
      const running = solve(absSpec, { model: client(server.url, { timeoutMs: 120_000 }), sandbox }, options({ signal: controller.signal }));
      while (server.chatRequests.filter((r) => r.outcome === "hang").length < 1) await new Promise((r) => setTimeout(r, 20));
      const hanging = server.chatRequests.filter((r) => r.outcome === "hang");
      expect(hanging.map((r) => r.body.n)).toEqual([8]);
      const started = Date.now();
      controller.abort();
      const report = await running;
      expect(Date.now() - started).toBeLessThan(5_000);
      expect(report.stopped).toBe("aborted");
      expect(report.samples).toHaveLength(8);
      expect(report.samples.filter((s) => s.finalCode !== "")).toHaveLength(0);
      // The request had reached the server: each of its eight choices counts as a failed call.
      expect(report.usage.byStage.generate?.failedCalls).toBe(8);
      expect(server.count("generate")).toBe(1);
    } finally {
      await server.close();
    }
  });

  it("returns a report with what it has when the budget runs out mid-run", async () => {
    const server = await startScriptedChatServer([
      synthesisRule(["-4", "7"]),
      { name: "generate", when: isGenerate, reply: code(CORRECT) },
      { name: "judge", system: SYSTEM_PROMPTS.judge, reply: "ANSWER: TIE" },
    ]);
    try {
      const model = client(server.url, { concurrency: 1, budget: { calls: 4 } });
      const report = await solve(absSpec, { model, sandbox }, options({ samples: 8 }));
      expect(server.chatRequests.length).toBeLessThanOrEqual(4);
      expect(report.stopped).toMatch(/budget/);
      expect(report.samples).toHaveLength(8);
      expect(report.samples.filter((s) => s.finalCode !== "").length).toBeGreaterThan(0);
      expect(report.samples.some((s) => s.rounds[0]?.note?.includes("budget"))).toBe(true);
      expect(report.selected).not.toBeNull();
      expect(report.status).toBe("solved");
      expect(solveReportSchema.parse(report)).toBeTruthy();
    } finally {
      await server.close();
    }
  });
});
