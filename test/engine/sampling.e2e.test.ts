// How samples are drawn, end to end (the real engine, the real model client over real HTTP against
// the scripted chat-completions server, the real sandbox): one request or one per sample for the
// first generation, the shared cacheable prefix of every generation and debugging prompt, and
// adaptive sampling in waves.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { solve, type SolveOptions } from "../../src/engine/index.ts";
import { SYSTEM_PROMPTS } from "../../src/engine/prompts.ts";
import { solveReportSchema } from "../../src/engine/report.ts";
import { createModelClient } from "../../src/model/index.ts";
import type { CallMeta, ChatReply, ChatRequest, ModelClient } from "../../src/model/types.ts";
import { createSandbox } from "../../src/sandbox/index.ts";
import type { Sandbox } from "../../src/sandbox/types.ts";
import { ABS_CORRECT, ABS_IDENTITY, absValueSpec, truthfulAbsJudge } from "../fixtures/abs-value.ts";
import { renderReportMarkdown } from "../../src/report/markdown.ts";
import { startScriptedChatServer, type ScriptRequest, type ScriptRule } from "../fixtures/chat-server.ts";

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await createSandbox({ backend: "auto" });
});
afterAll(async () => {
  await sandbox?.close();
});

const code = (body: string) => `Here is my program.\n\n\`\`\`python\n${body}\n\`\`\`\n`;
const isGenerate = (r: ScriptRequest) => r.system === SYSTEM_PROMPTS.generate && !r.messages.some((m) => m.role === "assistant");
const isDebug = (r: ScriptRequest) => r.system === SYSTEM_PROMPTS.generate && r.messages.some((m) => m.role === "assistant");
const synthesisRule: ScriptRule = { name: "synthesize", system: SYSTEM_PROMPTS.synthesize, reply: '```json\n["-4", "7", "-10", "0"]\n```' };
const judgeRule: ScriptRule = { name: "judge", system: SYSTEM_PROMPTS.judge, reply: truthfulAbsJudge };

function options(over: Partial<SolveOptions> = {}): SolveOptions {
  return { samples: 4, rounds: 2, selection: "sstar", temperature: 0.7, modelName: "m", judgeModelName: "m", sandboxName: sandbox.backend, ...over };
}

function client(url: string) {
  return createModelClient({ baseUrl: url, apiKey: "test-key", model: "m", cacheDir: null, concurrency: 8, maxRetries: 0 });
}

/** The real client plus a chatN that serves each choice through it (the client on this branch has none), recording its calls. */
function withChatN(real: ModelClient): ModelClient & { chatNCalls: string[][] } {
  const chatNCalls: string[][] = [];
  return {
    chatNCalls,
    chat: (request, meta) => real.chat(request, meta),
    usage: () => real.usage(),
    chatN: (request: ChatRequest, meta: CallMeta & { keys: string[] }): Promise<PromiseSettledResult<ChatReply>[]> => {
      chatNCalls.push(meta.keys);
      return Promise.allSettled(meta.keys.map((key) => real.chat(request, { ...meta, key })));
    },
  };
}

describe("the first generation", () => {
  it('generationRequests "separate" makes one request per sample, and so does "one" with a client without chatN', async () => {
    for (const generationRequests of ["separate", "one"] as const) {
      const server = await startScriptedChatServer([synthesisRule, { name: "generate", when: isGenerate, reply: code(ABS_CORRECT) }, judgeRule]);
      try {
        const report = await solve(absValueSpec, { model: client(server.url), sandbox }, options({ samples: 5, generationRequests }));
        expect(server.count("generate"), generationRequests).toBe(5);
        expect(report.usage.byStage.generate?.calls).toBe(5);
        expect(report.status).toBe("solved");
      } finally {
        await server.close();
      }
    }
  });

  it("by default asks for every sample's first program in one chatN call, keyed sample-i-round-0; each sample then debugs on its own", async () => {
    let generated = 0;
    let debugged = 0;
    const server = await startScriptedChatServer([
      synthesisRule,
      // Two of four first programs fail the public example; debugging fixes them.
      { name: "generate", when: isGenerate, reply: () => code(++generated % 2 === 0 ? "print(0)" : ABS_CORRECT) },
      { name: "debug", when: isDebug, reply: () => (++debugged, code(ABS_CORRECT)) },
      judgeRule,
    ]);
    try {
      const model = withChatN(client(server.url));
      const report = await solve(absValueSpec, { model, sandbox }, options({ samples: 4 }));
      expect(model.chatNCalls).toEqual([["sample-0-round-0", "sample-1-round-0", "sample-2-round-0", "sample-3-round-0"]]);
      expect(debugged).toBe(2);
      expect(report.samples.map((s) => s.rounds.length).sort()).toEqual([1, 1, 2, 2]);
      expect(report.usage.byStage.generate?.calls).toBe(4);
      expect(report.status).toBe("solved");
      expect(solveReportSchema.parse(report)).toBeTruthy();
    } finally {
      await server.close();
    }
  });

  it("every generation and debugging request of a problem starts with the same two messages, naming no sample or round", async () => {
    let debugged = 0;
    const server = await startScriptedChatServer([
      synthesisRule,
      { name: "generate", when: isGenerate, reply: code("print(0)") },
      { name: "debug", when: isDebug, reply: () => code(++debugged > 3 ? ABS_CORRECT : "print(1)") },
      judgeRule,
    ]);
    try {
      await solve(absValueSpec, { model: client(server.url), sandbox }, options({ samples: 3 }));
      const prompts = server.chatRequests
        .map((r) => (r.body as { messages: { role: string; content: string }[] }).messages)
        .filter((m) => m[0]!.content === SYSTEM_PROMPTS.generate);
      expect(prompts.filter((m) => m.length > 2).length).toBeGreaterThan(3);
      const prefix = JSON.stringify(prompts[0]!.slice(0, 2));
      for (const m of prompts) expect(JSON.stringify(m.slice(0, 2))).toBe(prefix);
      expect(prefix).not.toMatch(/sample-|\bround\b|\bsample \d/i);
    } finally {
      await server.close();
    }
  });
});

