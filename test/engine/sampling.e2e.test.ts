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
