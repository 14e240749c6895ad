// The model client against the scripted chat-completions server, over real HTTP, through the
// real openai package. Retry waits are shrunk by configuration, never mocked.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { createModelClient, modelConfigFromEnv, ModelCallAborted, ModelCallError, OfflineCacheMissError, type ModelConfig } from "../../src/model/index.ts";
import { BudgetExceededError, ModelConfigError, type ChatRequest, type ModelClient } from "../../src/model/types.ts";
import { startScriptedChatServer, type ScriptRule, type ScriptedChatServer } from "../fixtures/chat-server.ts";

const KEY = "sk-test-SECRET-9f8e7d6c5b4a";
const JUDGE_KEY = "sk-judge-SECRET-1a2b3c4d5e";
/** Every log line, error message and usage snapshot the tests saw: none may hold a key. */
const captured: string[] = [];

const servers: ScriptedChatServer[] = [];
const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});
afterAll(() => {
  expect(captured.length).toBeGreaterThan(20);
  for (const text of captured) {
    expect(text).not.toContain(KEY);
    expect(text).not.toContain(JUDGE_KEY);
    expect(text).not.toContain("SECRET");
  }
});

async function serve(rules: ScriptRule[]): Promise<ScriptedChatServer> {
  const server = await startScriptedChatServer(rules);
  servers.push(server);
  return server;
}

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "sstar-model-"));
  dirs.push(dir);
  return dir;
}

function client(server: { url: string }, overrides: Partial<ModelConfig> = {}): { model: ModelClient; logs: string[] } {
  const logs: string[] = [];
  const model = createModelClient({
    baseUrl: server.url,
    apiKey: KEY,
    model: "main-model",
    maxRetries: 3,
    timeoutMs: 5_000,
    retry: { baseDelayMs: 5, maxDelayMs: 20, maxRetryAfterMs: 2_000 },
    log: (line) => {
      logs.push(line);
      captured.push(line);
    },
    ...overrides,
  });
  return { model, logs };
}

const ask = (text: string, extra: Partial<ChatRequest> = {}): ChatRequest => ({
  messages: [
    { role: "system", content: "You write Python." },
    { role: "user", content: text },
  ],
  ...extra,
});

async function failure(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    captured.push(String((error as Error).message));
    return error as Error;
  }
  throw new Error("expected the call to fail");
}

function snapshot(model: ModelClient) {
  const usage = model.usage();
  captured.push(JSON.stringify(usage));
  return usage;
}

describe("model client: replies", () => {
  it("sends model, messages, temperature and max_completion_tokens; returns the reply and counts it", async () => {
    const server = await serve([{ reply: { content: "```python\nprint(1)\n```", promptTokens: 12, completionTokens: 7 } }]);
    const { model } = client(server, { temperature: 0.7, maxTokens: 256 });
    const reply = await model.chat(ask("sum"), { stage: "generate", problemId: "p1", key: "s0" });
    expect(reply).toEqual({ content: "```python\nprint(1)\n```", finishReason: "stop", promptTokens: 12, cachedPromptTokens: 0, completionTokens: 7, cached: false, model: "main-model" });
    const body = server.chatRequests[0]?.body;
    expect(body).toMatchObject({ model: "main-model", temperature: 0.7, max_completion_tokens: 256 });
    expect(body.max_tokens).toBeUndefined();
    expect(body.messages).toEqual(ask("sum").messages);
    expect(server.chatRequests[0]?.headers.authorization).toBe(`Bearer ${KEY}`);
    const usage = snapshot(model);
    expect(usage.total).toMatchObject({ calls: 1, cachedCalls: 0, promptTokens: 12, completionTokens: 7, retries: 0 });
    expect(usage.byStage.generate?.calls).toBe(1);
    expect(usage.byProblem.p1?.completionTokens).toBe(7);
  });

  it("per-request temperature and max tokens override the configuration", async () => {
    const server = await serve([{ reply: "ok" }]);
    const { model } = client(server, { temperature: 0.7, maxTokens: 256 });
    await model.chat(ask("x", { temperature: 0, maxTokens: 10 }), { stage: "judge", problemId: "p" });
    expect(server.chatRequests[0]?.body).toMatchObject({ temperature: 0, max_completion_tokens: 10 });
  });

  it("returns empty and cut-off replies to the caller instead of throwing", async () => {
    const server = await serve([
      { lastUser: "empty", reply: "" },
      { lastUser: "long", reply: { content: "def f(", finishReason: "length" } },
    ]);
    const { model } = client(server);
    expect(await model.chat(ask("empty"), { stage: "generate", problemId: "p" })).toMatchObject({ content: "", finishReason: "stop" });
    expect(await model.chat(ask("long"), { stage: "generate", problemId: "p" })).toMatchObject({ content: "def f(", finishReason: "length" });
  });

  it("sends extra headers and keeps an Azure-style api-version query on every call", async () => {
    const server = await serve([{ reply: "ok" }]);
    const { model } = client({ url: `${server.url}?api-version=2024-10-21` }, { headers: { "api-key": "azure-SECRET-key", "X-Title": "sstar" } });
    await model.chat(ask("x"), { stage: "generate", problemId: "p" });
    expect(server.chatRequests[0]).toMatchObject({ path: "/v1/chat/completions", query: "api-version=2024-10-21" });
    expect(server.chatRequests[0]?.headers).toMatchObject({ "api-key": "azure-SECRET-key", "x-title": "sstar" });
  });
});

