// The model client: one OpenAI-compatible chat-completions client for every S* stage, with a
// shared concurrency limit, our own retry policy, a hard budget, accounting and a reply cache.

import OpenAI from "openai";
import pLimit from "p-limit";
import { setTimeout as sleep } from "node:timers/promises";
import { Ledger, estimateTokens } from "./budget.ts";
import { DiskCache, cacheKey, type CachedReply } from "./cache.ts";
import { DEFAULT_CONCURRENCY, DEFAULT_TIMEOUT_MS, endpointFor, retryPolicyOf, secretsOf, validateModelConfig, type Endpoint, type ModelConfig } from "./config.ts";
import { CassetteRecorder, loadCassette, missMessage, requestId, type Cassette, type CassetteEntry } from "./cassette.ts";
import { ModelCallAborted, ModelCallError, ModelEndpointError, OfflineCacheMissError, ReplayMissError } from "./errors.ts";
import { redact } from "./redact.ts";
import { classifyFailure, otherTokenParam, parseRetryAfter, rejectsStreamOptions, rejectsTokenParam, retryDelay, type Failure, type TokenParam } from "./retry.ts";
import { ModelConfigError, type CallMeta, type ChatReply, type ChatRequest, type ModelClient, type Stage } from "./types.ts";

/** Thrown inside the attempt loop for a 200 reply we can't use. */
class BadReply extends Error {
  /** The body was not JSON at all (a web page, a proxy's text). */
  notJson = false;
  constructor(
    readonly kind: "malformed" | "empty-choices",
    message: string,
  ) {
    super(message);
  }
}

/** Thrown when a streamed reply sends nothing for the timeout: retried like a timeout. */
class StreamIdle extends Error {}

interface Completion {
  content: string;
  finishReason: string;
  usage: { prompt_tokens?: unknown; completion_tokens?: unknown } | undefined;
  model: unknown;
}

/**
 * One streamed chat completion, read to the end. The timeout is an idle timeout here: a long
 * reply that keeps sending chunks is never cut off, a stream that goes silent is.
 */
async function streamCompletion(openai: OpenAI, body: Record<string, unknown>, idleMs: number, signal: AbortSignal | undefined): Promise<Completion> {
  const abort = new AbortController();
  const cancel = (): void => abort.abort();
  const silent = (): StreamIdle => new StreamIdle(`no data for ${(idleMs / 1000).toFixed(1)}s while streaming`);
  signal?.addEventListener("abort", cancel, { once: true });
  let idle = false;
  let timer: NodeJS.Timeout | undefined;
  const arm = (): void => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      idle = true;
      abort.abort();
    }, idleMs);
  };
  arm();
  try {
    const stream = await openai.chat.completions.create({ ...body, stream: true } as unknown as OpenAI.Chat.ChatCompletionCreateParamsStreaming, {
      signal: abort.signal,
    });
    let content = "";
    let finishReason: string | undefined;
    let usage: Completion["usage"];
    let model: unknown;
    let choices = false;
    for await (const part of stream as AsyncIterable<Partial<OpenAI.Chat.ChatCompletionChunk>>) {
      arm();
      if (typeof part !== "object" || part === null) throw new BadReply("malformed", "a streamed chunk is not an object");
      if (typeof part.model === "string" && part.model !== "") model = part.model;
      if (part.usage) usage = part.usage;
      const choice = Array.isArray(part.choices) ? part.choices[0] : undefined;
      if (choice === undefined) continue;
      choices = true;
      if (typeof choice.delta?.content === "string") content += choice.delta.content;
      if (typeof choice.finish_reason === "string") finishReason = choice.finish_reason;
    }
    // An abort can end the iteration quietly instead of throwing.
    if (idle) throw silent();
    if (abort.signal.aborted) throw new Error("the stream was cancelled");
    if (!choices) throw new BadReply("empty-choices", "streamed reply has no choices");
    return { content, finishReason: finishReason ?? "unknown", usage, model };
  } catch (error) {
    if (idle) throw silent();
    throw error;
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener("abort", cancel);
  }
}

