import { describe, expect, it } from "vitest";
import { classifyFailure, DEFAULT_RETRY_POLICY, endpointFault, parseRetryAfter, rejectsChoices, rejectsTokenParam, retryDelay, type RetryPolicy } from "../../src/model/retry.ts";

const NOW = Date.parse("2026-03-01T12:00:00Z");

describe("parseRetryAfter", () => {
  it("reads seconds, fractional seconds, HTTP dates and retry-after-ms", () => {
    expect(parseRetryAfter("2", null, NOW)).toBe(2000);
    expect(parseRetryAfter(" 0.25 ", null, NOW)).toBe(250);
    expect(parseRetryAfter("Sun, 01 Mar 2026 12:00:05 GMT", null, NOW)).toBe(5000);
    expect(parseRetryAfter("Sun, 01 Mar 2026 11:00:00 GMT", null, NOW)).toBe(0);
    expect(parseRetryAfter("3", "150", NOW)).toBe(150);
  });
  it("ignores what it can't read", () => {
    expect(parseRetryAfter(undefined, undefined, NOW)).toBeUndefined();
    expect(parseRetryAfter("soon", null, NOW)).toBeUndefined();
    expect(parseRetryAfter("-1", null, NOW)).toBeUndefined();
    expect(parseRetryAfter("", "abc", NOW)).toBeUndefined();
  });
});

describe("retryDelay", () => {
  const policy: RetryPolicy = { maxRetries: 5, baseDelayMs: 100, maxDelayMs: 1000, maxRetryAfterMs: 5000 };
  it("grows exponentially with jitter between half and the full step, up to the ceiling", () => {
    expect(retryDelay(0, undefined, policy, 0)).toBe(50);
    expect(retryDelay(0, undefined, policy, 1)).toBe(100);
    expect(retryDelay(2, undefined, policy, 0)).toBe(200);
    expect(retryDelay(2, undefined, policy, 1)).toBe(400);
    expect(retryDelay(10, undefined, policy, 1)).toBe(1000);
  });
  it("honours Retry-After, capped, with a little jitter", () => {
    expect(retryDelay(0, 2000, policy, 0)).toBe(2000);
    expect(retryDelay(0, 2000, policy, 0.5)).toBe(2050);
    expect(retryDelay(3, 60_000, policy, 0)).toBe(5000);
  });
  it("defaults are sane", () => {
    expect(DEFAULT_RETRY_POLICY.maxRetries).toBeGreaterThan(0);
    expect(DEFAULT_RETRY_POLICY.maxRetryAfterMs).toBeLessThanOrEqual(120_000);
  });
});

describe("classifyFailure", () => {
  it("retries transient failures", () => {
    for (const status of [408, 409, 429, 500, 502, 503, 504, 529]) {
      expect(classifyFailure({ kind: "status", status, message: "" }).action).toBe("retry");
    }
    for (const kind of ["timeout", "connection", "malformed", "empty-choices"] as const) {
      expect(classifyFailure({ kind, message: "" }).action).toBe("retry");
    }
  });
  it("auth and missing model are configuration errors; other 4xx fail", () => {
    for (const status of [401, 403, 404]) expect(classifyFailure({ kind: "status", status, message: "" }).action).toBe("config");
    for (const status of [400, 413, 422]) expect(classifyFailure({ kind: "status", status, message: "" }).action).toBe("fail");
    expect(classifyFailure({ kind: "other", message: "TypeError" }).action).toBe("fail");
  });
});

