// Evaluation on hidden tests, shards, merge, compare, trend: the public surface.
export {
  evaluate,
  evaluateProblem,
  gradableSpecs,
  resumeConflict,
  settingsOf,
  TOOL_NAME,
  type ConfirmOptions,
  type EvalProgress,
  type EvaluateOptions,
} from "./evaluate.ts";
export {
  CAUSE_TEXT,
  classifyAttempt,
  classifyError,
  errorFacts,
  NOT_ATTEMPTED_CAUSES,
  type AttemptFacts,
  type CallRecord,
  type ErrorFacts,
  type NotAttempted,
  type NotAttemptedCause,
} from "./outcome.ts";
export { mcnemarExactP, minDiscordantToReject } from "./mcnemar.ts";
export {
  calibrate,
  calibrationScale,
  scaledSpec,
  CALIBRATION_PROGRAM,
  CALIBRATION_REFERENCE_MS,
  MAX_CALIBRATION_SCALE,
  TIMING_RETRY_FACTOR,
} from "./calibrate.ts";
export {
  comparableView,
  evalResultsJsonSchema,
  evalResultsJsonSchemaText,
  evalResultsSchema,
  isFlaky,
  isTimingSensitive,
  notAttemptedShare,
  type Calibration,
  OUTCOMES,
  type ConfirmRun,
  type Outcome,
  EVAL_RESULTS_KIND,
  EVAL_RESULTS_VERSION,
  parseEvalResults,
  summarize,
  type EvalConfig,
  type EvalResults,
  type EvalSummary,
  type Grade,
  type Pick,
  type ProblemResult,
  type ShardInfo,
} from "./results.ts";
export {
  COST_MODEL,
  estimateSpecCost,
  measuredCosts,
  parseShard,
  partition,
  selectShard,
  specCosts,
  type CostItem,
  type ShardSelector,
} from "./shard.ts";
export { evalProgressLine } from "./progress.ts";
export { configDifference, mergeResults, MergeError } from "./merge.ts";
export {
  compareResults,
  DEFAULT_ALPHA,
  DEFAULT_MAX_DROP_PP,
  DEFAULT_MAX_NOT_ATTEMPTED_PCT,
  formatP,
  runIncompleteness,
  wilsonInterval,
  type CompareOptions,
  type Comparison,
  type Decision,
  type DecisionRule,
  type Interval,
  type NotAttemptedProblem,
  type Paired,
  type ProblemChange,
  type RunStats,
} from "./compare.ts";
export {
  appendTrend,
  DEFAULT_TREND_POINTS,
  emptyTrend,
  parseTrend,
  renderTrendMarkdown,
  sparkline,
  trendMermaid,
  type Trend,
  type TrendPoint,
} from "./trend.ts";
export {
  incompleteComment,
  regressionIssue,
  renderComparisonMarkdown,
  renderResultsMarkdown,
  REGRESSION_ISSUE_MARKER,
  REGRESSION_ISSUE_TITLE,
} from "./render.ts";
export { readResultsFile, readResultsIfExists, readTrendFile, writeJsonAtomic } from "./files.ts";
export {
  appendSummary,
  runCompareJob,
  runEvalJob,
  runMergeJob,
  type CompareJobOptions,
  type CompareJobResult,
  type EvalJobOptions,
} from "./jobs.ts";
export { canonicalJson, specHash, specSetHash } from "./hash.ts";
