// The retry policy as pure functions: what a failure means and how long to wait.

export interface RetryPolicy {
  /** Retries after the first attempt. */
  maxRetries: number;
  /** First backoff step; doubles per retry. */
  baseDelayMs: number;
  /** Ceiling of one exponential backoff step. */
  maxDelayMs: number;
  /** Ceiling on a server's Retry-After; longer asks are cut to this. */
  maxRetryAfterMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxRetries: 5,
  baseDelayMs: 1_000,
  maxDelayMs: 30_000,
  maxRetryAfterMs: 60_000,
};

/**
 * Retry-After as milliseconds: delta-seconds (fractions allowed, as some proxies send) or an
 * HTTP date. `retry-after-ms` (OpenAI, Azure) wins when present. Undefined when absent or unreadable.
 */
export function parseRetryAfter(
  retryAfter: string | null | undefined,
  retryAfterMs: string | null | undefined,
  nowMs: number,
): number | undefined {
  if (retryAfterMs !== null && retryAfterMs !== undefined && retryAfterMs.trim() !== "") {
    const ms = Number(retryAfterMs.trim());
    if (Number.isFinite(ms) && ms >= 0) return ms;
  }
  if (retryAfter === null || retryAfter === undefined) return undefined;
  const text = retryAfter.trim();
  if (text === "") return undefined;
  if (/^\d+(\.\d+)?$/.test(text)) return Number(text) * 1000;
  if (!/[a-z]/i.test(text)) return undefined; // "-1" and the like parse as years
  const date = Date.parse(text);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - nowMs);
}

/**
 * Wait before retry number `retry` (0-based). A server's Retry-After is honoured (capped);
 * otherwise exponential backoff with jitter in [half, full] of the step, so concurrent callers
 * that failed together don't come back together.
 */
export function retryDelay(retry: number, retryAfterMs: number | undefined, policy: RetryPolicy, random: number): number {
  if (retryAfterMs !== undefined) {
    // A little jitter on top keeps a burst of 429s from retrying in lockstep.
    return Math.min(retryAfterMs, policy.maxRetryAfterMs) + Math.floor(random * Math.min(250, policy.baseDelayMs));
  }
  const step = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** retry);
  return Math.round(step / 2 + (random * step) / 2);
}

/** What happened on one attempt, reduced to plain data (see classifyFailure). */
export interface Failure {
  /** HTTP status, undefined for connection problems and bad bodies. */
  status?: number;
  kind: "status" | "timeout" | "connection" | "malformed" | "empty-choices" | "other";
  message: string;
  /** The `param` field of an OpenAI error body, when given. */
  param?: string | null;
  retryAfterMs?: number;
}

export type FailureAction =
  | { action: "retry" }
  /** Bad key, no permission, no such model or endpoint: retrying won't help. */
  | { action: "config" }
  /** The server refused the request itself (400, 422, ...). */
  | { action: "fail" };

export function classifyFailure(failure: Failure): FailureAction {
  switch (failure.kind) {
    case "timeout":
    case "connection":
    case "malformed":
    case "empty-choices":
      return { action: "retry" };
    case "other":
      return { action: "fail" };
    case "status": {
      const status = failure.status ?? 0;
      if (status === 401 || status === 403 || status === 404) return { action: "config" };
      // 408 request timeout, 409 lock conflict (OpenAI), 425 too early, 429 rate limit, any 5xx.
      if (status === 408 || status === 409 || status === 425 || status === 429 || status >= 500) return { action: "retry" };
      return { action: "fail" };
    }
  }
}

export type TokenParam = "max_completion_tokens" | "max_tokens";

const REFUSAL_WORDS = /unsupported|not supported|unrecognized|unknown|not permitted|not allowed|extra|unexpected|invalid|does not support/i;

/**
 * True when a 400 says the server doesn't take the token-limit parameter we sent
 * (OpenAI reasoning models refuse max_tokens; older servers refuse max_completion_tokens).
 * A 400 that names the parameter for another reason ("max_tokens is too large") is not a refusal.
 */
export function rejectsTokenParam(failure: Failure, sent: TokenParam): boolean {
  if (failure.kind !== "status" || (failure.status !== 400 && failure.status !== 422)) return false;
  // When the server names the offending parameter, believe it.
  if (failure.param !== undefined && failure.param !== null && failure.param !== sent) return false;
  if (failure.param === sent) return REFUSAL_WORDS.test(failure.message) || !/too large|at most|exceed|maximum/i.test(failure.message);
  const named = new RegExp(`(^|[^a-z_])${sent}([^a-z_]|$)`).test(failure.message);
  return named && REFUSAL_WORDS.test(failure.message);
}

export function otherTokenParam(param: TokenParam): TokenParam {
  return param === "max_tokens" ? "max_completion_tokens" : "max_tokens";
}

/** A 400/422 that names `stream_options` (servers that stream but don't know the usage option). */
export function rejectsStreamOptions(failure: Failure): boolean {
  if (failure.kind !== "status" || (failure.status !== 400 && failure.status !== 422)) return false;
  return failure.param === "stream_options" || /stream_options/.test(failure.message);
}
