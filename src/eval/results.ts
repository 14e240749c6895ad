// The evaluation results file: one run (or one shard of a run) graded on hidden tests. This zod
// schema is the single source of truth; `evalResultsJsonSchema()` is its JSON Schema.
import { z } from "zod";
import { wilsonInterval } from "./interval.ts";
import { NOT_ATTEMPTED_CAUSES } from "./outcome.ts";

export const EVAL_RESULTS_KIND = "sstar-eval-results";
/** Version 2 added `outcome`, `notAttempted` and `confirm`; version 1 files are read and upgraded. */
export const EVAL_RESULTS_VERSION = 2;

const settingValueSchema = z.union([z.string(), z.number(), z.boolean(), z.null()]);

export const shardInfoSchema = z.object({
  index: z.number().int().positive().describe("1-based shard number"),
  count: z.number().int().positive(),
  problems: z.array(z.string()).describe("ids of the problems assigned to this shard, sorted"),
});
export type ShardInfo = z.infer<typeof shardInfoSchema>;

export const evalConfigSchema = z.object({
  model: z.string(),
  judgeModel: z.string(),
  sandbox: z.string(),
  settings: z.record(z.string(), settingValueSchema).describe("solve settings that can change results (samples, rounds, selection, temperature, ...)"),
  tool: z.object({ name: z.string(), version: z.string() }),
  specSetHash: z.string().describe("hash over every evaluated spec's hash: the same problem set, in the same versions"),
  specHashes: z.record(z.string(), z.string()).describe("problem id -> spec hash, for the whole set (every shard)"),
  shard: shardInfoSchema.nullable().describe("null: the whole set (an unsharded run, or merged shards)"),
});
export type EvalConfig = z.infer<typeof evalConfigSchema>;

export const gradeSchema = z.object({
  passed: z.boolean().describe("every hidden test passed"),
  hiddenPassed: z.number().int(),
  hiddenTotal: z.number().int(),
  /** First failing hidden test, e.g. "hidden-3: wrong-answer". */
  firstFailure: z.string().optional(),
  timingSensitive: z
    .boolean()
    .optional()
    .describe("failed only by time limits, and passed every hidden test when those were run again with the limit scaled once more: a slow runner, not a wrong program"),
});
export type Grade = z.infer<typeof gradeSchema>;

export const pickSchema = gradeSchema.extend({
  strategy: z.string(),
  sample: z.number().int().nullable().describe("the sample the strategy picked; null: it picked none"),
});
export type Pick = z.infer<typeof pickSchema>;

export const evalUsageSchema = z.object({
  calls: z.number().int(),
  cachedCalls: z.number().int(),
  promptTokens: z.number().int(),
  completionTokens: z.number().int(),
  costUsd: z.number(),
  /** Of the prompt tokens, those the provider's cache served; absent in results written before. */
  cachedPromptTokens: z.number().int().optional(),
  /** HTTP requests the calls took; absent in results written before. */
  requests: z.number().int().optional(),
});
export type EvalUsage = z.infer<typeof evalUsageSchema>;

export const OUTCOMES = ["passed", "failed", "not-attempted"] as const;
export type Outcome = (typeof OUTCOMES)[number];

export const notAttemptedSchema = z.object({
  cause: z.enum(NOT_ATTEMPTED_CAUSES),
  detail: z.string().describe("what failed, in one line, as the failing component said it"),
});

export const confirmRunSchema = z.object({
  outcome: z.enum(OUTCOMES),
  hiddenPassed: z.number().int(),
  hiddenTotal: z.number().int(),
  firstFailure: z.string().optional(),
  notAttempted: notAttemptedSchema.optional(),
});
export type ConfirmRun = z.infer<typeof confirmRunSchema>;

export const problemResultSchema = z.object({
  id: z.string(),
  title: z.string(),
  specHash: z.string(),
  outcome: z.enum(OUTCOMES).describe("passed / failed: a program was selected (or none could be) and graded; not-attempted: the infrastructure failed (see notAttempted), left out of every rate"),
  notAttempted: notAttemptedSchema.optional().describe("set when outcome is not-attempted"),
  status: z.enum(["solved", "uncertain", "unsolved", "error"]).describe("the solve run's status (public tests and --min-confidence)"),
  confidence: z.number().min(0).max(1).optional().describe("the pick's confidence (report.json selection.confidence)"),
  error: z.string().optional(),
  selected: pickSchema.describe("the configured strategy's pick, graded on the hidden tests"),
  baselines: z.array(pickSchema).describe("first, majority: picks from the same samples, graded too"),
  oracle: z.object({
    passed: z.boolean().describe("some candidate passes every hidden test"),
    candidates: z.number().int().describe("distinct final programs graded"),
    passing: z.number().int(),
  }),
  usage: evalUsageSchema,
  confirm: z
    .object({
      runs: z.array(confirmRunSchema).describe("one per retry, in order"),
      usage: evalUsageSchema,
    })
    .optional()
    .describe("--confirm: the problem newly failed against the baseline and was solved again with fresh samples, no reply cache"),
  wallMs: z.number().describe("solve wall time"),
  gradeMs: z.number().describe("hidden-test grading wall time"),
  finishedAt: z.string(),
});
export type ProblemResult = z.infer<typeof problemResultSchema>;

