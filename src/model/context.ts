// What every step of a model call needs: the settings, the shared concurrency limit, the ledger,
// the reply cache and cassettes, the openai client per endpoint, and what the client has learned
// about each endpoint during the run.

import OpenAI from "openai";
import pLimit, { type LimitFunction } from "p-limit";
import { Ledger } from "./budget.ts";
import { DiskCache, type CachedReply } from "./cache.ts";
import { CassetteRecorder, loadCassette, type Cassette } from "./cassette.ts";
import { DEFAULT_CONCURRENCY, DEFAULT_TIMEOUT_MS, endpointFor, retryPolicyOf, secretsOf, type Endpoint, type ModelConfig } from "./config.ts";
import { redact } from "./redact.ts";
import type { RetryPolicy, TokenParam } from "./retry.ts";
import type { ModelConfigError, Stage } from "./types.ts";

/** What the client learned about each endpoint from its answers. */
export class EndpointMemory {
  /** The token-limit parameter each endpoint+model accepts, learned from refusals. */
  readonly tokenParams = new Map<string, TokenParam>();
  /** Endpoint+models that refused `stream_options` (usage in the stream). */
  readonly noStreamOptions = new Set<string>();
  /** Endpoint+models that refused `n` or answered fewer choices than asked: one request per choice. */
  readonly oneChoice = new Set<string>();
  /** Base URLs that gave a usable reply: after that a refused connection is a restart, retried. */
  readonly answered = new Set<string>();
  /** Base URLs found unusable: every later call to them fails at once with the same error. */
  readonly dead = new Map<string, ModelConfigError>();
  /** The first failure that ends the run (a dead endpoint, a replay miss). */
  fatal: ModelConfigError | undefined;

  markDead(endpoint: Endpoint, error: ModelConfigError): ModelConfigError {
    if (!this.dead.has(endpoint.baseUrl)) this.dead.set(endpoint.baseUrl, error);
    this.fatal ??= error;
    return error;
  }
}

/** The key the memory of one endpoint and model is kept under. */
export function endpointKey(endpoint: Endpoint): string {
  return `${endpoint.baseUrl} ${endpoint.model}`;
}

/** One endpoint and the openai client that talks to it. */
export interface Target {
  endpoint: Endpoint;
  openai: OpenAI;
}

export interface ClientContext {
  config: ModelConfig;
  secrets: string[];
  /** Writes a log line, redacted. */
  log(line: string): void;
  policy: RetryPolicy;
  timeoutMs: number;
  /** Requests in flight at once, all stages together (a request for n choices is one). */
  limit: LimitFunction;
  ledger: Ledger;
  cache: DiskCache | undefined;
  /** Identical requests in flight share one HTTP call (only with a cache: same key, same reply). */
  pending: Map<string, Promise<CachedReply>>;
  memory: EndpointMemory;
  cassette: Promise<Cassette> | undefined;
  recorder: CassetteRecorder | undefined;
  /** The client's own signal (the run's --deadline). */
  deadline: AbortSignal | undefined;
  targets: Map<"main" | "judge", Target>;
}

export function createContext(config: ModelConfig): ClientContext {
  const secrets = secretsOf(config);
  const cassette = config.cassette?.replay !== undefined ? loadCassette(config.cassette.replay) : undefined;
  // Don't leave a rejected promise unobserved before the first call looks at it.
  cassette?.catch(() => undefined);
  return {
    config,
    secrets,
    log: (line) => config.log?.(redact(line, secrets)),
    policy: retryPolicyOf(config),
    timeoutMs: config.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    limit: pLimit(config.concurrency ?? DEFAULT_CONCURRENCY),
    ledger: new Ledger(config.budget, config.prices),
    cache: config.cacheDir ? new DiskCache(config.cacheDir) : undefined,
    pending: new Map(),
    memory: new EndpointMemory(),
    cassette,
    recorder:
      config.cassette?.record !== undefined ? new CassetteRecorder(config.cassette.record, { model: config.model, judgeModel: config.judge?.model ?? config.model }, (text) => redact(text, secrets)) : undefined,
    deadline: config.signal,
    targets: new Map(),
  };
}

/** The endpoint a stage goes to, with its openai client (made once per endpoint). */
export function targetFor(ctx: ClientContext, stage: Stage): Target {
  const endpoint = endpointFor(ctx.config, stage);
  let found = ctx.targets.get(endpoint.role);
  if (found === undefined) {
    found = {
      endpoint,
      openai: new OpenAI({
        baseURL: endpoint.baseUrl,
        apiKey: endpoint.apiKey,
        // Our retry policy, not the client's: testable, and it honours our limits and budget.
        maxRetries: 0,
        timeout: ctx.timeoutMs,
        ...(Object.keys(endpoint.query).length > 0 ? { defaultQuery: endpoint.query } : {}),
        ...(ctx.config.headers !== undefined ? { defaultHeaders: ctx.config.headers } : {}),
        // The client's own logger would bypass redaction.
        logLevel: "off",
      }),
    };
    ctx.targets.set(endpoint.role, found);
  }
  return found;
}

export function describe(endpoint: Endpoint): string {
  return `${endpoint.role === "judge" ? "judge " : ""}model ${endpoint.model} at ${endpoint.baseUrl}`;
}