describe("model client: resilience", () => {
  it("waits out a 429 with Retry-After and succeeds", async () => {
    const server = await serve([
      { nth: 1, reply: { fault: "status", status: 429, retryAfter: 0.3 } },
      { reply: "after the wait" },
    ]);
    const { model, logs } = client(server);
    const reply = await model.chat(ask("x"), { stage: "generate", problemId: "p" });
    expect(reply.content).toBe("after the wait");
    expect(server.chatRequests.map((r) => r.outcome)).toEqual(["status:429", "reply"]);
    // Backoff alone would be ~0.0s (base 5 ms): the 0.3 s is the server's Retry-After.
    expect(logs).toEqual([expect.stringMatching(/^model: HTTP 429: .* from model main-model at http:\/\/127\.0\.0\.1:\d+\/v1 on a generate call for problem p; retry 1\/3 in 0\.3s$/)]);
    expect(snapshot(model).total).toMatchObject({ calls: 1, retries: 1, failedCalls: 0 });
  });

  it("caps a long Retry-After at retry.maxRetryAfterMs", async () => {
    const server = await serve([
      { nth: 1, reply: { fault: "status", status: 429, retryAfter: 3600 } },
      { reply: "ok" },
    ]);
    const { model, logs } = client(server, { retry: { baseDelayMs: 5, maxRetryAfterMs: 100 } });
    expect((await model.chat(ask("x"), { stage: "generate", problemId: "p" })).content).toBe("ok");
    expect(logs[0]).toMatch(/retry 1\/3 in 0\.1s$/);
  });

  it("retries 5xx, then fails with one clear line after the retry limit", async () => {
    const server = await serve([{ reply: { fault: "status", status: 503, body: { error: { message: "overloaded" } } } }]);
    const { model, logs } = client(server, { maxRetries: 2 });
    const error = await failure(model.chat(ask("x"), { stage: "debug", problemId: "p7" }));
    expect(error).toBeInstanceOf(ModelCallError);
    expect(error.message).toMatch(/^model main-model at http:\/\/127\.0\.0\.1:\d+\/v1 failed a debug call for problem p7 after 3 attempts \(last: HTTP 503: .*overloaded\)/);
    expect(error.message).not.toContain("\n");
    expect((error as ModelCallError).attempts).toBe(3);
    expect(server.chatRequests).toHaveLength(3);
    expect(logs).toHaveLength(2);
    expect(snapshot(model).total).toMatchObject({ calls: 1, retries: 2, failedCalls: 1 });
  });

  it("a hang hits the per-call timeout and is retried", async () => {
    const server = await serve([{ nth: 1, reply: { fault: "hang" } }, { reply: "woke up" }]);
    const { model, logs } = client(server, { timeoutMs: 200 });
    expect((await model.chat(ask("x"), { stage: "generate", problemId: "p" })).content).toBe("woke up");
    expect(server.chatRequests.map((r) => r.outcome)).toEqual(["hang", "reply"]);
    expect(logs[0]).toMatch(/request timed out/);
  });

  it("malformed JSON, empty choices and dropped connections are retried", async () => {
    const server = await serve([
      { nth: 1, reply: { fault: "malformed" } },
      { nth: 2, reply: { fault: "empty-choices" } },
      { nth: 3, reply: { fault: "drop" } },
      { reply: "finally" },
    ]);
    const { model, logs } = client(server);
    expect((await model.chat(ask("x"), { stage: "generate", problemId: "p" })).content).toBe("finally");
    expect(server.chatRequests.map((r) => r.outcome)).toEqual(["malformed", "empty-choices", "drop", "reply"]);
    expect(logs).toHaveLength(3);
    expect(logs[0]).toMatch(/not valid JSON/);
    expect(logs[1]).toMatch(/no choices/);
    expect(logs[2]).toMatch(/connection failed/);
  });

  it("a reply with no choices, for good, is reported after the retries", async () => {
    const server = await serve([{ reply: { fault: "empty-choices" } }]);
    const { model } = client(server, { maxRetries: 1 });
    const error = await failure(model.chat(ask("x"), { stage: "judge", problemId: "p" }));
    expect(error).toBeInstanceOf(ModelCallError);
    expect(error.message).toMatch(/after 2 attempts \(last: reply has no choices\)/);
  });

  it("a bad key is one clear line naming endpoint and model, never the key, without retrying", async () => {
    const server = await serve([
      { reply: { fault: "status", status: 401, body: { error: { message: `Incorrect API key provided: ${KEY}.`, type: "invalid_request_error", code: "invalid_api_key" } } } },
    ]);
    const { model } = client(server);
    const error = await failure(model.chat(ask("x"), { stage: "generate", problemId: "p" }));
    expect(error).toBeInstanceOf(ModelConfigError);
    expect(error.message).toMatch(/^model main-model at http:\/\/127\.0\.0\.1:\d+\/v1: the API key was refused \(HTTP 401: .*Incorrect API key provided: \*\*\*\.\); check OPENAI_API_KEY \(action input api-key\)$/);
    expect(error.message).not.toContain(KEY);
    expect(server.chatRequests).toHaveLength(1);
  });

  it("an unknown model (404) is a configuration error naming the model", async () => {
    const server = await serve([{ reply: { fault: "status", status: 404, body: { error: { message: "The model `nope` does not exist" } } } }]);
    const { model } = client(server, { model: "nope" });
    const error = await failure(model.chat(ask("x"), { stage: "generate", problemId: "p" }));
    expect(error).toBeInstanceOf(ModelConfigError);
    expect(error.message).toMatch(/^model nope at .*: no such model or route \(HTTP 404: .*\); check SSTAR_MODEL \/ --model \(action input model\) and OPENAI_BASE_URL \/ --base-url \(action input base-url\)$/);
  });

  it("a 403 names the judge settings when the judge endpoint refuses", async () => {
    const server = await serve([{ reply: { fault: "status", status: 403, body: { error: { message: "forbidden" } } } }]);
    const { model } = client(server, { judge: { model: "judge-m", apiKey: JUDGE_KEY } });
    const error = await failure(model.chat(ask("x"), { stage: "judge", problemId: "p" }));
    expect(error.message).toMatch(/^judge model judge-m at .*: access denied .*check that SSTAR_JUDGE_API_KEY \(action input judge-api-key\) may use this model$/);
  });

  it("other 400s fail at once with the server's reason", async () => {
    const server = await serve([{ reply: { fault: "status", status: 400, body: { error: { message: "context length exceeded" } } } }]);
    const { model } = client(server);
    const error = await failure(model.chat(ask("x"), { stage: "generate", problemId: "p" }));
    expect(error).toBeInstanceOf(ModelCallError);
    expect(error.message).toMatch(/refused a generate call for problem p \(HTTP 400: .*context length exceeded\)/);
    expect(server.chatRequests).toHaveLength(1);
  });
});