/** One non-streamed chat completion. */
async function completeOnce(openai: OpenAI, body: Record<string, unknown>, signal: AbortSignal | undefined): Promise<Completion> {
  const completion = (await openai.chat.completions.create(
    body as unknown as OpenAI.Chat.ChatCompletionCreateParamsNonStreaming,
    signal !== undefined ? { signal } : undefined,
  )) as unknown as
    | Partial<OpenAI.Chat.ChatCompletion>
    | string
    | undefined;
  if (typeof completion !== "object" || completion === null || !Array.isArray(completion.choices)) {
    const bad = new BadReply("malformed", typeof completion === "string" ? `reply is not JSON: ${oneLine(completion, 80)}` : "reply is not a chat completion (no choices array)");
    if (typeof completion === "string") bad.notJson = true;
    throw bad;
  }
  const choice = completion.choices[0];
  if (choice === undefined) throw new BadReply("empty-choices", "reply has no choices");
  return {
    content: typeof choice.message?.content === "string" ? choice.message.content : "",
    finishReason: typeof choice.finish_reason === "string" ? choice.finish_reason : "unknown",
    usage: completion.usage,
    model: completion.model,
  };
}

function withoutCached(reply: ChatReply): CachedReply {
  const { cached: _cached, ...rest } = reply;
  return rest;
}

function oneLine(text: string, max = 300): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > max ? `${flat.slice(0, max)}...` : flat;
}

/** Reduce whatever the openai client threw to plain data for the pure retry policy. */
export function toFailure(error: unknown, nowMs: number): Failure {
  if (error instanceof BadReply) return { kind: error.kind, message: error.message, ...(error.notJson ? { notJson: true } : {}) };
  if (error instanceof StreamIdle) return { kind: "timeout", message: error.message };
  if (error instanceof OpenAI.APIConnectionTimeoutError) return { kind: "timeout", message: "request timed out" };
  if (error instanceof OpenAI.APIConnectionError) {
    const code = connectionCode(error);
    return { kind: "connection", message: `connection failed${code !== undefined ? ` (${code})` : ""}`, ...(code !== undefined ? { code } : {}) };
  }
  if (error instanceof OpenAI.APIError && typeof error.status === "number") {
    const headers = error.headers;
    const retryAfterMs = parseRetryAfter(headers?.get("retry-after"), headers?.get("retry-after-ms"), nowMs);
    const failure: Failure = { kind: "status", status: error.status, message: error.message, param: error.param ?? null };
    if (retryAfterMs !== undefined) failure.retryAfterMs = retryAfterMs;
    return failure;
  }
  if (error instanceof SyntaxError) return { kind: "malformed", message: `reply is not valid JSON (${error.message})` };
  return { kind: "other", message: error instanceof Error ? error.message : String(error) };
}

/**
 * The deepest error code under a failed fetch (fetch -> TypeError "fetch failed" -> the socket's
 * error), or its message when it has none (undici's "bad port").
 */
function connectionCode(error: unknown): string | undefined {
  let found: string | undefined;
  let e = (error as { cause?: unknown }).cause;
  for (let depth = 0; depth < 5 && typeof e === "object" && e !== null; depth++) {
    const { code, message, cause } = e as { code?: unknown; message?: unknown; cause?: unknown };
    if (typeof code === "string" && code !== "") found = code;
    else if (found === undefined && typeof message === "string" && message !== "" && message !== "fetch failed" && (cause === undefined || cause === null)) found = message;
    e = cause;
  }
  return found;
}

interface StageSettings {
  endpoint: Endpoint;
  openai: OpenAI;
}

