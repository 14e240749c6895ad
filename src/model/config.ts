// Model configuration: the one typed object the CLI and the action build, and its validation.

import type { Budget, Prices } from "./budget.ts";
import { hasControlCharacter, unsendableKey } from "./redact.ts";
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from "./retry.ts";
import { JUDGE_STAGES, ModelConfigError, type Stage } from "./types.ts";

export interface ModelConfig {
  /** OpenAI-compatible base URL, e.g. https://api.openai.com/v1. A query string (Azure's api-version) is kept and sent with every call. */
  baseUrl: string;
  apiKey: string;
  model: string;
  /** Endpoint and model for synthesize, separate and judge; each field falls back to the main one. */
  judge?: { baseUrl?: string; apiKey?: string; model?: string };
  temperature?: number;
  maxTokens?: number;
  /** Which token-limit parameter to send. "auto" (default): max_completion_tokens, switching per endpoint if refused. */
  tokenParam?: "auto" | "max_completion_tokens" | "max_tokens";
  /** Extra HTTP headers on every call (Azure's api-key, OpenRouter's HTTP-Referer, ...). */
  headers?: Record<string, string>;
  /** Per HTTP attempt; with `stream`, the longest silence in a reply. Default 300000 (5 minutes). */
  timeoutMs?: number;
  /**
   * Stream replies (server-sent events) and read them to the end: a long reply is never cut off
   * while it keeps coming, and proxies that drop idle connections see traffic. Default false.
   */
  stream?: boolean;
  /** Retries after the first attempt on 429, 5xx, timeouts, dropped connections, bad replies. Default 5. */
  maxRetries?: number;
  /** Calls in flight at once, shared by every stage. Default 8. */
  concurrency?: number;
  budget?: Budget;
  prices?: Prices;
  /** Reply cache directory; null or undefined: no cache. The CLI defaults it to .sstar-cache/model. */
  cacheDir?: string | null;
  /** Serve only from the cache: a miss is an error (replaying a recorded run). */
  offline?: boolean;
  /** Record every exchange to a cassette file, or serve them from one (see cassette.ts). */
  cassette?: { record?: string; replay?: string; fallthrough?: boolean };
  /** Cancels every call of this client (a run's deadline): calls reject with ModelCallAborted. */
  signal?: AbortSignal;
  /** Where log lines go (already redacted). */
  log?: (line: string) => void;
  /** Backoff tuning (milliseconds): first step, step ceiling, and the ceiling on a server's Retry-After. */
  retry?: { baseDelayMs?: number; maxDelayMs?: number; maxRetryAfterMs?: number };
}

export const DEFAULT_TIMEOUT_MS = 300_000;
export const DEFAULT_CONCURRENCY = 8;
export const DEFAULT_BASE_URL = "https://api.openai.com/v1";

export interface Endpoint {
  /** "main" or "judge": which configuration the call used. */
  role: "main" | "judge";
  /** Base URL without its query string. */
  baseUrl: string;
  /** Query parameters from the configured base URL (Azure's api-version). */
  query: Record<string, string>;
  apiKey: string;
  model: string;
}

export function splitBaseUrl(raw: string, setting: string): { baseUrl: string; query: Record<string, string> } {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ModelConfigError(`${setting} is not a URL: ${JSON.stringify(raw)} (expected something like https://api.openai.com/v1)`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new ModelConfigError(`${setting} must be an http(s) URL, got ${JSON.stringify(url.protocol)}`);
  }
  if (url.username !== "" || url.password !== "") {
    // fetch refuses such URLs, and they would print a secret wherever the endpoint is named.
    throw new ModelConfigError(`${setting} must not contain a user name or password: give the key as OPENAI_API_KEY (action input: api-key)`);
  }
  const query = Object.fromEntries(url.searchParams.entries());
  url.search = "";
  url.hash = "";
  return { baseUrl: url.toString().replace(/\/+$/, ""), query };
}

/** The endpoint a stage's calls go to. */
export function endpointFor(config: ModelConfig, stage: Stage): Endpoint {
  const judge = JUDGE_STAGES.includes(stage) && config.judge !== undefined;
  const rawBase = (judge ? config.judge?.baseUrl : undefined) ?? config.baseUrl;
  const { baseUrl, query } = splitBaseUrl(rawBase, judge && config.judge?.baseUrl !== undefined ? "judge base URL" : "base URL");
  return {
    role: judge ? "judge" : "main",
    baseUrl,
    query,
    apiKey: (judge ? config.judge?.apiKey : undefined) ?? config.apiKey,
    model: (judge ? config.judge?.model : undefined) ?? config.model,
  };
}

export function retryPolicyOf(config: ModelConfig): RetryPolicy {
  return {
    maxRetries: config.maxRetries ?? DEFAULT_RETRY_POLICY.maxRetries,
    baseDelayMs: config.retry?.baseDelayMs ?? DEFAULT_RETRY_POLICY.baseDelayMs,
    maxDelayMs: config.retry?.maxDelayMs ?? DEFAULT_RETRY_POLICY.maxDelayMs,
    maxRetryAfterMs: config.retry?.maxRetryAfterMs ?? DEFAULT_RETRY_POLICY.maxRetryAfterMs,
  };
}

