// One chat call from the caller's side: answered from the cassette when replaying, else from the
// reply cache, else sent to the endpoint within the concurrency limit and the budget; recorded to
// the cassette when recording.

import { estimateTokens } from "./budget.ts";
import { missMessage, requestId, type CassetteEntry } from "./cassette.ts";
import { targetFor, type ClientContext, type Target } from "./context.ts";
import { ModelCallAborted, ModelCallError, ReplayMissError } from "./errors.ts";
import { aborted, sendWithRetries } from "./attempts.ts";
import { cachedReply, replayed, replyKey, repliesOf, storedReply, usableReply, withoutCached, type ChoiceReply } from "./account.ts";
import { promptText, type RequestShape } from "./request.ts";
import { BudgetExceededError, type CallMeta, type ChatReply, type ChatRequest } from "./types.ts";

/** The request with the client's own signal (the run's --deadline) joined to the caller's. */
export function withDeadline(ctx: ClientContext, original: ChatRequest): ChatRequest {
  const signals = [original.signal, ctx.deadline].filter((x): x is AbortSignal => x !== undefined);
  if (signals.length > 1) return { ...original, signal: AbortSignal.any(signals) };
  return { ...original, ...(signals[0] ? { signal: signals[0] } : {}) };
}

export function shapeOf(ctx: ClientContext, request: ChatRequest, choices: number): RequestShape {
  return { temperature: request.temperature ?? ctx.config.temperature, maxTokens: request.maxTokens ?? ctx.config.maxTokens, choices };
}

/** Writes one exchange of a call to the cassette being recorded (if any). */
export class ExchangeLog {
  private readonly started = performance.now();
  readonly id: string;

  constructor(
    private readonly ctx: ClientContext,
    request: ChatRequest,
    private readonly meta: CallMeta,
    shape: RequestShape,
  ) {
    this.id =
      ctx.cassette !== undefined || ctx.recorder !== undefined
        ? requestId({ stage: meta.stage, problemId: meta.problemId, key: meta.key, messages: request.messages, temperature: shape.temperature, maxTokens: shape.maxTokens })
        : "";
  }

  /** `sharedRequest`: a choice after the first of one request for several. */
  reply(reply: ChatReply, sharedRequest = false): void {
    this.add({ reply: withoutCached(reply), ...(reply.cached ? { cached: true } : {}), ...(sharedRequest ? { sharedRequest: true as const } : {}) });
  }

  /**
   * A final failure and a budget refusal are part of the run (the engine decided on them; a
   * replay's reservations in flight differ, so a refusal is kept, not re-derived); a cancel is not.
   */
  failure(error: unknown, sharedRequest = false): void {
    if (error instanceof BudgetExceededError) this.add({ refused: error.message });
    else if (error instanceof ModelCallError) {
      this.add({ error: { message: error.message, ...(error.status !== undefined ? { status: error.status } : {}), attempts: error.attempts }, ...(sharedRequest ? { sharedRequest: true as const } : {}) });
    }
  }

  private add(fields: Pick<CassetteEntry, "reply" | "cached" | "error" | "sharedRequest" | "refused">): void {
    const { meta } = this;
    this.ctx.recorder?.add({ id: this.id, stage: meta.stage, problemId: meta.problemId, key: meta.key ?? null, ...fields, ms: Math.round(performance.now() - this.started) });
  }
}

/**
 * The recorded reply when replaying (undefined: send it, with --replay-fallthrough). A request
 * the cassette does not hold ends the run, refused the way the recording's budget refused it.
 */
async function fromCassette(ctx: ClientContext, request: ChatRequest, meta: CallMeta, shape: RequestShape, log: ExchangeLog): Promise<ChatReply | undefined> {
  if (ctx.cassette === undefined) return undefined;
  const recorded = await ctx.cassette;
  const entry = recorded.byId.get(log.id);
  if (entry?.refused !== undefined) {
    const refusal = ctx.ledger.refuse(entry.refused);
    log.failure(refusal);
    throw refusal;
  }
  if (entry !== undefined) {
    try {
      const reply = replayed(ctx, entry, request, meta, shape.maxTokens);
      log.reply(reply);
      return reply;
    } catch (error) {
      log.failure(error);
      throw error;
    }
  }
  if (ctx.config.cassette?.fallthrough === true) return undefined;
  // A call the recording's budget refused was never recorded: refuse it the same way.
  ctx.ledger.release(ctx.ledger.reserve(meta.stage, meta.problemId, estimateTokens(promptText(request.messages)), shape.maxTokens));
  ctx.memory.fatal ??= new ReplayMissError(missMessage(recorded, meta, log.id));
  throw ctx.memory.fatal;
}

export async function chat(ctx: ClientContext, original: ChatRequest, meta: CallMeta): Promise<ChatReply> {
  const request = withDeadline(ctx, original);
  if (ctx.memory.fatal instanceof ReplayMissError) throw ctx.memory.fatal;
  const target = targetFor(ctx, meta.stage);
  const shape = shapeOf(ctx, request, 1);
  const log = new ExchangeLog(ctx, request, meta, shape);
  const recorded = await fromCassette(ctx, request, meta, shape, log);
  if (recorded !== undefined) return recorded;
  const gone = ctx.memory.dead.get(target.endpoint.baseUrl);
  if (gone !== undefined) throw gone;
  try {
    const reply = await liveOne(ctx, request, meta, target, shape);
    log.reply(reply);
    return reply;
  } catch (error) {
    log.failure(error);
    throw error;
  }
}

/** One choice from the reply cache or the endpoint. */
export async function liveOne(ctx: ClientContext, request: ChatRequest, meta: CallMeta, target: Target, shape: RequestShape): Promise<ChatReply> {
  const key = replyKey(ctx, target, request, shape, meta.key);
  const hit = await cachedReply(ctx, key, meta, target);
  if (hit !== undefined) return hit;
  if (request.signal?.aborted === true) throw aborted(ctx, meta, 0);
  const reservation = ctx.ledger.reserve(meta.stage, meta.problemId, estimateTokens(promptText(request.messages)), shape.maxTokens);
  const call = ctx.limit(async () => {
    // Cancelled while it waited for a slot: it never reached the server, so nothing is counted.
    if (request.signal?.aborted === true) {
      ctx.ledger.release(reservation);
      throw aborted(ctx, meta, 0);
    }
    let reply: ChoiceReply;
    let sent: number;
    try {
      const { completion, retries } = await sendWithRetries(ctx, target, request, meta, shape);
      reply = repliesOf(completion, request.messages, target)[0]!;
      sent = retries + 1;
      // A garbled choice was still billed: counted, then failed.
      ctx.ledger.settle(reservation, { promptTokens: reply.promptTokens, cachedPromptTokens: reply.cachedPromptTokens ?? 0, completionTokens: reply.completionTokens, retries, failed: reply.broken !== undefined });
    } catch (error) {
      const attempts = error instanceof ModelCallError || error instanceof ModelCallAborted ? error.attempts : 1;
      ctx.ledger.settle(reservation, { promptTokens: 0, completionTokens: 0, retries: Math.max(0, attempts - 1), failed: true });
      throw error;
    }
    return usableReply(reply, 0, target, sent);
  });
  return storedReply(ctx, key, call);
}