export function createModelClient(config: ModelConfig): ModelClient {
  validateModelConfig(config);
  const secrets = secretsOf(config);
  const log = (line: string): void => config.log?.(redact(line, secrets));
  const policy = retryPolicyOf(config);
  const timeoutMs = config.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const limit = pLimit(config.concurrency ?? DEFAULT_CONCURRENCY);
  const ledger = new Ledger(config.budget, config.prices);
  const cache = config.cacheDir ? new DiskCache(config.cacheDir) : undefined;
  /** Identical requests in flight share one HTTP call (only with a cache: same key, same reply). */
  const pending = new Map<string, Promise<CachedReply>>();
  /** The token-limit parameter each endpoint+model accepts, learned from refusals. */
  const tokenParams = new Map<string, TokenParam>();
  /** Endpoint+models that refused `stream_options` (usage in the stream). */
  const noStreamOptions = new Set<string>();
  /** Base URLs that gave a usable reply: after that a refused connection is a restart, retried. */
  const answered = new Set<string>();
  /** Base URLs found unusable: every later call to them fails at once with the same error. */
  const dead = new Map<string, ModelConfigError>();
  /** The first failure that ends the run (a dead endpoint, a replay miss). */
  let fatal: ModelConfigError | undefined;
  const cassette: Promise<Cassette> | undefined = config.cassette?.replay !== undefined ? loadCassette(config.cassette.replay) : undefined;
  // Don't leave a rejected promise unobserved before the first call looks at it.
  cassette?.catch(() => undefined);
  const recorder =
    config.cassette?.record !== undefined
      ? new CassetteRecorder(config.cassette.record, { model: config.model, judgeModel: config.judge?.model ?? config.model })
      : undefined;
  const deadline = config.signal;

  const settings = new Map<"main" | "judge", StageSettings>();
  function settingsFor(stage: Stage): StageSettings {
    const endpoint = endpointFor(config, stage);
    let found = settings.get(endpoint.role);
    if (found === undefined) {
      found = {
        endpoint,
        openai: new OpenAI({
          baseURL: endpoint.baseUrl,
          apiKey: endpoint.apiKey,
          // Our retry policy, not the client's: testable, and it honours our limits and budget.
          maxRetries: 0,
          timeout: timeoutMs,
          ...(Object.keys(endpoint.query).length > 0 ? { defaultQuery: endpoint.query } : {}),
          ...(config.headers !== undefined ? { defaultHeaders: config.headers } : {}),
          // The client's own logger would bypass redaction.
          logLevel: "off",
        }),
      };
      settings.set(endpoint.role, found);
    }
    return found;
  }

  function describe(endpoint: Endpoint): string {
    return `${endpoint.role === "judge" ? "judge " : ""}model ${endpoint.model} at ${endpoint.baseUrl}`;
  }

  function configError(endpoint: Endpoint, failure: Failure): ModelConfigError {
    const judge = endpoint.role === "judge";
    // Names as the user sets them: environment, CLI flag, action input.
    const keySetting = judge ? "SSTAR_JUDGE_API_KEY (action input judge-api-key)" : "OPENAI_API_KEY (action input api-key)";
    const modelSetting = judge ? "SSTAR_JUDGE_MODEL / --judge-model (action input judge-model)" : "SSTAR_MODEL / --model (action input model)";
    const urlSetting = judge ? "SSTAR_JUDGE_BASE_URL (action input judge-base-url)" : "OPENAI_BASE_URL / --base-url (action input base-url)";
    const said = `HTTP ${failure.status}: ${oneLine(failure.message, 200)}`;
    const text =
      failure.status === 401
        ? `${describe(endpoint)}: the API key was refused (${said}); check ${keySetting}`
        : failure.status === 403
          ? `${describe(endpoint)}: access denied (${said}); check that ${keySetting} may use this model`
          : `${describe(endpoint)}: no such model or route (${said}); check ${modelSetting} and ${urlSetting}`;
    return new ModelConfigError(redact(text, secrets));
  }

  async function send(request: ChatRequest, meta: CallMeta, stage: StageSettings, temperature: number | undefined, maxTokens: number | undefined): Promise<{ reply: CachedReply; retries: number }> {
    const { endpoint, openai } = stage;
    const paramKey = `${endpoint.baseUrl} ${endpoint.model}`;
    const configured = config.tokenParam ?? "auto";
    let switched = false;
    let retries = 0;
    for (;;) {
      const param: TokenParam = configured === "auto" ? (tokenParams.get(paramKey) ?? "max_completion_tokens") : configured;
      const body: Record<string, unknown> = { model: endpoint.model, messages: request.messages };
      if (temperature !== undefined) body.temperature = temperature;
      if (maxTokens !== undefined) body[param] = maxTokens;
      const usageOption = config.stream === true && !noStreamOptions.has(paramKey);
      if (usageOption) body.stream_options = { include_usage: true };
      try {
        const { content, finishReason, usage, model } =
          config.stream === true ? await streamCompletion(openai, body, timeoutMs, request.signal) : await completeOnce(openai, body, request.signal);
        answered.add(endpoint.baseUrl);
        const count = (value: unknown, fallback: number): number =>
          typeof value === "number" && Number.isInteger(value) && value >= 0 ? value : fallback;
        return {
          retries,
          reply: {
            content,
            finishReason,
            // Servers that report no usage (some proxies, old llama.cpp) get our own estimate.
            promptTokens: count(usage?.prompt_tokens, estimateTokens(request.messages.map((m) => m.content).join("\n"))),
            completionTokens: count(usage?.completion_tokens, estimateTokens(content)),
            model: typeof model === "string" && model !== "" ? model : endpoint.model,
          },
        };
      } catch (error) {
        if (request.signal?.aborted === true) throw aborted(meta, retries + 1);
        const failure = toFailure(error, Date.now());
        if (usageOption && rejectsStreamOptions(failure)) {
          noStreamOptions.add(paramKey);
          log(`model: ${describe(endpoint)} refused stream_options; streaming without usage from now on (tokens are estimated)`);
          continue;
        }
        if (configured === "auto" && maxTokens !== undefined && !switched && rejectsTokenParam(failure, param)) {
          switched = true;
          tokenParams.set(paramKey, otherTokenParam(param));
          log(`model: ${describe(endpoint)} refused ${param}; sending ${otherTokenParam(param)} from now on`);
          continue;
        }
        const what = `${meta.stage} call for problem ${meta.problemId}`;
        const action = classifyFailure(failure, answered.has(endpoint.baseUrl));
        const said = `${failure.status !== undefined ? `HTTP ${failure.status}: ` : ""}${oneLine(failure.message, 200)}`;
        if (action.action === "config") throw markDead(endpoint, configError(endpoint, failure));
        if (action.action === "endpoint") {
          const urlSetting = endpoint.role === "judge" ? "--judge-base-url / SSTAR_JUDGE_BASE_URL (action input judge-base-url)" : "--base-url / OPENAI_BASE_URL (action input base-url)";
          throw markDead(endpoint, new ModelEndpointError(redact(`model endpoint ${endpoint.baseUrl}: ${action.what}; check ${urlSetting}`, secrets), endpoint.baseUrl));
        }
        if (action.action === "fail") {
          throw new ModelCallError(redact(`${describe(endpoint)} refused a ${what} (${said})`, secrets), failure.status, retries + 1);
        }
        if (retries >= policy.maxRetries) {
          throw new ModelCallError(
            redact(`${describe(endpoint)} failed a ${what} after ${retries + 1} attempts (last: ${said}); the server may be down or overloaded`, secrets),
            failure.status,
            retries + 1,
          );
        }
        const delay = retryDelay(retries, failure.retryAfterMs, policy, Math.random());
        retries++;
        log(`model: ${said} from ${describe(endpoint)} on a ${what}; retry ${retries}/${policy.maxRetries} in ${(delay / 1000).toFixed(1)}s`);
        try {
          await sleep(delay, undefined, request.signal !== undefined ? { signal: request.signal } : undefined);
        } catch {
          throw aborted(meta, retries);
        }
      }
    }
  }

  function markDead(endpoint: Endpoint, error: ModelConfigError): ModelConfigError {
    if (!dead.has(endpoint.baseUrl)) dead.set(endpoint.baseUrl, error);
    fatal ??= error;
    return error;
  }

  /** A recorded exchange, counted as the recording counted it (so budgets stop at the same call). */
  async function replayed(entry: CassetteEntry, request: ChatRequest, meta: CallMeta, maxTokens: number | undefined): Promise<ChatReply> {
    if (request.signal?.aborted === true) throw aborted(meta, 0);
    if (entry.cached === true && entry.reply !== undefined) {
      ledger.cached(meta.stage, meta.problemId);
      return { ...entry.reply, cached: true };
    }
    const reservation = ledger.reserve(meta.stage, meta.problemId, estimateTokens(request.messages.map((m) => m.content).join("\n")), maxTokens);
    if (entry.reply === undefined) {
      const e = entry.error!;
      ledger.settle(reservation, { promptTokens: 0, completionTokens: 0, retries: Math.max(0, e.attempts - 1), failed: true });
      throw new ModelCallError(e.message, e.status, e.attempts);
    }
    ledger.settle(reservation, { promptTokens: entry.reply.promptTokens, completionTokens: entry.reply.completionTokens, retries: 0, failed: false });
    return { ...entry.reply, cached: false };
  }

  async function chat(original: ChatRequest, meta: CallMeta): Promise<ChatReply> {
    // The client's own signal (the run's --deadline) cancels every call like the caller's.
    const signals = [original.signal, deadline].filter((x): x is AbortSignal => x !== undefined);
    const request: ChatRequest = signals.length > 1 ? { ...original, signal: AbortSignal.any(signals) } : { ...original, ...(signals[0] ? { signal: signals[0] } : {}) };
    if (fatal instanceof ReplayMissError) throw fatal;
    const stage = settingsFor(meta.stage);
    const temperature = request.temperature ?? config.temperature;
    const maxTokens = request.maxTokens ?? config.maxTokens;
    const started = performance.now();
    const id =
      cassette !== undefined || recorder !== undefined
        ? requestId({ stage: meta.stage, problemId: meta.problemId, key: meta.key, messages: request.messages, temperature, maxTokens })
        : "";
    const entryOf = (fields: Pick<CassetteEntry, "reply" | "cached" | "error">): CassetteEntry => ({
      id,
      stage: meta.stage,
      problemId: meta.problemId,
      key: meta.key ?? null,
      ...fields,
      ms: Math.round(performance.now() - started),
    });
    if (cassette !== undefined) {
      const recorded = await cassette;
      const entry = recorded.byId.get(id);
      if (entry !== undefined) {
        try {
          const reply = await replayed(entry, request, meta, maxTokens);
          recorder?.add(entryOf({ reply: withoutCached(reply), ...(reply.cached ? { cached: true } : {}) }));
          return reply;
        } catch (error) {
          if (error instanceof ModelCallError) recorder?.add(entryOf({ error: { message: error.message, ...(error.status !== undefined ? { status: error.status } : {}), attempts: error.attempts } }));
          throw error;
        }
      }
      if (config.cassette?.fallthrough !== true) {
        // A call the recording's budget refused was never recorded: refuse it the same way.
        ledger.release(ledger.reserve(meta.stage, meta.problemId, estimateTokens(request.messages.map((m) => m.content).join("\n")), maxTokens));
        const miss = new ReplayMissError(missMessage(recorded, meta, id));
        fatal ??= miss;
        throw fatal;
      }
    }
    const gone = dead.get(stage.endpoint.baseUrl);
    if (gone !== undefined) throw gone;
    try {
      const reply = await live(request, meta, stage, temperature, maxTokens);
      recorder?.add(entryOf({ reply: withoutCached(reply), ...(reply.cached ? { cached: true } : {}) }));
      return reply;
    } catch (error) {
      // A final failure is part of the run (the engine decided on it); a cancel or a budget refusal is not an exchange.
      if (error instanceof ModelCallError) recorder?.add(entryOf({ error: { message: error.message, ...(error.status !== undefined ? { status: error.status } : {}), attempts: error.attempts } }));
      throw error;
    }
  }

  async function live(request: ChatRequest, meta: CallMeta, stage: StageSettings, temperature: number | undefined, maxTokens: number | undefined): Promise<ChatReply> {
    const key = cache
      ? cacheKey({ baseUrl: stage.endpoint.baseUrl, model: stage.endpoint.model, messages: request.messages, temperature, maxTokens, key: meta.key })
      : undefined;

    if (cache !== undefined && key !== undefined) {
      // An identical request in flight (same key) shares its reply; check again after the disk
      // read, since another caller may have started it meanwhile.
      let hit: CachedReply | undefined;
      let shared = pending.get(key);
      if (shared === undefined) {
        hit = await cache.get(key);
        if (hit === undefined) shared = pending.get(key);
      }
      if (shared !== undefined) hit = await shared.catch(() => undefined);
      if (hit !== undefined) {
        ledger.cached(meta.stage, meta.problemId);
        return { ...hit, cached: true };
      }
      if (config.offline) {
        throw new OfflineCacheMissError(
          `offline replay: no cached reply for a ${meta.stage} call of problem ${meta.problemId}` +
            `${meta.key !== undefined ? ` (key ${meta.key})` : ""} to ${describe(stage.endpoint)} in ${cache.dir}; ` +
            `the recorded run doesn't cover this request: run online to record it`,
        );
      }
    }

    if (request.signal?.aborted === true) throw aborted(meta, 0);
    const promptEstimate = estimateTokens(request.messages.map((m) => m.content).join("\n"));
    const reservation = ledger.reserve(meta.stage, meta.problemId, promptEstimate, maxTokens);
    const call = limit(async () => {
      // Cancelled while it waited for a slot: it never reached the server, so nothing is counted.
      if (request.signal?.aborted === true) {
        ledger.release(reservation);
        throw aborted(meta, 0);
      }
      try {
        const { reply, retries } = await send(request, meta, stage, temperature, maxTokens);
        ledger.settle(reservation, { promptTokens: reply.promptTokens, completionTokens: reply.completionTokens, retries, failed: false });
        return reply;
      } catch (error) {
        const attempts = error instanceof ModelCallError || error instanceof ModelCallAborted ? error.attempts : 1;
        ledger.settle(reservation, { promptTokens: 0, completionTokens: 0, retries: Math.max(0, attempts - 1), failed: true });
        throw error;
      }
    });
    if (cache === undefined || key === undefined) return { ...(await call), cached: false };
    // Stored before the pending entry goes, so an identical request never falls between the two.
    const stored = call.then(async (reply) => {
      // A reply we can't store is still a reply: log and go on.
      await cache.put(key, reply).catch((error: unknown) => log(`model: could not write the reply cache in ${cache.dir}: ${(error as Error).message}`));
      return reply;
    });
    pending.set(key, stored);
    try {
      return { ...(await stored), cached: false };
    } finally {
      if (pending.get(key) === stored) pending.delete(key);
    }
  }

  return {
    chat,
    usage: () => ledger.snapshot(),
    fatal: () => fatal,
    close: async () => {
      await recorder?.flush();
    },
  };

  function aborted(meta: CallMeta, attempts: number): ModelCallAborted {
    const why = deadline?.aborted === true ? " (the run's deadline passed)" : "";
    return new ModelCallAborted(`the ${meta.stage} call for problem ${meta.problemId} was cancelled${why}`, attempts);
  }
}
