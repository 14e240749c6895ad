// Not attempted or attempted: the classification reads the errors the real model client throws
// (over HTTP, against a closed port and the scripted chat-completions server), reduced to facts.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { classifyAttempt, classifyError, errorFacts, type AttemptFacts, type CallRecord, type ErrorFacts } from "../../src/eval/outcome.ts";
import { createModelClient } from "../../src/model/index.ts";
import type { ModelConfig } from "../../src/model/config.ts";
import { startScriptedChatServer, type ScriptedChatServer } from "../fixtures/chat-server.ts";
import { closedPort } from "./helpers.ts";

let server: ScriptedChatServer;
beforeAll(async () => {
  server = await startScriptedChatServer([
    { name: "refuse-key", model: "bad-key", reply: { fault: "status", status: 401, body: { error: { message: "Incorrect API key provided" } } } },
    { name: "forbidden", model: "forbidden", reply: { fault: "status", status: 403, body: { error: { message: "not allowed" } } } },
    { name: "down", model: "overloaded", reply: { fault: "status", status: 503 } },
    { name: "missing", model: "no-such-model", reply: { fault: "status", status: 404, body: { error: { message: "model not found" } } } },
    { name: "ok", reply: "fine" },
  ]);
});
afterAll(async () => {
  await server?.close();
});

async function failureOf(config: Partial<ModelConfig>, signal?: AbortSignal): Promise<ErrorFacts> {
  const client = createModelClient({ baseUrl: server.url, apiKey: "k", model: "m", cacheDir: null, maxRetries: 0, ...config });
  try {
    await client.chat({ messages: [{ role: "user", content: "hi" }], ...(signal ? { signal } : {}) }, { stage: "generate", problemId: "p" });
  } catch (error) {
    return errorFacts(error);
  }
  throw new Error("the call did not fail");
}

describe("classifyError: the model client's real errors", () => {
  it("a refused connection is an unreachable endpoint", async () => {
    const facts = await failureOf({ baseUrl: `http://127.0.0.1:${await closedPort()}/v1` });
    expect(facts.name).toBe("ModelEndpointError");
    expect(classifyError(facts)).toBe("unreachable");
  });

  it("401 and 403 are authentication; 404 (no such model or route) is the endpoint as configured", async () => {
    expect(classifyError(await failureOf({ model: "bad-key" }))).toBe("auth");
    expect(classifyError(await failureOf({ model: "forbidden" }))).toBe("auth");
    const missing = await failureOf({ model: "no-such-model" });
    expect(missing.name).toBe("ModelConfigError");
    expect(classifyError(missing)).toBe("endpoint-config");
  });

  it("a 5xx after the retries is a server failure; the budget and a cancel are their own", async () => {
    const overloaded = await failureOf({ model: "overloaded" });
    expect(overloaded).toMatchObject({ name: "ModelCallError", status: 503 });
    expect(classifyError(overloaded)).toBe("server");
    expect(classifyError(await failureOf({ budget: { calls: 0 } }))).toBe("budget");
    expect(classifyError(await failureOf({}, AbortSignal.abort()))).toBe("aborted");
  });

  it("is tolerant of a distinct error kind for unreachable endpoints, by name, kind or code", () => {
    expect(classifyError({ name: "EndpointUnreachableError", message: "model m at http://x: unreachable" })).toBe("unreachable");
    expect(classifyError({ name: "ModelCallError", message: "failed", kind: "connection" })).toBe("unreachable");
    expect(classifyError({ name: "Error", message: "boom", code: "ECONNREFUSED" })).toBe("unreachable");
    expect(errorFacts(Object.assign(new Error("x"), { cause: { code: "ENOTFOUND" } }))).toEqual({ name: "Error", message: "x", code: "ENOTFOUND" });
    expect(classifyError({ name: "ModelCallError", message: "refused a generate call (HTTP 400: bad)", status: 400 })).toBe("sample");
  });
});

