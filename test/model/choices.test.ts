// chatN: N completions of one prompt in one request (`n`), against the scripted chat-completions
// server over real HTTP through the real openai package: counted per choice, cached and recorded
// per choice, and falling back to one request per choice where the endpoint refuses `n` or
// answers fewer choices.
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createModelClient, OfflineCacheMissError, type ModelConfig } from "../../src/model/index.ts";
import { BudgetExceededError, type ChatReply, type ChatRequest, type ModelClient } from "../../src/model/types.ts";
import { startScriptedChatServer, type ScriptRule, type ScriptedChatServerOptions, type ScriptedChatServer } from "../fixtures/chat-server.ts";

const servers: ScriptedChatServer[] = [];
const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

async function serve(rules: ScriptRule[], options: ScriptedChatServerOptions = {}): Promise<ScriptedChatServer> {
  const server = await startScriptedChatServer(rules, options);
  servers.push(server);
  return server;
}

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "sstar-choices-"));
  dirs.push(dir);
  return dir;
}

function client(server: { url: string }, overrides: Partial<ModelConfig> = {}): { model: ModelClient; logs: string[] } {
  const logs: string[] = [];
  const model = createModelClient({
    baseUrl: server.url,
    apiKey: "sk-test",
    model: "main-model",
    maxRetries: 1,
    timeoutMs: 5_000,
    retry: { baseDelayMs: 5, maxDelayMs: 20, maxRetryAfterMs: 100 },
    log: (line) => logs.push(line),
    ...overrides,
  });
  return { model, logs };
}

const ask: ChatRequest = {
  messages: [
    { role: "system", content: "You write Python." },
    { role: "user", content: "Sum two numbers." },
  ],
  temperature: 0.8,
};

/** Each choice says which request and choice it was; 100 prompt tokens, 10 completion tokens per choice. */
const numbered: ScriptRule = { name: "sample", reply: (r) => ({ content: `request ${r.index} choice ${r.choice}`, promptTokens: 100, completionTokens: 10 }) };

async function chatN(model: ModelClient, keys: string[], request: ChatRequest = ask): Promise<PromiseSettledResult<ChatReply>[]> {
  if (model.chatN === undefined) throw new Error("the model client has no chatN");
  return model.chatN(request, { stage: "generate", problemId: "p", keys });
}

function contents(results: PromiseSettledResult<ChatReply>[]): (string | undefined)[] {
  return results.map((r) => (r.status === "fulfilled" ? r.value.content : undefined));
}

const keys = (n: number, from = 0): string[] => Array.from({ length: n }, (_, i) => `sample-${from + i}-round-0`);