describe("model client: token parameter", () => {
  const refuseCompletionTokens: ScriptRule = {
    name: "refuse",
    when: (r) => r.body.max_completion_tokens !== undefined,
    reply: { fault: "status", status: 400, body: { error: { message: "Unrecognized request argument supplied: max_completion_tokens", param: null } } },
  };

  it("falls back to max_tokens when max_completion_tokens is refused, and remembers it", async () => {
    const server = await serve([refuseCompletionTokens, { name: "ok", reply: "ok" }]);
    const { model, logs } = client(server, { maxTokens: 64 });
    expect((await model.chat(ask("a"), { stage: "generate", problemId: "p" })).content).toBe("ok");
    expect((await model.chat(ask("b"), { stage: "generate", problemId: "p" })).content).toBe("ok");
    expect(server.chatRequests.map((r) => [r.body.max_completion_tokens, r.body.max_tokens])).toEqual([
      [64, undefined],
      [undefined, 64],
      [undefined, 64],
    ]);
    expect(logs).toEqual([expect.stringMatching(/refused max_completion_tokens; sending max_tokens from now on$/)]);
    expect(snapshot(model).total).toMatchObject({ calls: 2, retries: 0 });
  });

  it("switches back to max_completion_tokens when max_tokens is refused (reasoning models)", async () => {
    const server = await serve([
      { nth: 1, reply: { fault: "status", status: 400, body: { error: { message: "Unrecognized request argument supplied: max_completion_tokens" } } } },
      {
        when: (r) => r.body.max_tokens !== undefined && r.model === "o-model",
        reply: { fault: "status", status: 400, body: { error: { message: "Unsupported parameter: 'max_tokens' is not supported with this model. Use 'max_completion_tokens' instead.", param: "max_tokens" } } },
      },
      { reply: "ok" },
    ]);
    // The first call teaches "max_tokens" for main-model; o-model at the same URL is learned apart.
    const { model } = client(server, { maxTokens: 32, judge: { model: "o-model" } });
    await model.chat(ask("a"), { stage: "generate", problemId: "p" });
    expect((await model.chat(ask("b"), { stage: "judge", problemId: "p" })).content).toBe("ok");
    expect(server.chatRequests.map((r) => [r.body.model, r.body.max_completion_tokens, r.body.max_tokens])).toEqual([
      ["main-model", 32, undefined],
      ["main-model", undefined, 32],
      ["o-model", 32, undefined],
    ]);
  });

  it("an explicit token parameter is sent as is, without fallback", async () => {
    const server = await serve([refuseCompletionTokens, { reply: "ok" }]);
    const { model } = client(server, { maxTokens: 64, tokenParam: "max_completion_tokens" });
    expect(await failure(model.chat(ask("a"), { stage: "generate", problemId: "p" }))).toBeInstanceOf(ModelCallError);
    const { model: other } = client(server, { maxTokens: 64, tokenParam: "max_tokens" });
    await other.chat(ask("a"), { stage: "generate", problemId: "p" });
    expect(server.chatRequests[1]?.body).toMatchObject({ max_tokens: 64 });
  });
});