export const calibrationSchema = z.object({
  shard: z.number().int().nullable().describe("the shard this runner graded (null: the whole set)"),
  program: z.string().describe("what was timed: the fixed calibration program"),
  referenceMs: z.number().describe("its wall time on the reference runner"),
  measuredMs: z.number().describe("its median wall time here"),
  runs: z.array(z.number()).describe("every timed run, ms"),
  scale: z.number().describe("time limits were multiplied by this (measured / reference, at least 1)"),
});
export type Calibration = z.infer<typeof calibrationSchema>;

export const evalSummarySchema = z.object({
  problems: z.number().int().describe("problems evaluated, attempted or not"),
  graded: z.number().int().describe("problems attempted: passed + failed; the denominator of every rate"),
  notAttempted: z.number().int(),
  notAttemptedByCause: z.record(z.string(), z.number().int()),
  flaky: z.number().int().describe("problems that failed but passed on a --confirm retry"),
  solved: z.number().int().describe("selected program passes every hidden test"),
  solveRate: z.number().describe("solved / graded (0 when nothing was graded)"),
  answered: z.number().int().optional().describe("graded problems the action would open a pull request for (status solved: public tests passed, confidence at least --min-confidence)"),
  answeredPassed: z.number().int().optional().describe("of the answered, those whose pick passes every hidden test"),
  solveRateLow: z.number().describe("95% Wilson interval of the solve rate, lower end (0 when nothing was graded)"),
  solveRateHigh: z.number().describe("95% Wilson interval of the solve rate, upper end (1 when nothing was graded)"),
  timingSensitive: z.number().int().describe("problems failed only by time limits that passed on the scaled-limit retry"),
  oracle: z.number().int(),
  baselines: z.record(z.string(), z.number().int()).describe("strategy -> problems its pick solved"),
  errors: z.number().int(),
  usage: evalUsageSchema,
  wallMs: z.number(),
});
export type EvalSummary = z.infer<typeof evalSummarySchema>;

export const evalResultsSchema = z.object({
  kind: z.literal(EVAL_RESULTS_KIND),
  version: z.literal(EVAL_RESULTS_VERSION),
  config: evalConfigSchema,
  skipped: z.array(z.object({ id: z.string(), reason: z.string() })).describe("specs of the set that cannot be graded (no hidden tests)"),
  problems: z.array(problemResultSchema).describe("sorted by id"),
  summary: evalSummarySchema,
  meta: z.object({
    startedAt: z.string(),
    updatedAt: z.string(),
    /** Files merged into this one. */
    mergedFrom: z.array(z.string()).optional(),
    calibration: z.array(calibrationSchema).optional().describe("the speed calibration of each runner that graded (one per shard; merged files keep them all)"),
  }),
});
export type EvalResults = z.infer<typeof evalResultsSchema>;

export function evalResultsJsonSchema(): object {
  return {
    $id: "https://github.com/sstar-action/sstar-action/schemas/eval-results.schema.json",
    title: "sstar-action evaluation results",
    ...z.toJSONSchema(evalResultsSchema, { unrepresentable: "any" }),
  };
}

/** The text of schemas/eval-results.schema.json (written by `npm run schemas`). */
export function evalResultsJsonSchemaText(): string {
  return `${JSON.stringify(evalResultsJsonSchema(), null, 2)}\n`;
}

export const zeroUsage = (): EvalUsage => ({ calls: 0, cachedCalls: 0, promptTokens: 0, completionTokens: 0, costUsd: 0 });

export function addUsage(into: EvalUsage, u: EvalUsage): void {
  into.calls += u.calls;
  into.cachedCalls += u.cachedCalls;
  into.promptTokens += u.promptTokens;
  into.completionTokens += u.completionTokens;
  into.costUsd += u.costUsd;
  into.cachedPromptTokens = (into.cachedPromptTokens ?? 0) + (u.cachedPromptTokens ?? 0);
  into.requests = (into.requests ?? 0) + (u.requests ?? 0);
}