describe("chatN: one request for N samples", () => {
  it("asks once with n, returns the choices in key order, and counts N calls, 1 request, the prompt once", async () => {
    const server = await serve([numbered]);
    const { model } = client(server);
    const results = await chatN(model, keys(4));
    expect(server.chatRequests).toHaveLength(1);
    expect(server.chatRequests[0]?.body).toMatchObject({ n: 4, temperature: 0.8, model: "main-model" });
    expect(contents(results)).toEqual(["request 0 choice 0", "request 0 choice 1", "request 0 choice 2", "request 0 choice 3"]);
    const replies = results.map((r) => (r.status === "fulfilled" ? r.value : undefined));
    // The prompt is on the first reply only; the completion total (40) is split by text length (equal here).
    expect(replies.map((r) => r?.promptTokens)).toEqual([100, 0, 0, 0]);
    expect(replies.map((r) => r?.completionTokens)).toEqual([10, 10, 10, 10]);
    expect(replies.every((r) => r?.cached === false)).toBe(true);
    expect(model.usage().total).toMatchObject({ calls: 4, requests: 1, promptTokens: 100, completionTokens: 40, failedCalls: 0 });
    expect(model.usage().byStage.generate).toMatchObject({ calls: 4, requests: 1 });
  });

  it("splits the completion tokens in proportion to the text of each choice, summing to the server's total", async () => {
    const server = await serve([{ reply: (r) => ({ content: "x".repeat(r.choice === 0 ? 30 : 10), promptTokens: 50, completionTokens: r.choice === 0 ? 7 : 6 }) }]);
    const { model } = client(server);
    const results = await chatN(model, keys(3));
    const completion = results.map((r) => (r.status === "fulfilled" ? r.value.completionTokens : -1));
    expect(completion).toEqual([11, 4, 4]); // 19 tokens over lengths 30:10:10, largest remainder to the longest
    expect(completion.reduce((a, b) => a + b, 0)).toBe(19);
  });

  it("falls back to one request per sample when the endpoint refuses n, and remembers it", async () => {
    const server = await serve([numbered], { n: "refuse" });
    const { model, logs } = client(server);
    const first = await chatN(model, keys(3));
    expect(contents(first)).toEqual(["request 1 choice 0", "request 2 choice 0", "request 3 choice 0"]);
    expect(server.chatRequests.map((r) => r.outcome)).toEqual(["refused-n", "reply", "reply", "reply"]);
    expect(server.chatRequests.slice(1).every((r) => r.body.n === undefined)).toBe(true);
    expect(logs.some((l) => /refused n=3; asking one request per sample from now on/.test(l))).toBe(true);
    // The refused request is answered by resending, like a refused token parameter: not a call.
    expect(model.usage().total).toMatchObject({ calls: 3, requests: 3, failedCalls: 0 });
    const second = await chatN(model, keys(2, 3));
    expect(second.every((r) => r.status === "fulfilled")).toBe(true);
    expect(server.chatRequests).toHaveLength(6);
    expect(server.chatRequests.slice(4).every((r) => r.body.n === undefined && r.outcome === "reply")).toBe(true);
  });

  it("asks separately for the choices a server leaves out, and remembers that too", async () => {
    const server = await serve([numbered], { n: { atMost: 1 } });
    const { model, logs } = client(server);
    const results = await chatN(model, keys(3));
    expect(results.every((r) => r.status === "fulfilled")).toBe(true);
    expect(contents(results)[0]).toBe("request 0 choice 0");
    expect(server.chatRequests.map((r) => r.body.n)).toEqual([3, undefined, undefined]);
    expect(logs.some((l) => /answered 1 of n=3 choices; asking one request per sample from now on/.test(l))).toBe(true);
    expect(model.usage().total).toMatchObject({ calls: 3, requests: 3 });
    await chatN(model, keys(2, 3));
    expect(server.chatRequests.map((r) => r.body.n)).toEqual([3, undefined, undefined, undefined, undefined]);
  });

  it("caches each choice under its own key: a re-run makes no request, a partly cached set asks only for the rest", async () => {
    const server = await serve([numbered]);
    const cacheDir = await tempDir();
    const first = await chatN(client(server, { cacheDir }).model, keys(3));
    expect(server.chatRequests).toHaveLength(1);
    const { model } = client(server, { cacheDir });
    const again = await chatN(model, keys(3));
    expect(server.chatRequests).toHaveLength(1);
    expect(contents(again)).toEqual(contents(first));
    expect(again.every((r) => r.status === "fulfilled" && r.value.cached)).toBe(true);
    expect(model.usage().total).toMatchObject({ calls: 0, requests: 0, cachedCalls: 3 });
    const more = await chatN(model, keys(5));
    expect(server.chatRequests).toHaveLength(2);
    expect(server.chatRequests[1]?.body.n).toBe(2);
    expect(contents(more)).toEqual([...contents(first), "request 1 choice 0", "request 1 choice 1"]);
    // chat() with one of those keys is the same cached choice.
    expect(await model.chat(ask, { stage: "generate", problemId: "p", key: keys(5)[4]! })).toMatchObject({ content: "request 1 choice 1", cached: true });
    expect(model.usage().total).toMatchObject({ calls: 2, requests: 1, cachedCalls: 7 });
  });

  it("offline, the cached choices are served and each missing one is rejected on its own", async () => {
    const server = await serve([numbered]);
    const cacheDir = await tempDir();
    await chatN(client(server, { cacheDir }).model, keys(2));
    const results = await chatN(client(server, { cacheDir, offline: true }).model, keys(3));
    expect(contents(results).slice(0, 2)).toEqual(["request 0 choice 0", "request 0 choice 1"]);
    expect(results[2]?.status === "rejected" && results[2].reason).toBeInstanceOf(OfflineCacheMissError);
    expect(server.chatRequests).toHaveLength(1);
  });

  it("reads n streamed choices interleaved by index", async () => {
    const long = (i: number): string => `choice ${i}: ${"abcdefghij".repeat(8 + i)}`;
    const server = await serve([{ reply: (r) => ({ content: long(r.choice), promptTokens: 30, completionTokens: 20, finishReason: r.choice === 1 ? "length" : "stop" }) }]);
    const { model } = client(server, { stream: true });
    const results = await chatN(model, keys(3));
    expect(server.chatRequests).toHaveLength(1);
    expect(server.chatRequests[0]?.body).toMatchObject({ n: 3, stream: true, stream_options: { include_usage: true } });
    expect(contents(results)).toEqual([long(0), long(1), long(2)]);
    expect(results.map((r) => (r.status === "fulfilled" ? r.value.finishReason : ""))).toEqual(["stop", "length", "stop"]);
    expect(model.usage().total).toMatchObject({ calls: 3, requests: 1, promptTokens: 30, completionTokens: 60 });
  });

  it("asks for as many choices as the calls budget allows and refuses the rest with BudgetExceededError", async () => {
    const server = await serve([numbered]);
    const { model } = client(server, { budget: { calls: 3 } });
    const results = await chatN(model, keys(5));
    expect(server.chatRequests).toHaveLength(1);
    expect(server.chatRequests[0]?.body.n).toBe(3);
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "fulfilled", "fulfilled", "rejected", "rejected"]);
    const refused = results[3]?.status === "rejected" ? (results[3].reason as Error) : undefined;
    expect(refused).toBeInstanceOf(BudgetExceededError);
    expect(refused?.message).toMatch(/3 of 3 calls used \(--budget-calls/);
    expect(model.usage()).toMatchObject({ total: { calls: 3, requests: 1 }, budgetExceeded: expect.stringMatching(/--budget-calls/) });
    const none = await chatN(model, keys(2, 5));
    expect(none.every((r) => r.status === "rejected" && r.reason instanceof BudgetExceededError)).toBe(true);
    expect(server.chatRequests).toHaveLength(1);
  });

  it("a request that fails rejects each of its choices with the error chat() would throw", async () => {
    const server = await serve([{ reply: { fault: "status", status: 400, body: { error: { message: "prompt too long", type: "invalid_request_error", param: "messages", code: null } } } }]);
    const { model } = client(server);
    const results = await chatN(model, keys(2));
    expect(results.map((r) => r.status)).toEqual(["rejected", "rejected"]);
    expect(results.map((r) => (r.status === "rejected" ? (r.reason as Error).message : ""))).toEqual([
      expect.stringMatching(/refused a generate call for problem p \(HTTP 400: .*prompt too long\)/),
      expect.stringMatching(/prompt too long/),
    ]);
    expect(model.usage().total).toMatchObject({ calls: 2, requests: 1, failedCalls: 2 });
  });

  it("holds the concurrency limit with a request for n as one slot", async () => {
    const server = await serve([{ reply: (r) => ({ content: `c${r.choice}`, delayMs: 40 }) }]);
    const { model } = client(server, { concurrency: 2 });
    await Promise.all([0, 1, 2, 3].map((i) => model.chatN!({ messages: [{ role: "user", content: `q${i}` }] }, { stage: "generate", problemId: "p", keys: keys(4) })));
    expect(server.chatRequests).toHaveLength(4);
    expect(server.maxInFlight).toBe(2);
    expect(model.usage().total).toMatchObject({ calls: 16, requests: 4 });
  });

  it("records each choice to the cassette and replays the run exactly, with no request", async () => {
    const server = await serve([numbered]);
    const file = join(await tempDir(), "n.jsonl");
    const run = async (cassette: { record?: string; replay?: string }) => {
      const model = createModelClient({ baseUrl: server.url, apiKey: "k", model: "main-model", cacheDir: null, budget: { calls: 3 }, cassette });
      const results = await chatN(model, keys(4));
      await model.close?.();
      return { results: results.map((r) => (r.status === "fulfilled" ? r.value.content : (r.reason as Error).name)), usage: model.usage() };
    };
    const recorded = await run({ record: file });
    expect(recorded.results).toEqual(["request 0 choice 0", "request 0 choice 1", "request 0 choice 2", "BudgetExceededError"]);
    const replayed = await run({ replay: file });
    expect(replayed).toEqual(recorded);
    expect(replayed.usage.total).toMatchObject({ calls: 3, requests: 1, promptTokens: 100 });
    expect(server.chatRequests).toHaveLength(1);
    expect((await readFile(file, "utf8")).trim().split("\n")).toHaveLength(5); // header, three choices and the refusal
  });
});