const refused: ErrorFacts = { name: "ModelCallError", message: "model m failed a generate call after 6 attempts (last: connection failed (ECONNREFUSED))" };
const http500: ErrorFacts = { name: "ModelCallError", message: "model m failed a generate call after 6 attempts (last: HTTP 500: oops)", status: 500 };
const facts = (over: Partial<AttemptFacts>): AttemptFacts => ({ calls: [], sandboxErrors: [], interrupted: false, deadline: false, ...over });
const calls = (stage: CallRecord["stage"], ok: number, error?: ErrorFacts, failed = 0): CallRecord[] => [
  ...Array.from({ length: ok }, () => ({ stage })),
  ...Array.from({ length: failed }, () => ({ stage, ...(error ? { error } : {}) })),
];

describe("classifyAttempt: attempted, or not and why", () => {
  it("one 500 among 8 samples is the model's weather: attempted", () => {
    expect(classifyAttempt(facts({ calls: [...calls("generate", 7, http500, 1), ...calls("synthesize", 1)] }))).toBeNull();
    expect(classifyAttempt(facts({ calls: calls("generate", 8) }))).toBeNull();
  });

  it("every call refused or failing with 5xx: the endpoint is unreachable, with the client's words", () => {
    expect(classifyAttempt(facts({ calls: calls("generate", 0, refused, 8) }))).toEqual({ cause: "endpoint-unreachable", detail: refused.message });
    expect(classifyAttempt(facts({ calls: [...calls("generate", 0, http500, 8), ...calls("synthesize", 0, http500, 1)] }))?.cause).toBe("endpoint-unreachable");
  });

  it("a judge endpoint that no call reached, while generation answered, is unreachable too; a 500 there is not", () => {
    expect(classifyAttempt(facts({ calls: [...calls("generate", 8), ...calls("synthesize", 0, refused, 2)] }))?.cause).toBe("endpoint-unreachable");
    expect(classifyAttempt(facts({ calls: [...calls("generate", 8), ...calls("synthesize", 0, http500, 1)] }))).toBeNull();
  });

  it("orders the causes: deadline, interrupted, budget, credentials, sandbox, endpoint", () => {
    const auth: ErrorFacts = { name: "ModelConfigError", message: "model m at u: the API key was refused (HTTP 401: no); check OPENAI_API_KEY" };
    const budget: ErrorFacts = { name: "BudgetExceededError", message: "model budget reached: 10 of 10 calls used (budget.calls)" };
    const sandbox: ErrorFacts = { name: "Error", message: "sandbox: no C compiler (cc, gcc or clang) on PATH" };
    expect(classifyAttempt(facts({ deadline: true, interrupted: true }))?.cause).toBe("deadline");
    expect(classifyAttempt(facts({ interrupted: true, calls: calls("generate", 0, budget, 1) }))?.cause).toBe("interrupted");
    expect(classifyAttempt(facts({ stopped: "aborted" }))?.cause).toBe("interrupted");
    expect(classifyAttempt(facts({ calls: [...calls("generate", 3), ...calls("debug", 0, budget, 1)] }))).toEqual({ cause: "budget-exhausted", detail: budget.message });
    expect(classifyAttempt(facts({ stopped: "budget exhausted: model budget reached" }))?.cause).toBe("budget-exhausted");
    expect(classifyAttempt(facts({ calls: calls("generate", 0, auth, 8), sandboxErrors: [sandbox] }))).toEqual({ cause: "authentication", detail: auth.message });
    expect(classifyAttempt(facts({ calls: calls("generate", 8), sandboxErrors: [sandbox] }))).toEqual({ cause: "sandbox-unavailable", detail: sandbox.message });
    expect(classifyAttempt(facts({ thrown: refused }))?.cause).toBe("endpoint-unreachable");
  });

  it("solve() throwing for no infrastructure reason stays attempted (counted, so a bug cannot hide)", () => {
    expect(classifyAttempt(facts({ thrown: { name: "TypeError", message: "x is undefined" } }))).toBeNull();
  });
});
