// The model client's public contract, shared by every stage of the engine.

export interface ChatMessage {
  role: "system" | "user" | "assistant";
  content: string;
}

/** Stages of S*; the judge model (when configured) serves synthesize, judge and separate. */
export type Stage = "generate" | "debug" | "synthesize" | "separate" | "judge";
export const JUDGE_STAGES: readonly Stage[] = ["synthesize", "separate", "judge"];

export interface ChatRequest {
  messages: ChatMessage[];
  temperature?: number;
  maxTokens?: number;
  /** Cancels the call wherever it is (queued, in flight, waiting to retry): it rejects with ModelCallAborted. */
  signal?: AbortSignal;
}

export interface CallMeta {
  stage: Stage;
  problemId: string;
  /** Distinguishes otherwise identical requests (sample index, round): part of the cache key. */
  key?: string;
}

export interface ChatReply {
  content: string;
  /** stop, length, content_filter, ... as the server said. */
  finishReason: string;
  /** Prompt tokens, cached ones included. */
  promptTokens: number;
  /** Of the prompt tokens, those the provider served from its prompt cache (`usage.prompt_tokens_details.cached_tokens`); 0 when not reported. */
  cachedPromptTokens: number;
  completionTokens: number;
  /** Served from the on-disk cache: no HTTP request was made. */
  cached: boolean;
  model: string;
}

export interface StageUsage {
  /** Completions asked for (a request for n choices is n calls), failed ones included. */
  calls: number;
  /** HTTP requests those calls took (fewer than `calls` when one request asked for several choices). Optional: added by the model client. */
  requests?: number;
  cachedCalls: number;
  /** Prompt tokens, cached ones included. */
  promptTokens: number;
  /** Of the prompt tokens, those the provider's prompt cache served (priced at the cached input price). Optional: added by the model client. */
  cachedPromptTokens?: number;
  completionTokens: number;
  costUsd: number;
  /** HTTP attempts beyond the first (429, 5xx, timeouts, ...). Optional: added by the model client. */
  retries?: number;
  /** Calls that ended in an error after retries (still counted in `calls`). */
  failedCalls?: number;
}

export interface UsageSnapshot {
  total: StageUsage;
  byStage: Partial<Record<Stage, StageUsage>>;
  byProblem: Record<string, StageUsage>;
  /** Per problem, per stage (each stage's cost priced from its own tokens). Optional: added by the model client. */
  byProblemStage?: Record<string, Partial<Record<Stage, StageUsage>>>;
  /** Prices were given, so `costUsd` is a cost; false: every cost is 0 because nothing was priced. Optional: added by the model client. */
  priced?: boolean;
  /** Set once a call was refused by the budget: the first refusal's one-line reason. */
  budgetExceeded?: string;
}

export interface ModelClient {
  chat(request: ChatRequest, meta: CallMeta): Promise<ChatReply>;
  /**
   * N = keys.length completions of one prompt, in key order, one settled result per key: where
   * the endpoint takes `n`, one request asks for all the choices not already cached (each choice
   * is cached and recorded under its own key, as chat() with that key would be); an endpoint
   * that refuses `n` or answers fewer choices gets separate requests for the missing ones (and
   * keeps getting them). A choice that could not be had is rejected with the error chat() would
   * throw; one failed choice never loses the others. Each choice is a call for the budget; when
   * not all fit, as many as fit are asked for and the rest are rejected with BudgetExceededError.
   * Usage: the request's prompt tokens (and cached prompt tokens) are on the first reply that
   * request produced, 0 on the others; its completion tokens are split over its choices in
   * proportion to their text length; so the sums over the replies equal the request's usage.
   */
  chatN?(request: ChatRequest, meta: CallMeta & { keys: string[] }): Promise<PromiseSettledResult<ChatReply>[]>;
  usage(): UsageSnapshot;
  /** The failure that ends the run, once one happened: a dead endpoint or a replay miss (one line). */
  fatal?(): Error | undefined;
  /** Writes what is still buffered (the cassette being recorded); throws when it can't. */
  close?(): Promise<void>;
}

/** Thrown (before the call is made) when the next call would pass the configured budget. */
export class BudgetExceededError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "BudgetExceededError";
  }
}

/** A final error (bad key, unknown model, endpoint not found): retrying won't help. */
export class ModelConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ModelConfigError";
  }
}
