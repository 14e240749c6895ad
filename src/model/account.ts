// Accounting for the replies of a call: the tokens each reply is counted with, the reply cache
// (disk, and identical requests in flight), and replies answered from a cassette.

import { estimateTokens } from "./budget.ts";
import { cacheKey, type CachedReply } from "./cache.ts";
import type { CassetteEntry } from "./cassette.ts";
import type { Completion } from "./completion.ts";
import { describe, type ClientContext, type Target } from "./context.ts";
import { ModelCallError, OfflineCacheMissError } from "./errors.ts";
import { aborted } from "./attempts.ts";
import { promptText, type RequestShape } from "./request.ts";
import type { CallMeta, ChatMessage, ChatReply, ChatRequest } from "./types.ts";

function count(value: unknown, fallback: number): number {
  return typeof value === "number" && Number.isInteger(value) && value >= 0 ? value : fallback;
}

/**
 * Splits `total` over the texts in proportion to their length, in whole tokens that sum to
 * `total` (largest remainders first); evenly when every text is empty.
 */
export function splitByLength(total: number, texts: readonly string[]): number[] {
  const lengths = texts.map((t) => t.length);
  const sum = lengths.reduce((a, b) => a + b, 0);
  const exact = lengths.map((l) => (sum > 0 ? (total * l) / sum : total / texts.length));
  const parts = exact.map(Math.floor);
  let left = total - parts.reduce((a, b) => a + b, 0);
  const order = exact.map((x, i) => ({ i, rest: x - Math.floor(x) })).sort((a, b) => b.rest - a.rest || a.i - b.i);
  for (const { i } of order) {
    if (left <= 0) break;
    parts[i]! += 1;
    left--;
  }
  return parts;
}

/**
 * The replies of one completion, one per choice. The request's prompt tokens go to the first
 * reply and 0 to the others; the completion tokens (servers give one total) are split over the
 * choices by the length of their text. Servers that report no usage (some proxies, old
 * llama.cpp) get our own estimate.
 */
export function repliesOf(completion: Completion, messages: readonly ChatMessage[], target: Target): ChoiceReply[] {
  const { usage, choices } = completion;
  const promptTokens = count(usage?.prompt_tokens, estimateTokens(promptText(messages)));
  const cachedPromptTokens = Math.min(promptTokens, count(usage?.prompt_tokens_details?.cached_tokens, 0));
  const completionTotal = count(usage?.completion_tokens, choices.reduce((n, c) => n + estimateTokens(c.content), 0));
  const completionTokens = choices.length === 1 ? [completionTotal] : splitByLength(completionTotal, choices.map((c) => c.content));
  const model = typeof completion.model === "string" && completion.model !== "" ? completion.model : target.endpoint.model;
  return choices.map((choice, i) => ({
    content: choice.content,
    finishReason: choice.finishReason,
    promptTokens: i === 0 ? promptTokens : 0,
    cachedPromptTokens: i === 0 ? cachedPromptTokens : 0,
    completionTokens: completionTokens[i] ?? 0,
    model,
    ...(choice.broken !== undefined ? { broken: choice.broken } : {}),
  }));
}

/** One choice's reply as read, with why it can't be used when the stream garbled it. */
export type ChoiceReply = CachedReply & { broken?: string };

/** The reply to hand on and cache, or the error that choice fails with (alone). */
export function usableReply(reply: ChoiceReply, index: number, target: Target, attempts: number): CachedReply {
  const { broken, ...rest } = reply;
  if (broken !== undefined) throw new ModelCallError(`${describe(target.endpoint)}: choice ${index + 1} of the reply is unusable: ${broken}`, undefined, attempts);
  return rest;
}

/** A stored reply handed to the caller (entries written before cached prompt tokens were read count 0). */
export function asReply(stored: CachedReply, cached: boolean): ChatReply {
  return { ...stored, cachedPromptTokens: stored.cachedPromptTokens ?? 0, cached };
}

export function withoutCached(reply: ChatReply): CachedReply {
  const { cached: _cached, ...rest } = reply;
  return rest;
}

