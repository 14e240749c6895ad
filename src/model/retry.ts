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
  /** Connection problems: the deepest error code (ECONNREFUSED, ENOTFOUND, a TLS code) or message. */
  code?: string;
  /** A 200 reply whose body is not JSON at all (an HTML page, a proxy's text). */
  notJson?: boolean;
}

export type FailureAction =
  | { action: "retry" }
  /**
   * The endpoint itself is wrong (nothing listening, no such host, TLS refused, a web page instead
   * of an API): retrying is pointless, and every other call to it would fail the same way.
   */
  | { action: "endpoint"; what: string }
  /** Bad key, no permission, no such model or endpoint: retrying won't help. */
  | { action: "config" }
  /** The server refused the request itself (400, 422, ...). */
  | { action: "fail" };

const TLS_CODE = /^(ERR_TLS_|ERR_SSL_|CERT_|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_(GET|VERIFY)_|HOSTNAME_MISMATCH|EPROTO$)/;

/**
 * What a failed connection says about the endpoint, or undefined for a transient one (reset,
 * timeout, temporary DNS failure). A refused connection only counts before the endpoint has ever
 * answered: after that it is a restart or an overload, retried like any dropped connection.
 */
export function endpointFault(failure: Failure, answeredBefore: boolean): string | undefined {
  const code = failure.code ?? "";
  if (failure.kind === "connection") {
    if (TLS_CODE.test(code)) return `the TLS connection failed (${code}): check the scheme (http or https) and the server's certificate`;
    if (code === "ENOTFOUND") return "no such host (DNS lookup failed)";
    if (answeredBefore) return undefined;
    if (code === "ECONNREFUSED") return "connection refused (nothing is listening there)";
    if (code === "bad port") return "the port is one fetch refuses to connect to (a blocked port)";
    if (code === "EHOSTUNREACH" || code === "ENETUNREACH") return `the host can't be reached (${code})`;
    return undefined;
  }
  if ((failure.kind === "malformed" || failure.kind === "empty-choices") && failure.notJson === true && !answeredBefore) {
    return "it answered with something that is not JSON (a web page?), not a chat completion: the base URL usually ends in /v1";
  }
  return undefined;
}

export function classifyFailure(failure: Failure, answeredBefore = false): FailureAction {
  const fault = endpointFault(failure, answeredBefore);
  if (fault !== undefined) return { action: "endpoint", what: fault };
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

/**
 * True when a 400/422 refuses `n` (more than one completion per request): the error names the
 * parameter (`param: "n"`, as OpenAI-style gateways answer), or its message names `n` with a
 * refusal ("Invalid 'n'", "only n = 1 is supported", "does not support the n parameter").
 */
export function rejectsChoices(failure: Failure): boolean {
  if (failure.kind !== "status" || (failure.status !== 400 && failure.status !== 422)) return false;
  if (failure.param === "n") return true;
  if (failure.param !== undefined && failure.param !== null) return false;
  const named = /(^|[^a-z0-9_])['"`]?n['"`]?([^a-z0-9_]|$)/.test(failure.message);
  return named && (REFUSAL_WORDS.test(failure.message) || /only n ?= ?1|n ?= ?1 is/i.test(failure.message));
}