/** Totals over problem results; every count is recomputed, never trusted from a file. */
export function summarize(problems: readonly ProblemResult[]): EvalSummary {
  const usage = zeroUsage();
  const baselines: Record<string, number> = {};
  const notAttemptedByCause: Record<string, number> = {};
  let graded = 0;
  let solved = 0;
  let oracle = 0;
  let errors = 0;
  let flaky = 0;
  let timingSensitive = 0;
  let wallMs = 0;
  let answered = 0;
  let answeredPassed = 0;
  for (const p of problems) {
    // Spending and time count whatever happened; rates count only what was graded.
    addUsage(usage, p.usage);
    if (p.confirm) addUsage(usage, p.confirm.usage);
    wallMs += p.wallMs + p.gradeMs;
    if (p.status === "error") errors++;
    if (p.outcome === "not-attempted") {
      const cause = p.notAttempted?.cause ?? "unknown";
      notAttemptedByCause[cause] = (notAttemptedByCause[cause] ?? 0) + 1;
      continue;
    }
    graded++;
    if (isFlaky(p)) flaky++;
    if (isTimingSensitive(p)) timingSensitive++;
    if (p.selected.passed) solved++;
    if (p.status === "solved") {
      answered++;
      if (p.selected.passed) answeredPassed++;
    }
    if (p.oracle.passed) oracle++;
    for (const b of p.baselines) baselines[b.strategy] = (baselines[b.strategy] ?? 0) + (b.passed ? 1 : 0);
  }
  usage.costUsd = roundUsd(usage.costUsd);
  const ci = wilsonInterval(solved, graded);
  return {
    problems: problems.length,
    graded,
    notAttempted: problems.length - graded,
    notAttemptedByCause,
    flaky,
    solved,
    solveRate: graded === 0 ? 0 : solved / graded,
    answered,
    answeredPassed,
    solveRateLow: ci.low,
    solveRateHigh: ci.high,
    timingSensitive,
    oracle,
    baselines,
    errors,
    usage,
    wallMs: Math.round(wallMs),
  };
}

/** Failed, then passed on at least one --confirm retry. */
export function isFlaky(p: ProblemResult): boolean {
  return p.outcome === "failed" && (p.confirm?.runs.some((r) => r.outcome === "passed") ?? false);
}

/** Failed only by time limits, and passed when those tests ran again with the scaled limit: the runner's speed, not the program. */
export function isTimingSensitive(p: ProblemResult): boolean {
  return p.outcome === "failed" && p.selected.timingSensitive === true;
}

/** The share of the problems that could not be attempted (0 when there are none). */
export function notAttemptedShare(summary: EvalSummary): number {
  return summary.problems === 0 ? 0 : summary.notAttempted / summary.problems;
}

/** What the run spent per solved problem (null: nothing solved), the trend's cost figure. */
export function costPerSolved(summary: { solved: number; usage: EvalUsage }): number | null {
  return summary.solved === 0 ? null : roundUsd(summary.usage.costUsd / summary.solved);
}

/** Costs add up in floating point; round to a millionth of a dollar so sums are order-independent. */
export function roundUsd(usd: number): number {
  return Math.round(usd * 1e6) / 1e6;
}

export function sortById<T extends { id: string }>(items: readonly T[]): T[] {
  return [...items].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/**
 * The part of a results file that must be equal between two runs of the same configuration on the
 * same problems: everything except wall times and timestamps (`meta`, per problem `wallMs`,
 * `gradeMs`, `finishedAt`, and the summary's `wallMs`). Three merged shards and one unsharded run
 * have equal comparable views.
 */
export function comparableView(results: EvalResults): unknown {
  const { meta: _meta, summary, problems, ...rest } = results;
  const { wallMs: _wall, ...summaryRest } = summary;
  return {
    ...rest,
    summary: summaryRest,
    problems: problems.map(({ wallMs: _w, gradeMs: _g, finishedAt: _f, ...p }) => p),
  };
}

/** Parses a results file's JSON; throws one line naming the file and the first bad field. */
export function parseEvalResults(input: unknown, file: string): EvalResults {
  let json = input;
  if (json === null || typeof json !== "object" || (json as { kind?: unknown }).kind !== EVAL_RESULTS_KIND) {
    throw new Error(`${file}: not an sstar evaluation results file (expected "kind": "${EVAL_RESULTS_KIND}")`);
  }
  const version = (json as { version?: unknown }).version;
  if (version === 1) json = upgradeV1(json as Record<string, unknown>);
  else if (version !== EVAL_RESULTS_VERSION) {
    throw new Error(`${file}: results version ${JSON.stringify(version)} is not supported (this sstar reads version ${EVAL_RESULTS_VERSION}); rerun the evaluation`);
  }
  const parsed = evalResultsSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Error(`${file}: invalid results at ${issue.path.join(".") || "(top)"}: ${issue.message}`);
  }
  // The summary is recomputed, never trusted from a file.
  return { ...parsed.data, summary: summarize(parsed.data.problems) };
}

/**
 * A version 1 file (a baseline committed before outcomes existed): every problem was attempted as
 * far as it can tell, so its outcome is its selected program's grade.
 */
function upgradeV1(json: Record<string, unknown>): unknown {
  const problems = Array.isArray(json.problems) ? json.problems : [];
  const upgraded = problems.map((p: unknown) => {
    if (p === null || typeof p !== "object") return p;
    const selected = (p as { selected?: { passed?: unknown } }).selected;
    return { ...p, outcome: selected?.passed === true ? "passed" : "failed" };
  });
  const withProblems = { ...json, version: EVAL_RESULTS_VERSION, problems: upgraded };
  // Version 1 summaries lack the new counts; the schema needs them, and they are recomputed anyway.
  const parsedProblems = z.array(problemResultSchema).safeParse(upgraded);
  return parsedProblems.success ? { ...withProblems, summary: summarize(parsedProblems.data) } : withProblems;
}
