// RunContext.chatChoices: several choices of one prompt, through the real model client against
// the local chat-completions server. A client without `chatN` gets one request per key; the real
// client's `chatN` asks for every choice in one request with `n`; either way replies come in key order.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RunContext } from "../../src/engine/context.ts";
import { generationMessages } from "../../src/engine/prompts.ts";
import { createModelClient } from "../../src/model/index.ts";
import type { CallMeta, ChatReply, ChatRequest, ModelClient } from "../../src/model/types.ts";
import { createSandbox } from "../../src/sandbox/index.ts";
import type { Sandbox } from "../../src/sandbox/types.ts";
import { absValueSpec } from "../fixtures/abs-value.ts";
import { startScriptedChatServer } from "../fixtures/chat-server.ts";

let sandbox: Sandbox;
let cacheRoot: string;
beforeAll(async () => {
  sandbox = await createSandbox({ backend: "auto" });
  cacheRoot = await mkdtemp(join(tmpdir(), "sstar-choices-"));
});
afterAll(async () => {
  await sandbox?.close();
  await rm(cacheRoot, { recursive: true, force: true });
});

const messages = generationMessages(absValueSpec);

describe("RunContext.chatChoices", () => {
  it("without chatN: one request per key, each reply returned at its key's position", async () => {
    let n = 0;
    const server = await startScriptedChatServer([{ reply: () => `reply ${++n}` }]);
    try {
      const cacheDir = join(cacheRoot, "fallback");
      const real = createModelClient({ baseUrl: server.url, apiKey: "k", model: "m", cacheDir, concurrency: 4, maxRetries: 0 });
      // The real client seen through a contract without the optional chatN (as another client may be).
      const model: ModelClient = { chat: (request, meta) => real.chat(request, meta), usage: () => real.usage() };
      const ctx = new RunContext(absValueSpec, model, sandbox, undefined, undefined);
      const first = await Promise.all(ctx.chatChoices("generate", messages, { temperature: 0.7, keys: ["k0", "k1", "k2"] }));
      expect(server.chatRequests).toHaveLength(3);
      expect(new Set(first.map((r) => r.content)).size).toBe(3);
      // The keys name the replies (the disk cache holds them by key): asked in another order,
      // each key gets its own reply back at its own position, with no new request.
      const again = await Promise.all(ctx.chatChoices("generate", messages, { temperature: 0.7, keys: ["k2", "k0"] }));
      expect(again.map((r) => r.content)).toEqual([first[2]!.content, first[0]!.content]);
      expect(again.every((r) => r.cached)).toBe(true);
      expect(server.chatRequests).toHaveLength(3);
      expect(ctx.usage.byStage().generate).toMatchObject({ calls: 5, cachedCalls: 2 });
    } finally {
      await server.close();
    }
  });

  it("with the real client's chatN: one request with n, replies in key order, each choice cached under its key", async () => {
    let n = 0;
    const server = await startScriptedChatServer([{ reply: () => `reply ${++n}` }]);
    try {
      const model = createModelClient({ baseUrl: server.url, apiKey: "k", model: "m", cacheDir: join(cacheRoot, "n"), concurrency: 4, maxRetries: 0 });
      const ctx = new RunContext(absValueSpec, model, sandbox, undefined, undefined);
      const first = await Promise.all(ctx.chatChoices("generate", messages, { temperature: 0.7, keys: ["k0", "k1", "k2"] }));
      expect(server.chatRequests).toHaveLength(1);
      expect(server.chatRequests[0]!.body.n).toBe(3);
      expect(first.map((r) => r.content)).toEqual(["reply 1", "reply 2", "reply 3"]);
      const again = await Promise.all(ctx.chatChoices("generate", messages, { temperature: 0.7, keys: ["k2", "k0"] }));
      expect(again.map((r) => r.content)).toEqual(["reply 3", "reply 1"]);
      expect(server.chatRequests).toHaveLength(1);
      expect(ctx.usage.byStage().generate).toMatchObject({ calls: 5, cachedCalls: 2 });
    } finally {
      await server.close();
    }
  });

  it("with chatN: one call with every key in order; a failed choice fails only its own promise", async () => {
    const server = await startScriptedChatServer([{ reply: (r) => `reply to request ${r.index}` }]);
    try {
      const real = createModelClient({ baseUrl: server.url, apiKey: "k", model: "m", cacheDir: null, concurrency: 4, maxRetries: 0 });
      const seen: string[][] = [];
      // A client whose chatN serves choices through the real client, except the second one.
      const model: ModelClient = {
        chat: (request, meta) => real.chat(request, meta),
        usage: () => real.usage(),
        chatN: async (request: ChatRequest, meta: CallMeta & { keys: string[] }): Promise<PromiseSettledResult<ChatReply>[]> => {
          seen.push(meta.keys);
          return Promise.allSettled(
            meta.keys.map((key, i) => (i === 1 ? Promise.reject(new Error("choice 2 was not returned")) : real.chat(request, { ...meta, key }))),
          );
        },
      };
      const ctx = new RunContext(absValueSpec, model, sandbox, undefined, undefined);
      const results = await Promise.allSettled(ctx.chatChoices("generate", messages, { keys: ["a", "b", "c"] }));
      expect(seen).toEqual([["a", "b", "c"]]);
      expect(results.map((r) => r.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
      expect((results[1] as PromiseRejectedResult).reason.message).toBe("choice 2 was not returned");
      expect(ctx.usage.byStage().generate).toMatchObject({ calls: 2, failedCalls: 1 });
      expect(ctx.firstError).toBe("generate call failed: choice 2 was not returned");
    } finally {
      await server.close();
    }
  });
});