describe("model client: budget, concurrency, routing", () => {
  it("stops at exactly the configured number of calls, concurrent calls too", async () => {
    const server = await serve([{ reply: { content: "ok", delayMs: 20 } }]);
    const { model } = client(server, { budget: { calls: 5 }, concurrency: 3 });
    const results = await Promise.allSettled(
      Array.from({ length: 12 }, (_, i) => model.chat(ask(`q${i}`), { stage: "generate", problemId: `p${i % 2}` })),
    );
    const done = results.filter((r) => r.status === "fulfilled");
    const refused = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
    expect(done).toHaveLength(5);
    expect(refused).toHaveLength(7);
    for (const r of refused) {
      expect(r.reason).toBeInstanceOf(BudgetExceededError);
      captured.push((r.reason as Error).message);
    }
    expect(server.chatRequests).toHaveLength(5);
    const usage = snapshot(model);
    expect(usage.total.calls).toBe(5);
    expect(usage.budgetExceeded).toMatch(/^model budget reached: 5 of 5 calls used \(--budget-calls; action input budget calls=N\); not starting a generate call for problem p\d$/);
    // And it stays stopped.
    await expect(model.chat(ask("more"), { stage: "debug", problemId: "p0" })).rejects.toBeInstanceOf(BudgetExceededError);
    expect(server.chatRequests).toHaveLength(5);
  });

  it("a token budget stops before the call that could pass it", async () => {
    const server = await serve([{ reply: { content: "ok", promptTokens: 100, completionTokens: 100 } }]);
    const { model } = client(server, { budget: { tokens: 500 }, maxTokens: 100 });
    let made = 0;
    for (;;) {
      try {
        await model.chat(ask("q"), { stage: "generate", problemId: "p" });
        made++;
      } catch (error) {
        expect(error).toBeInstanceOf(BudgetExceededError);
        break;
      }
    }
    expect(made).toBe(2); // 400 used; a third could take ~105 more
    expect(snapshot(model).total.promptTokens + snapshot(model).total.completionTokens).toBeLessThanOrEqual(500);
  });

  it("a cost budget uses the user's prices", async () => {
    const server = await serve([{ reply: { content: "ok", promptTokens: 1000, completionTokens: 1000 } }]);
    const { model } = client(server, { budget: { costUsd: 0.05 }, prices: { inputPerMTok: 10, outputPerMTok: 10 }, maxTokens: 1000 });
    await model.chat(ask("q"), { stage: "generate", problemId: "p" }); // $0.02
    await model.chat(ask("q"), { stage: "generate", problemId: "p" }); // $0.04; a third may cost $0.01 + its prompt
    await expect(model.chat(ask("qq"), { stage: "generate", problemId: "p" })).rejects.toThrow(/over the budget of \$0.0500/);
    expect(snapshot(model).total.costUsd).toBeCloseTo(0.04, 10);
  });

  it("holds the global concurrency limit across stages", async () => {
    const server = await serve([{ reply: { content: "ok", delayMs: 40 } }]);
    const { model } = client(server, { concurrency: 2, judge: { model: "judge-m" } });
    const stages = ["generate", "debug", "judge", "synthesize"] as const;
    await Promise.all(Array.from({ length: 8 }, (_, i) => model.chat(ask(`q${i}`), { stage: stages[i % 4]!, problemId: "p" })));
    expect(server.chatRequests).toHaveLength(8);
    expect(server.maxInFlight).toBe(2);
  });

  it("sends judge stages to the judge endpoint with its own key and model", async () => {
    const main = await serve([{ reply: "main" }]);
    const judge = await serve([{ reply: "judge" }]);
    const { model } = client(main, { judge: { baseUrl: judge.url, apiKey: JUDGE_KEY, model: "judge-m" } });
    for (const stage of ["generate", "debug", "synthesize", "separate", "judge"] as const) {
      const reply = await model.chat(ask(stage), { stage, problemId: "p" });
      expect(reply.content).toBe(stage === "generate" || stage === "debug" ? "main" : "judge");
    }
    expect(main.chatRequests.map((r) => r.body.model)).toEqual(["main-model", "main-model"]);
    expect(judge.chatRequests.map((r) => r.body.model)).toEqual(["judge-m", "judge-m", "judge-m"]);
    expect(judge.chatRequests[0]?.headers.authorization).toBe(`Bearer ${JUDGE_KEY}`);
    expect(Object.keys(snapshot(model).byStage).sort()).toEqual(["debug", "generate", "judge", "separate", "synthesize"]);
  });

  it("a judge with only a model set uses the main endpoint and key", async () => {
    const server = await serve([{ reply: "ok" }]);
    const { model } = client(server, { judge: { model: "judge-m" } });
    await model.chat(ask("x"), { stage: "separate", problemId: "p" });
    expect(server.chatRequests[0]?.body.model).toBe("judge-m");
    expect(server.chatRequests[0]?.headers.authorization).toBe(`Bearer ${KEY}`);
  });
});

