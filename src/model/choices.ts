// N completions of one prompt (ModelClient.chatN): the choices already cached are served from the
// cache, the others are asked for in one request with `n` where the endpoint takes it, and one by
// one where it does not (learned per endpoint from a refusal or a short answer).

import { estimateTokens } from "./budget.ts";
import { chat, ExchangeLog, liveOne, shapeOf, withDeadline } from "./chat.ts";
import { describe, endpointKey, targetFor, type ClientContext, type Target } from "./context.ts";
import { ModelCallAborted, ModelCallError } from "./errors.ts";
import { aborted, ChoicesRefused, sendWithRetries } from "./attempts.ts";
import { cachedReply, replyKey, repliesOf, storedReply, usableReply, type ChoiceReply } from "./account.ts";
import { promptText, type RequestShape } from "./request.ts";
import { BudgetExceededError, type CallMeta, type ChatReply, type ChatRequest } from "./types.ts";

type Settled = PromiseSettledResult<ChatReply>;

/** The server answered fewer choices than asked: the rest are asked for one by one. */
class ShortAnswer extends Error {}

/** One choice of the request: its key, its meta, its cache key and its cassette record. */
interface Choice {
  index: number;
  meta: CallMeta;
  cacheKey: string | undefined;
  log: ExchangeLog;
}

function settle(promise: Promise<ChatReply>): Promise<Settled> {
  return promise.then(
    (value) => ({ status: "fulfilled", value }),
    (reason: unknown) => ({ status: "rejected", reason }),
  );
}

export async function chatN(ctx: ClientContext, original: ChatRequest, meta: CallMeta & { keys: string[] }): Promise<Settled[]> {
  const { keys, ...base } = meta;
  const metaOf = (key: string): CallMeta => ({ ...base, key });
  const target = targetFor(ctx, meta.stage);
  // Replaying answers choice by choice from the cassette (each recorded under its own key).
  if (keys.length <= 1 || ctx.cassette !== undefined || ctx.memory.oneChoice.has(endpointKey(target.endpoint))) {
    return Promise.all(keys.map((key) => settle(chat(ctx, original, metaOf(key)))));
  }
  const request = withDeadline(ctx, original);
  const shape = shapeOf(ctx, request, 1);
  const results: (Settled | undefined)[] = keys.map(() => undefined);
  const missing: Choice[] = [];
  await Promise.all(
    keys.map(async (key, index) => {
      const choice: Choice = { index, meta: metaOf(key), cacheKey: replyKey(ctx, target, request, shape, key), log: new ExchangeLog(ctx, request, metaOf(key), shape) };
      try {
        const hit = await cachedReply(ctx, choice.cacheKey, choice.meta, target);
        if (hit === undefined) return missing.push(choice);
        choice.log.reply(hit);
        results[index] = { status: "fulfilled", value: hit };
      } catch (error) {
        results[index] = { status: "rejected", reason: error };
      }
    }),
  );
  missing.sort((a, b) => a.index - b.index);
  for (const [i, settled] of (await askFor(ctx, request, target, shape, missing)).entries()) results[missing[i]!.index] = settled;
  return results as Settled[];
}