/** Every secret the configuration holds, for redact(). */
/** The key sent to a local endpoint (Ollama, vLLM, llama.cpp, the local model) when none is set: they take any. */
export const NO_KEY_PLACEHOLDER = "none";

export function secretsOf(config: ModelConfig): string[] {
  const secrets = [config.apiKey, config.judge?.apiKey ?? ""];
  for (const [name, value] of Object.entries(config.headers ?? {})) {
    if (/key|token|auth|secret|cookie/i.test(name)) secrets.push(value.replace(/^Bearer\s+/i, ""));
  }
  // "none" is the placeholder key sent to a local endpoint when no key is set, not a secret.
  return secrets.filter((s) => s.length > 0 && s !== NO_KEY_PLACEHOLDER);
}

function checkNumber(value: number | undefined, setting: string, rule: { min: number; integer?: boolean; max?: number }): void {
  if (value === undefined) return;
  const ok = Number.isFinite(value) && value >= rule.min && (rule.max === undefined || value <= rule.max) && (!rule.integer || Number.isInteger(value));
  if (!ok) {
    const kind = rule.integer ? "an integer" : "a number";
    const range = rule.max === undefined ? `>= ${rule.min}` : `from ${rule.min} to ${rule.max}`;
    throw new ModelConfigError(`${setting} must be ${kind} ${range}, got ${String(value)}`);
  }
}

/** A key goes in a header: one that can't is a configuration error before any call, and the message never holds it. */
function checkKey(key: string, setting: string): void {
  const why = unsendableKey(key);
  if (why !== null) throw new ModelConfigError(`${setting} ${why}: it can't be sent in an HTTP header; set it again as the bare key`);
}

/** Throws ModelConfigError naming the first bad setting. */
export function validateModelConfig(config: ModelConfig): void {
  if (!config.model) throw new ModelConfigError("no model set: pass --model <name> or set SSTAR_MODEL (action input: model)");
  if (!config.apiKey) throw new ModelConfigError("no API key set: set OPENAI_API_KEY (action input: api-key)");
  checkKey(config.apiKey, "the API key (OPENAI_API_KEY; action input api-key)");
  if (config.judge?.apiKey !== undefined) checkKey(config.judge.apiKey, "the judge's API key (SSTAR_JUDGE_API_KEY; action input judge-api-key)");
  // Other headers may hold spaces ("X-Title: my app"), never a control character.
  for (const [name, value] of Object.entries(config.headers ?? {})) {
    if (hasControlCharacter(value)) throw new ModelConfigError(`the value of header ${JSON.stringify(name)} holds a control character: it can't be sent in an HTTP header`);
  }
  splitBaseUrl(config.baseUrl, "base URL");
  if (config.judge?.baseUrl !== undefined) splitBaseUrl(config.judge.baseUrl, "judge base URL");
  checkNumber(config.temperature, "temperature (--temperature)", { min: 0, max: 2 });
  checkNumber(config.maxTokens, "max tokens", { min: 1, integer: true });
  checkNumber(config.timeoutMs, "the call timeout (--timeout; action input timeout), in milliseconds,", { min: 1 });
  checkNumber(config.maxRetries, "max retries (--max-retries; action input max-retries)", { min: 0, integer: true });
  checkNumber(config.concurrency, "concurrency (--concurrency)", { min: 1, integer: true });
  checkNumber(config.budget?.calls, "the call budget (--budget-calls)", { min: 0, integer: true });
  checkNumber(config.budget?.tokens, "the token budget (--budget-tokens)", { min: 0, integer: true });
  checkNumber(config.budget?.costUsd, "the dollar budget (--budget-usd)", { min: 0 });
  checkNumber(config.budget?.perProblem?.calls, "the per-problem call budget (--budget-per-problem calls=N)", { min: 0, integer: true });
  checkNumber(config.budget?.perProblem?.tokens, "the per-problem token budget (--budget-per-problem tokens=N)", { min: 0, integer: true });
  checkNumber(config.budget?.perProblem?.costUsd, "the per-problem dollar budget (--budget-per-problem usd=X)", { min: 0 });
  checkNumber(config.prices?.inputPerMTok, "the input price (--price-input; action input price-input)", { min: 0 });
  checkNumber(config.prices?.outputPerMTok, "the output price (--price-output; action input price-output)", { min: 0 });
  checkNumber(config.prices?.cachedInputPerMTok, "the cached input price (--price-cached-input; action input price-cached-input)", { min: 0 });
  checkNumber(config.prices?.judgeInputPerMTok, "prices.judgeInputPerMTok", { min: 0 });
  checkNumber(config.prices?.judgeOutputPerMTok, "prices.judgeOutputPerMTok", { min: 0 });
  checkNumber(config.retry?.baseDelayMs, "retry.baseDelayMs", { min: 0 });
  checkNumber(config.retry?.maxDelayMs, "retry.maxDelayMs", { min: 0 });
  checkNumber(config.retry?.maxRetryAfterMs, "retry.maxRetryAfterMs", { min: 0 });
  if (config.budget?.perProblem?.costUsd !== undefined && config.prices === undefined) {
    throw new ModelConfigError("a per-problem dollar budget (--budget-per-problem usd=X) needs the model's prices: give --price-input and --price-output (action inputs price-input, price-output), US dollars per million tokens");
  }
  if (config.budget?.costUsd !== undefined && config.prices === undefined) {
    throw new ModelConfigError("a dollar budget (--budget-usd) needs the model's prices: give --price-input and --price-output (action inputs price-input, price-output), US dollars per million tokens");
  }
  if (config.offline && !config.cacheDir) {
    throw new ModelConfigError("offline replay needs a cache directory: set cacheDir (--cache-dir) to the recorded run's cache");
  }
}