describe('adaptive sampling (samples: "auto")', () => {
  it("stops after the first wave on an easy problem: 4 agreeing programs that pass the public tests", async () => {
    const server = await startScriptedChatServer([synthesisRule, { name: "generate", when: isGenerate, reply: code(ABS_CORRECT) }, judgeRule]);
    const waves: number[] = [];
    try {
      const report = await solve(
        absValueSpec,
        { model: client(server.url), sandbox },
        options({ samples: "auto", onProgress: (e) => (e.type === "wave" ? waves.push(e.samples) : undefined) }),
      );
      expect(solveReportSchema.parse(report)).toBeTruthy();
      expect(server.count("generate")).toBe(4);
      expect(waves).toEqual([4]);
      expect(report.samples).toHaveLength(4);
      expect(report.settings.samples).toBe(4);
      expect(report.sampling).toEqual({
        mode: "auto",
        maxSamples: 16,
        waves: [4, 4, 8],
        wavesDrawn: 1,
        drawn: 4,
        stoppedEarly: true,
        reason: expect.stringMatching(/^after wave 1 of 3: the would-be pick's cluster holds 4 of 4 public-passing samples \(1 cluster; 4 drawn\), confidence [01]\.\d\d ≥ 0\.9$/),
      });
      expect(report.status).toBe("solved");
      expect(renderReportMarkdown(report, { variant: "comment" })).toContain(
        "**Adaptive sampling:** drew 4 of at most 16 samples in 1 of 3 waves \\(4, 4, 8\\); stopped early\\: after wave 1 of 3",
      );
      expect(renderReportMarkdown(report, { variant: "terminal" })).toContain("  sampling: drew 4 of at most 16 samples");
    } finally {
      await server.close();
    }
  });

  it("draws every wave on a hard one (two public-passing clusters disagree), then selects once over all samples", async () => {
    let k = 0;
    const server = await startScriptedChatServer([
      synthesisRule,
      { name: "generate", when: isGenerate, reply: () => code(++k % 2 === 0 ? ABS_CORRECT : ABS_IDENTITY) },
      judgeRule,
    ]);
    const waves: number[] = [];
    try {
      const report = await solve(
        absValueSpec,
        { model: client(server.url), sandbox },
        options({ samples: "auto", maxSamples: 16, onProgress: (e) => (e.type === "wave" ? waves.push(e.samples) : undefined) }),
      );
      expect(solveReportSchema.parse(report)).toBeTruthy();
      expect(server.count("generate")).toBe(16);
      expect(waves).toEqual([4, 8, 16]);
      expect(report.samples.map((s) => s.index)).toEqual(Array.from({ length: 16 }, (_, i) => i));
      expect(report.sampling).toMatchObject({ wavesDrawn: 3, drawn: 16, stoppedEarly: false });
      expect(report.sampling?.reason).toMatch(
        /^drew all 3 waves \(16 samples, max-samples 16\); after wave 2 of 3: the would-be pick's cluster holds 4 of 8 public-passing samples \(2 clusters; 8 drawn\), confidence 0\.\d\d < 0\.9$/,
      );
      // One selection over all 16: two clusters of 8, the judge picks |n|.
      expect(report.clusters.map((c) => c.members.length)).toEqual([8, 8]);
      expect(report.selected?.code).toContain("abs(n)");
      expect(report.status).toBe("solved");
    } finally {
      await server.close();
    }
  });

  it("regression: a wave whose executions fail is retried, then reported (it used to end sampling silently, saying every wave was drawn)", async () => {
    const server = await startScriptedChatServer([synthesisRule, { name: "generate", when: isGenerate, reply: code(ABS_CORRECT) }, judgeRule]);
    const synthesized = new Set(["-4", "7", "-10", "0"]);
    let failed = 0;
    // The real sandbox, except that every run on a synthesized input fails as a broken worker would.
    const broken: Sandbox = {
      backend: sandbox.backend,
      run: (request) => (synthesized.has(request.input.trim()) ? Promise.reject(new Error(`worker died (${++failed})`)) : sandbox.run(request)),
      close: async () => undefined,
    };
    try {
      const report = await solve(absValueSpec, { model: client(server.url), sandbox: broken }, options({ samples: "auto" }));
      expect(report.sampling).toMatchObject({ wavesDrawn: 1, drawn: 4, stoppedEarly: false });
      expect(report.sampling?.reason).toMatch(/^after wave 1 of 3: stopped drawing samples: the sandbox failed running wave 1's samples twice \(worker died \(\d+\)\); selection runs on the 4 drawn$/);
      expect(renderReportMarkdown(report, { variant: "comment" })).toContain("the sandbox failed running wave 1");
      expect(server.count("generate")).toBe(4);
    } finally {
      await server.close();
    }
  });

  it("with max-samples 3 draws one wave and says so", async () => {
    const server = await startScriptedChatServer([synthesisRule, { name: "generate", when: isGenerate, reply: code(ABS_CORRECT) }, judgeRule]);
    try {
      const report = await solve(absValueSpec, { model: client(server.url), sandbox }, options({ samples: "auto", maxSamples: 3 }));
      expect(report.sampling).toMatchObject({ waves: [3], wavesDrawn: 1, drawn: 3, stoppedEarly: false, reason: "one wave of 3 samples (max-samples 3)" });
      expect(server.count("generate")).toBe(3);
    } finally {
      await server.close();
    }
  });
});