describe("cached prompt tokens", () => {
  const cachedRule: ScriptRule = { reply: (r) => ({ content: `c${r.choice}`, promptTokens: 1000, cachedPromptTokens: 800, completionTokens: 100 }) };
  const prices = { inputPerMTok: 2, outputPerMTok: 8, cachedInputPerMTok: 0.5 };

  it("reads usage.prompt_tokens_details.cached_tokens and prices them at the cached input price", async () => {
    const server = await serve([cachedRule]);
    for (const stream of [false, true]) {
      const { model } = client(server, { prices, stream });
      const reply = await model.chat(ask, { stage: "generate", problemId: "p", key: "k" });
      expect(reply).toMatchObject({ promptTokens: 1000, cachedPromptTokens: 800, completionTokens: 100 });
      const total = model.usage().total;
      expect(total).toMatchObject({ promptTokens: 1000, cachedPromptTokens: 800, completionTokens: 100 });
      expect(total.costUsd).toBeCloseTo(((1000 - 800) * 2 + 800 * 0.5 + 100 * 8) / 1e6, 12);
    }
  });

  it("without a cached price, cached tokens cost the input price; a server that reports none gives 0", async () => {
    const server = await serve([{ lastUser: "plain", reply: { content: "x", promptTokens: 1000, completionTokens: 100 } }, cachedRule]);
    const { model } = client(server, { prices: { inputPerMTok: 2, outputPerMTok: 8 } });
    await model.chat(ask, { stage: "generate", problemId: "p", key: "k" });
    expect(model.usage().total.costUsd).toBeCloseTo((1000 * 2 + 100 * 8) / 1e6, 12);
    const plain = await model.chat({ messages: [{ role: "user", content: "plain" }] }, { stage: "generate", problemId: "p", key: "k" });
    expect(plain.cachedPromptTokens).toBe(0);
  });

  it("with n, the request's cached tokens are on the first reply, and survive the reply cache", async () => {
    const server = await serve([cachedRule]);
    const cacheDir = await tempDir();
    const { model } = client(server, { prices, cacheDir });
    const results = await chatN(model, keys(3));
    expect(results.map((r) => (r.status === "fulfilled" ? r.value.cachedPromptTokens : -1))).toEqual([800, 0, 0]);
    expect(model.usage().total).toMatchObject({ calls: 3, requests: 1, promptTokens: 1000, cachedPromptTokens: 800, completionTokens: 300 });
    expect(model.usage().total.costUsd).toBeCloseTo((200 * 2 + 800 * 0.5 + 300 * 8) / 1e6, 12);
    const again = await chatN(client(server, { prices, cacheDir }).model, keys(1));
    expect(again[0]).toMatchObject({ status: "fulfilled", value: { cached: true, cachedPromptTokens: 800 } });
  });
});