function isLocalHost(baseUrl: string): boolean {
  try {
    const host = new URL(baseUrl).hostname;
    return /^(localhost|127(\.\d+){3}|\[::1\]|::1|0\.0\.0\.0|host\.docker\.internal)$/i.test(host) || host.endsWith(".local");
  } catch {
    return false;
  }
}

function env(value: string | undefined): string | undefined {
  // GitHub Actions passes unset inputs as empty strings.
  return value === undefined || value.trim() === "" ? undefined : value.trim();
}

/**
 * Build the configuration from the environment (OPENAI_API_KEY and OPENAI_BASE_URL, read as the
 * openai package reads them; SSTAR_MODEL, SSTAR_JUDGE_MODEL, SSTAR_JUDGE_BASE_URL,
 * SSTAR_JUDGE_API_KEY) with flags or action inputs as overrides (they win). A local server
 * (localhost, 127.x, *.local) needs no key. Throws ModelConfigError naming the missing setting.
 */
export function modelConfigFromEnv(environment: NodeJS.ProcessEnv, overrides: Partial<ModelConfig> = {}): ModelConfig {
  const baseUrl = env(overrides.baseUrl) ?? env(environment.OPENAI_BASE_URL) ?? DEFAULT_BASE_URL;
  const model = env(overrides.model) ?? env(environment.SSTAR_MODEL);
  if (model === undefined) throw new ModelConfigError("no model set: pass --model <name> or set SSTAR_MODEL (action input: model)");
  let apiKey = env(overrides.apiKey) ?? env(environment.OPENAI_API_KEY);
  if (apiKey === undefined) {
    // Ollama, vLLM and llama.cpp take any key; the openai client insists on one.
    if (isLocalHost(baseUrl)) apiKey = NO_KEY_PLACEHOLDER;
    else throw new ModelConfigError(`no API key for ${baseUrl}: set OPENAI_API_KEY (action input: api-key)`);
  }
  const judgeBaseUrl = env(overrides.judge?.baseUrl) ?? env(environment.SSTAR_JUDGE_BASE_URL);
  const judgeApiKey = env(overrides.judge?.apiKey) ?? env(environment.SSTAR_JUDGE_API_KEY);
  const judgeModel = env(overrides.judge?.model) ?? env(environment.SSTAR_JUDGE_MODEL);
  const judge = {
    ...(judgeBaseUrl !== undefined ? { baseUrl: judgeBaseUrl } : {}),
    ...(judgeApiKey !== undefined ? { apiKey: judgeApiKey } : {}),
    ...(judgeModel !== undefined ? { model: judgeModel } : {}),
  };
  if (judgeBaseUrl !== undefined && judgeApiKey === undefined && !isLocalHost(judgeBaseUrl) && safeHost(judgeBaseUrl) !== safeHost(baseUrl)) {
    throw new ModelConfigError(
      `the judge endpoint ${judgeBaseUrl} is on another host than ${baseUrl} but has no key: set SSTAR_JUDGE_API_KEY (action input: judge-api-key)`,
    );
  }
  const config: ModelConfig = { ...overrides, baseUrl, apiKey, model };
  const stream = overrides.stream ?? envFlag(environment.SSTAR_STREAM, "SSTAR_STREAM");
  if (stream !== undefined) config.stream = stream;
  if (Object.keys(judge).length > 0) config.judge = judge;
  else delete config.judge;
  validateModelConfig(config);
  return config;
}

/** A yes/no environment setting: 1/true/yes or 0/false/no (any case); unset or empty: undefined. */
function envFlag(value: string | undefined, name: string): boolean | undefined {
  const v = env(value)?.toLowerCase();
  if (v === undefined) return undefined;
  if (["1", "true", "yes", "on"].includes(v)) return true;
  if (["0", "false", "no", "off"].includes(v)) return false;
  throw new ModelConfigError(`${name} must be true or false (or 1 / 0), got ${JSON.stringify(value)}`);
}

function safeHost(url: string): string | undefined {
  try {
    return new URL(url).host;
  } catch {
    return undefined;
  }
}