describe("rejectsTokenParam", () => {
  const bad = (message: string, param: string | null = null) => ({ kind: "status" as const, status: 400, message, param });
  it("spots OpenAI's refusal of max_tokens on reasoning models", () => {
    const f = bad("400 Unsupported parameter: 'max_tokens' is not supported with this model. Use 'max_completion_tokens' instead.", "max_tokens");
    expect(rejectsTokenParam(f, "max_tokens")).toBe(true);
    expect(rejectsTokenParam(f, "max_completion_tokens")).toBe(false);
  });
  it("spots servers that don't know max_completion_tokens", () => {
    expect(rejectsTokenParam(bad("Unrecognized request argument supplied: max_completion_tokens"), "max_completion_tokens")).toBe(true);
    expect(rejectsTokenParam(bad("body.max_completion_tokens: Extra inputs are not permitted"), "max_completion_tokens")).toBe(true);
  });
  it("is not fooled by other 400s naming the parameter", () => {
    expect(rejectsTokenParam(bad("max_tokens is too large: 100000. This model supports at most 4096 completion tokens"), "max_tokens")).toBe(false);
    expect(rejectsTokenParam(bad("max_tokens is too large", "max_tokens"), "max_tokens")).toBe(false);
    expect(rejectsTokenParam(bad("messages: invalid role"), "max_tokens")).toBe(false);
    expect(rejectsTokenParam({ kind: "status", status: 500, message: "unsupported max_tokens" }, "max_tokens")).toBe(false);
  });
});

describe("endpointFault: failures that say the endpoint itself is wrong", () => {
  const conn = (code: string) => ({ kind: "connection" as const, message: "connection failed", code });
  it("refused, blocked port and unreachable host end the run before the endpoint ever answered", () => {
    for (const code of ["ECONNREFUSED", "bad port", "EHOSTUNREACH"]) {
      expect(classifyFailure(conn(code)).action, code).toBe("endpoint");
      // After a good reply the same failure is a restart or an overload: retried.
      expect(classifyFailure(conn(code), true).action, code).toBe("retry");
    }
  });
  it("no such host and TLS failures are never transient", () => {
    for (const code of ["ENOTFOUND", "ERR_SSL_WRONG_VERSION_NUMBER", "DEPTH_ZERO_SELF_SIGNED_CERT", "CERT_HAS_EXPIRED", "UNABLE_TO_VERIFY_LEAF_SIGNATURE"]) {
      expect(classifyFailure(conn(code), true).action, code).toBe("endpoint");
    }
    expect(endpointFault(conn("ENOTFOUND"), false)).toBe("no such host (DNS lookup failed)");
  });
  it("a reset, a temporary DNS failure or a timeout stays a retry", () => {
    for (const code of ["ECONNRESET", "EAI_AGAIN", "UND_ERR_SOCKET"]) expect(classifyFailure(conn(code)).action, code).toBe("retry");
    expect(classifyFailure({ kind: "timeout", message: "" }).action).toBe("retry");
  });
  it("a body that is not JSON at all (a web page) is the wrong URL; broken JSON from an API is retried", () => {
    expect(classifyFailure({ kind: "malformed", message: "", notJson: true }).action).toBe("endpoint");
    expect(classifyFailure({ kind: "malformed", message: "", notJson: true }, true).action).toBe("retry");
    expect(classifyFailure({ kind: "malformed", message: "" }).action).toBe("retry");
  });
});

describe("rejectsChoices", () => {
  const status = (message: string, param: string | null = null, code = 400) => ({ kind: "status" as const, status: code, message, param });
  it("takes a 400 that names n as a refusal of n", () => {
    expect(rejectsChoices(status("Invalid 'n': this model only supports n=1.", "n"))).toBe(true);
    expect(rejectsChoices(status("Invalid n value (currently only n = 1 is supported)"))).toBe(true);
    expect(rejectsChoices(status("Model x with provider y does not support the n parameter for multiple choices."))).toBe(true);
  });
  it("does not take other refusals, or other failures, for one", () => {
    expect(rejectsChoices(status("max_tokens is too large", "max_tokens"))).toBe(false);
    expect(rejectsChoices(status("This model's maximum context length is 8192 tokens", null))).toBe(false);
    expect(rejectsChoices(status("Invalid 'n'", "n", 500))).toBe(false);
    expect(rejectsChoices({ kind: "timeout", message: "n" })).toBe(false);
  });
});