/** The missing choices: one request for all that fit the budget, the others one by one or refused. */
async function askFor(ctx: ClientContext, request: ChatRequest, target: Target, shape: RequestShape, choices: Choice[]): Promise<Settled[]> {
  const one = (choice: Choice): Promise<Settled> => settle(liveLogged(ctx, request, target, shape, choice));
  const gone = ctx.memory.dead.get(target.endpoint.baseUrl);
  if (gone !== undefined) return choices.map(() => ({ status: "rejected", reason: gone }));
  if (choices.length <= 1 || ctx.memory.oneChoice.has(endpointKey(target.endpoint))) return Promise.all(choices.map(one));
  const first = choices[0]!.meta;
  if (request.signal?.aborted === true) return choices.map(() => ({ status: "rejected", reason: aborted(ctx, first, 0) }));
  let reserved: ReturnType<ClientContext["ledger"]["reserveUpTo"]>;
  try {
    reserved = ctx.ledger.reserveUpTo(first.stage, first.problemId, estimateTokens(promptText(request.messages)), shape.maxTokens, choices.length);
  } catch (error) {
    for (const choice of choices) choice.log.failure(error);
    return choices.map(() => ({ status: "rejected", reason: error }));
  }
  const asked = choices.slice(0, reserved.reservation.calls);
  const refused: Settled[] = choices.slice(asked.length).map((choice) => {
    const reason = new BudgetExceededError(reserved.refused ?? "model budget reached");
    choice.log.failure(reason);
    return { status: "rejected", reason };
  });
  if (asked.length === 1) {
    // Only one fits: an ordinary call, with its own reservation.
    ctx.ledger.release(reserved.reservation);
    return [await one(asked[0]!), ...refused];
  }
  const batch = sendBatch(ctx, request, target, { ...shape, choices: asked.length }, asked, reserved.reservation);
  const settled = await Promise.all(
    asked.map(async (choice, i) => {
      try {
        const reply = await storedReply(
          ctx,
          choice.cacheKey,
          batch.then(({ replies, attempts }) => (replies[i] === undefined ? Promise.reject(new ShortAnswer()) : usableReply(replies[i], i, target, attempts))),
        );
        choice.log.reply(reply, i > 0);
        return { status: "fulfilled", value: reply } as Settled;
      } catch (error) {
        // Refused `n`, or not among the choices the server gave: asked for on its own.
        if (error instanceof ChoicesRefused || error instanceof ShortAnswer) return one(choice);
        choice.log.failure(error, i > 0);
        return { status: "rejected", reason: error } as Settled;
      }
    }),
  );
  return [...settled, ...refused];
}

/** One choice on its own (cache, budget, request), recorded to the cassette. */
async function liveLogged(ctx: ClientContext, request: ChatRequest, target: Target, shape: RequestShape, choice: Choice): Promise<ChatReply> {
  try {
    const reply = await liveOne(ctx, request, choice.meta, target, shape);
    choice.log.reply(reply);
    return reply;
  } catch (error) {
    choice.log.failure(error);
    throw error;
  }
}

/** The request for several choices, within the concurrency limit (one slot) and its reservation. */
function sendBatch(
  ctx: ClientContext,
  request: ChatRequest,
  target: Target,
  shape: RequestShape,
  asked: Choice[],
  reservation: ReturnType<ClientContext["ledger"]["reserve"]>,
): Promise<{ replies: ChoiceReply[]; attempts: number }> {
  const meta = asked[0]!.meta;
  return ctx.limit(async () => {
    if (request.signal?.aborted === true) {
      ctx.ledger.release(reservation);
      throw aborted(ctx, meta, 0);
    }
    try {
      const { completion, retries } = await sendWithRetries(ctx, target, request, meta, shape);
      const replies = repliesOf(completion, request.messages, target).slice(0, shape.choices);
      const sum = (field: "promptTokens" | "cachedPromptTokens" | "completionTokens"): number => replies.reduce((n, r) => n + (r[field] ?? 0), 0);
      const used = { promptTokens: sum("promptTokens"), cachedPromptTokens: sum("cachedPromptTokens"), completionTokens: sum("completionTokens") };
      const broken = replies.filter((r) => r.broken !== undefined).length;
      ctx.ledger.settle(reservation, { ...used, retries, failed: false, failedCalls: broken, calls: replies.length });
      if (replies.length < shape.choices) {
        ctx.memory.oneChoice.add(endpointKey(target.endpoint));
        ctx.log(`model: ${describe(target.endpoint)} answered ${replies.length} of n=${shape.choices} choices; asking one request per sample from now on`);
      }
      return { replies, attempts: retries + 1 };
    } catch (error) {
      if (error instanceof ChoicesRefused) {
        ctx.ledger.release(reservation);
        throw error;
      }
      const attempts = error instanceof ModelCallError || error instanceof ModelCallAborted ? error.attempts : 1;
      ctx.ledger.settle(reservation, { promptTokens: 0, completionTokens: 0, retries: Math.max(0, attempts - 1), failed: true });
      throw error;
    }
  });
}