describe("model client: cache", () => {
  it("a second identical run is served entirely from the cache", async () => {
    const server = await serve([{ reply: (r) => ({ content: `answer to ${r.lastUser}`, promptTokens: 10, completionTokens: 5 }) }]);
    const cacheDir = await tempDir();
    const run = async () => {
      const { model } = client(server, { cacheDir, temperature: 0.7, maxTokens: 100, budget: { calls: 6 } });
      const replies = await Promise.all(
        Array.from({ length: 6 }, (_, i) => model.chat(ask(`q${i % 3}`), { stage: i < 3 ? "generate" : "judge", problemId: "p", key: `s${i}` })),
      );
      return { replies, usage: snapshot(model) };
    };
    const first = await run();
    expect(server.chatRequests).toHaveLength(6);
    expect(first.replies.every((r) => !r.cached)).toBe(true);
    const second = await run();
    expect(server.chatRequests).toHaveLength(6); // zero new HTTP requests
    expect(second.replies.map((r) => r.content)).toEqual(first.replies.map((r) => r.content));
    expect(second.replies.every((r) => r.cached)).toBe(true);
    expect(second.usage.total).toMatchObject({ calls: 0, cachedCalls: 6, promptTokens: 0, costUsd: 0 });
    // Cached calls are free: a third run with a budget of 0 calls still completes.
    const { model: broke } = client(server, { cacheDir, temperature: 0.7, maxTokens: 100, budget: { calls: 0 } });
    expect((await broke.chat(ask("q0"), { stage: "generate", problemId: "p", key: "s0" })).cached).toBe(true);
  });

  it("a different sample key, temperature or model misses", async () => {
    const server = await serve([{ reply: "ok" }]);
    const cacheDir = await tempDir();
    const { model } = client(server, { cacheDir });
    await model.chat(ask("q"), { stage: "generate", problemId: "p", key: "s0" });
    await model.chat(ask("q"), { stage: "generate", problemId: "p", key: "s1" });
    await model.chat(ask("q", { temperature: 0.1 }), { stage: "generate", problemId: "p", key: "s0" });
    await client(server, { cacheDir, model: "other" }).model.chat(ask("q"), { stage: "generate", problemId: "p", key: "s0" });
    expect(server.chatRequests).toHaveLength(4);
  });

  it("identical requests in flight share one HTTP call", async () => {
    const server = await serve([{ reply: { content: "shared", delayMs: 30 } }]);
    const { model } = client(server, { cacheDir: await tempDir() });
    const replies = await Promise.all(Array.from({ length: 4 }, () => model.chat(ask("same"), { stage: "generate", problemId: "p", key: "k" })));
    expect(server.chatRequests).toHaveLength(1);
    expect(replies.filter((r) => r.cached)).toHaveLength(3);
    expect(snapshot(model).total).toMatchObject({ calls: 1, cachedCalls: 3 });
  });

  it("offline replays the cache without a server and reports a miss clearly", async () => {
    const server = await serve([{ reply: "recorded" }]);
    const cacheDir = await tempDir();
    await client(server, { cacheDir }).model.chat(ask("q"), { stage: "generate", problemId: "p", key: "s0" });
    const url = server.url;
    await server.close();
    const { model } = client({ url }, { cacheDir, offline: true });
    expect(await model.chat(ask("q"), { stage: "generate", problemId: "p", key: "s0" })).toMatchObject({ content: "recorded", cached: true });
    const error = await failure(model.chat(ask("q"), { stage: "generate", problemId: "p", key: "s1" }));
    expect(error).toBeInstanceOf(OfflineCacheMissError);
    expect(error).toBeInstanceOf(ModelConfigError);
    expect(error.message).toMatch(/^offline replay: no cached reply for a generate call of problem p \(key s1\) to model main-model at .* in .*; the recorded run doesn't cover this request/);
  });
});

describe("configuration from the environment drives a real call", () => {
  it("OPENAI_BASE_URL / OPENAI_API_KEY / SSTAR_MODEL", async () => {
    const server = await serve([{ reply: "env ok" }]);
    const config = modelConfigFromEnv({ OPENAI_BASE_URL: server.url, OPENAI_API_KEY: KEY, SSTAR_MODEL: "env-model" }, { maxRetries: 0 });
    const reply = await createModelClient(config).chat(ask("x"), { stage: "generate", problemId: "p" });
    expect(reply.content).toBe("env ok");
    expect(server.chatRequests[0]?.body.model).toBe("env-model");
  });
});

describe("model client: streaming", () => {
  const long = "```python\n" + "print(sum(map(int, input().split())))\n".repeat(5) + "```";

  it("reads a streamed reply to the end, with the usage the server sends", async () => {
    const server = await serve([{ reply: { content: long, promptTokens: 30, completionTokens: 40, finishReason: "length" } }]);
    const { model } = client(server, { stream: true, maxTokens: 64 });
    const reply = await model.chat(ask("sum"), { stage: "generate", problemId: "p" });
    expect(reply).toEqual({ content: long, finishReason: "length", promptTokens: 30, cachedPromptTokens: 0, completionTokens: 40, cached: false, model: "main-model" });
    const body = server.chatRequests[0]?.body;
    expect(body).toMatchObject({ stream: true, stream_options: { include_usage: true }, max_completion_tokens: 64 });
    expect(snapshot(model).total).toMatchObject({ calls: 1, promptTokens: 30, completionTokens: 40 });
  });

  it("a stream that goes silent hits the idle timeout and is retried", async () => {
    const server = await serve([{ nth: 1, reply: { fault: "stall" } }, { reply: "second try" }]);
    const { model, logs } = client(server, { stream: true, timeoutMs: 300 });
    expect((await model.chat(ask("x"), { stage: "judge", problemId: "p" })).content).toBe("second try");
    expect(server.chatRequests.map((r) => r.outcome)).toEqual(["stall", "reply"]);
    expect(logs[0]).toMatch(/no data for 0\.3s while streaming from model main-model at .* on a judge call for problem p; retry 1\/3/);
  });

  it("a long stream that keeps sending is not cut off by the timeout", async () => {
    // 5 chunks 150 ms apart: the whole reply takes longer than the 400 ms timeout, no gap does.
    const content = "x".repeat(16 * 3);
    const server = await serve([{ reply: { content, chunkDelayMs: 150 } }]);
    const { model } = client(server, { stream: true, timeoutMs: 400, maxRetries: 0 });
    const started = Date.now();
    expect((await model.chat(ask("x"), { stage: "generate", problemId: "p" })).content).toBe(content);
    expect(Date.now() - started).toBeGreaterThan(400);
    expect(server.chatRequests.map((r) => r.outcome)).toEqual(["reply"]);
    // Without streaming the same timeout covers the whole reply... of a server that is slow to answer.
    const slow = await serve([{ reply: { content: "late", delayMs: 600 } }]);
    const error = await failure(client(slow, { timeoutMs: 400, maxRetries: 0 }).model.chat(ask("x"), { stage: "generate", problemId: "p" }));
    expect(error.message).toMatch(/request timed out/);
  });

  it("a server that refuses stream_options is asked again without it, and tokens are estimated", async () => {
    const server = await serve([
      {
        name: "refuse",
        when: (r) => (r.body as { stream_options?: unknown }).stream_options !== undefined,
        reply: { fault: "status", status: 400, body: { error: { message: "Unrecognized request argument supplied: stream_options", type: "invalid_request_error", param: null, code: null } } },
      },
      { reply: "no usage here" },
    ]);
    const { model, logs } = client(server, { stream: true });
    const reply = await model.chat(ask("x"), { stage: "generate", problemId: "p" });
    expect(reply.content).toBe("no usage here");
    expect(reply.completionTokens).toBeGreaterThan(0);
    expect(logs.some((l) => /refused stream_options; streaming without usage from now on/.test(l))).toBe(true);
    // Remembered: the next call goes without it at once.
    await model.chat(ask("y"), { stage: "generate", problemId: "p" });
    expect(server.chatRequests.map((r) => r.outcome)).toEqual(["status:400", "reply", "reply"]);
    expect(snapshot(model).total).toMatchObject({ calls: 2, retries: 0 });
  });

  it("SSTAR_STREAM turns streaming on; a bad value is one clear line", async () => {
    const server = await serve([{ reply: "streamed via env" }]);
    const config = modelConfigFromEnv({ OPENAI_BASE_URL: server.url, OPENAI_API_KEY: KEY, SSTAR_MODEL: "m", SSTAR_STREAM: "true" }, { maxRetries: 0 });
    expect(config.stream).toBe(true);
    expect((await createModelClient(config).chat(ask("x"), { stage: "generate", problemId: "p" })).content).toBe("streamed via env");
    expect(server.chatRequests[0]?.body.stream).toBe(true);
    expect(modelConfigFromEnv({ OPENAI_BASE_URL: server.url, SSTAR_MODEL: "m", SSTAR_STREAM: "0" }).stream).toBe(false);
    expect(() => modelConfigFromEnv({ OPENAI_BASE_URL: server.url, SSTAR_MODEL: "m", SSTAR_STREAM: "maybe" })).toThrow(/^SSTAR_STREAM must be true or false \(or 1 \/ 0\), got "maybe"$/);
  });
});

describe("model client: cancelling", () => {
  const cancelled = /^the (generate|judge) call for problem p was cancelled$/;
  /** Aborts after the call has had time to get where the test wants it (in flight, queued, waiting). */
  const abortSoon = async (...controllers: AbortController[]): Promise<void> => {
    await new Promise((r) => setTimeout(r, 150));
    for (const c of controllers) c.abort();
  };

  it("a call in flight is cancelled at once, and counted as a failed call", async () => {
    const server = await serve([{ reply: { fault: "hang" } }]);
    const { model } = client(server, { timeoutMs: 120_000 });
    const controller = new AbortController();
    // Without the cancel this call would wait for the 120 s timeout and fail the test's own.
    const pending = failure(model.chat(ask("x", { signal: controller.signal }), { stage: "generate", problemId: "p" }));
    await abortSoon(controller);
    const error = await pending;
    expect(error).toBeInstanceOf(ModelCallAborted);
    expect(error.message).toMatch(cancelled);
    expect(server.chatRequests).toHaveLength(1);
    expect(snapshot(model).total).toMatchObject({ calls: 1, failedCalls: 1, retries: 0 });
  });

  it("a call waiting for a slot is cancelled without reaching the server or being counted", async () => {
    const server = await serve([{ reply: { fault: "hang" } }]);
    const { model } = client(server, { timeoutMs: 120_000, concurrency: 1 });
    const first = new AbortController();
    const second = new AbortController();
    const running = failure(model.chat(ask("a", { signal: first.signal }), { stage: "generate", problemId: "p" }));
    const queued = failure(model.chat(ask("b", { signal: second.signal }), { stage: "generate", problemId: "p" }));
    await abortSoon(second, first);
    expect(await queued).toBeInstanceOf(ModelCallAborted);
    expect(await running).toBeInstanceOf(ModelCallAborted);
    expect(server.chatRequests).toHaveLength(1);
    expect(snapshot(model).total).toMatchObject({ calls: 1, failedCalls: 1 });
    // An already-aborted signal never starts a call.
    expect(await failure(model.chat(ask("c", { signal: AbortSignal.abort() }), { stage: "judge", problemId: "p" }))).toBeInstanceOf(ModelCallAborted);
    expect(server.chatRequests).toHaveLength(1);
  });

  it("a wait between retries and a streamed reply are cancelled too", async () => {
    const server = await serve([{ nth: 1, reply: { fault: "status", status: 429, retryAfter: 2 } }, { reply: { fault: "stall" } }]);
    const { model } = client(server, { timeoutMs: 120_000 });
    const waiting = new AbortController();
    const retrying = failure(model.chat(ask("x", { signal: waiting.signal }), { stage: "generate", problemId: "p" }));
    await abortSoon(waiting);
    expect(await retrying).toBeInstanceOf(ModelCallAborted);
    // Cancelled during the 2 s Retry-After wait: the retry never went out.
    expect(server.chatRequests).toHaveLength(1);
    const { model: streaming } = client(server, { timeoutMs: 120_000, stream: true });
    const reading = new AbortController();
    const stalled = failure(streaming.chat(ask("y", { signal: reading.signal }), { stage: "generate", problemId: "p" }));
    await abortSoon(reading);
    expect(await stalled).toBeInstanceOf(ModelCallAborted);
    expect(server.chatRequests.map((r) => r.outcome)).toEqual(["status:429", "stall"]);
  });
});