/** The reply-cache key of one choice (undefined without a cache). */
export function replyKey(ctx: ClientContext, target: Target, request: ChatRequest, shape: RequestShape, key: string | undefined): string | undefined {
  if (ctx.cache === undefined) return undefined;
  return cacheKey({ baseUrl: target.endpoint.baseUrl, model: target.endpoint.model, messages: request.messages, temperature: shape.temperature, maxTokens: shape.maxTokens, key });
}

/**
 * The cached reply for a key (counted as a cached call), or undefined on a miss; offline, a miss
 * throws. An identical request in flight shares its reply; checked again after the disk read,
 * since another caller may have started it meanwhile.
 */
export async function cachedReply(ctx: ClientContext, cacheKeyOf: string | undefined, meta: CallMeta, target: Target): Promise<ChatReply | undefined> {
  const cache = ctx.cache;
  if (cache === undefined || cacheKeyOf === undefined) return undefined;
  let hit: CachedReply | undefined;
  let shared = ctx.pending.get(cacheKeyOf);
  if (shared === undefined) {
    hit = await cache.get(cacheKeyOf);
    if (hit === undefined) shared = ctx.pending.get(cacheKeyOf);
  }
  if (shared !== undefined) hit = await shared.catch(() => undefined);
  if (hit !== undefined) {
    ctx.ledger.cached(meta.stage, meta.problemId);
    return asReply(hit, true);
  }
  if (ctx.config.offline) {
    throw new OfflineCacheMissError(
      `offline replay: no cached reply for a ${meta.stage} call of problem ${meta.problemId}` +
        `${meta.key !== undefined ? ` (key ${meta.key})` : ""} to ${describe(target.endpoint)} in ${cache.dir}; ` +
        `the recorded run doesn't cover this request: run online to record it`,
    );
  }
  return undefined;
}

/**
 * A reply on its way from the server, stored in the cache under its key before it is handed out;
 * identical requests meanwhile share it.
 */
export async function storedReply(ctx: ClientContext, cacheKeyOf: string | undefined, reply: Promise<CachedReply>): Promise<ChatReply> {
  const cache = ctx.cache;
  if (cache === undefined || cacheKeyOf === undefined) return asReply(await reply, false);
  // Stored before the pending entry goes, so an identical request never falls between the two.
  const stored = reply.then(async (r) => {
    // A reply we can't store is still a reply: log and go on.
    await cache.put(cacheKeyOf, r).catch((error: unknown) => ctx.log(`model: could not write the reply cache in ${cache.dir}: ${(error as Error).message}`));
    return r;
  });
  ctx.pending.set(cacheKeyOf, stored);
  try {
    return asReply(await stored, false);
  } finally {
    if (ctx.pending.get(cacheKeyOf) === stored) ctx.pending.delete(cacheKeyOf);
  }
}

/** A recorded exchange, counted as the recording counted it (so budgets stop at the same call). */
export function replayed(ctx: ClientContext, entry: CassetteEntry, request: ChatRequest, meta: CallMeta, maxTokens: number | undefined): ChatReply {
  if (request.signal?.aborted === true) throw aborted(ctx, meta, 0);
  if (entry.cached === true && entry.reply !== undefined) {
    ctx.ledger.cached(meta.stage, meta.problemId);
    return asReply(entry.reply, true);
  }
  // A choice that shared its request's prompt reserved no prompt of its own when recorded.
  const shared = entry.sharedRequest === true;
  const reservation = ctx.ledger.reserve(meta.stage, meta.problemId, shared ? 0 : estimateTokens(promptText(request.messages)), maxTokens);
  const requests = shared ? 0 : 1;
  if (entry.reply === undefined) {
    const e = entry.error!;
    ctx.ledger.settle(reservation, { promptTokens: 0, completionTokens: 0, retries: Math.max(0, e.attempts - 1), failed: true, requests });
    throw new ModelCallError(e.message, e.status, e.attempts);
  }
  const { promptTokens, completionTokens, cachedPromptTokens = 0 } = entry.reply;
  ctx.ledger.settle(reservation, { promptTokens, cachedPromptTokens, completionTokens, retries: 0, failed: false, requests });
  return asReply(entry.reply, false);
}
