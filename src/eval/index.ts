// Evaluation on hidden tests, shards, merge, compare, trend: the public surface.
export {
  evaluate,
  evaluateProblem,
  gradableSpecs,
  resumeConflict,
  settingsOf,
  TOOL_NAME,
  type EvalProgress,
  type EvaluateOptions,
} from "./evaluate.ts";
export {
  comparableView,
  evalResultsJsonSchema,
  evalResultsJsonSchemaText,
  evalResultsSchema,
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
export { compareResults, wilsonInterval, type Comparison, type Interval, type ProblemChange, type RunStats } from "./compare.ts";
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
