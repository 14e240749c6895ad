// The model module's public surface: engine, action and eval import from here.
export { createModelClient } from "./client.ts";
export {
  modelConfigFromEnv,
  validateModelConfig,
  endpointFor,
  DEFAULT_BASE_URL,
  DEFAULT_CONCURRENCY,
  DEFAULT_TIMEOUT_MS,
  type ModelConfig,
  type Endpoint,
} from "./config.ts";
export { extractCode } from "./extract.ts";
export { redact } from "./redact.ts";
export { ModelCallAborted, ModelCallError, OfflineCacheMissError } from "./errors.ts";
export { cacheKey } from "./cache.ts";
export type { Budget, Prices } from "./budget.ts";
export {
  BudgetExceededError,
  ModelConfigError,
  JUDGE_STAGES,
  type ChatMessage,
  type ChatReply,
  type ChatRequest,
  type CallMeta,
  type ModelClient,
  type Stage,
  type StageUsage,
  type UsageSnapshot,
} from "./types.ts";
