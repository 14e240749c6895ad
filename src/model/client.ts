// The model client: one OpenAI-compatible chat-completions client for every S* stage, with a
// shared concurrency limit, our own retry policy, a hard budget, accounting and a reply cache.
// The steps of a call live beside it: chat.ts (the call flow), choices.ts (n completions of one
// prompt), request.ts (the body),
// attempts.ts (the attempt loop), stream.ts (streamed replies), account.ts (tokens, cache, replay).

import { chat } from "./chat.ts";
import { chatN } from "./choices.ts";
import { validateModelConfig, type ModelConfig } from "./config.ts";
import { createContext } from "./context.ts";
import type { ModelClient } from "./types.ts";

export function createModelClient(config: ModelConfig): ModelClient {
  validateModelConfig(config);
  const ctx = createContext(config);
  return {
    chat: (request, meta) => chat(ctx, request, meta),
    chatN: (request, meta) => chatN(ctx, request, meta),
    usage: () => ctx.ledger.snapshot(),
    fatal: () => ctx.memory.fatal,
    close: async () => {
      await ctx.recorder?.flush();
    },
  };
}
