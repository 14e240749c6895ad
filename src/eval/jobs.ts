// The three evaluation jobs as the CLI and the action's `schedule` mode run them: read files,
// call the pure core, write files. Everything decided here is decided by the functions they call.
import { appendFile, mkdir } from "node:fs/promises";
import { dirname } from "node:path";
import type { SolveOptions } from "../engine/index.ts";
import type { ModelClient } from "../model/types.ts";
import type { Sandbox } from "../sandbox/types.ts";
import type { ProblemSpec } from "../spec/schema.ts";
import { compareResults, runIncompleteness, type Comparison, type Decision } from "./compare.ts";
import { evaluate, type EvalProgress } from "./evaluate.ts";
import { readResultsFile, readResultsIfExists, readTrendFile, writeJsonAtomic } from "./files.ts";
import { mergeResults } from "./merge.ts";
import { renderComparisonMarkdown, renderResultsMarkdown } from "./render.ts";
import { costPerSolved, type Calibration, type EvalResults } from "./results.ts";
import { calibrate } from "./calibrate.ts";
import { measuredCosts, type ShardSelector } from "./shard.ts";
import { appendTrend, DEFAULT_TREND_POINTS, type Trend } from "./trend.ts";

export interface EvalJobOptions {
  specs: readonly ProblemSpec[];
  model: ModelClient;
  sandbox: Sandbox;
  solve: SolveOptions;
  /** Results file: written after every problem; an existing one is resumed. */
  out: string;
  shard?: ShardSelector;
  /** An earlier results file whose wall times drive the split. */
  costsFile?: string;
  toolVersion?: string;
  concurrency?: number;
  signal?: AbortSignal;
  /** Wall-clock end: problems unfinished then are recorded as not attempted (deadline). */
  deadline?: Date;
  /**
   * --confirm: problems that newly fail against this baseline file are solved `times` more times
   * with `model` (a client without the reply cache). Skipped when the baseline file does not exist.
   */
  confirm?: { times: number; baselineFile: string; model: ModelClient };
  onProgress?: (event: EvalProgress) => void;
  /** Time the calibration program first and scale every time limit by the result (referenceMs: the reference runner's time, default CALIBRATION_REFERENCE_MS). */
  calibrate?: { referenceMs?: number };
  /** Told the calibration once it is measured. */
  onCalibrated?: (calibration: Calibration) => void;
}

/** Runs (or resumes) one evaluation, writing `out` atomically after every finished problem. */
export async function runEvalJob(o: EvalJobOptions): Promise<EvalResults> {
  const previous = await readResultsIfExists(o.out);
  const costs = o.costsFile !== undefined ? measuredCosts(await readResultsFile(o.costsFile)) : undefined;
  const confirmBaseline = o.confirm !== undefined && o.confirm.times > 0 ? await readResultsIfExists(o.confirm.baselineFile) : undefined;
  const calibration = o.calibrate ? await calibrate(o.sandbox, { ...o.calibrate, shard: o.shard?.index ?? null }) : undefined;
  if (calibration) o.onCalibrated?.(calibration);
  try {
    return await evaluate(o.specs, { model: o.model, sandbox: o.sandbox }, {
      solve: o.solve,
      ...(o.shard ? { shard: o.shard } : {}),
      ...(costs ? { costs } : {}),
      ...(previous ? { resumeFrom: previous } : {}),
      ...(o.onProgress ? { onProgress: o.onProgress } : {}),
      ...(o.toolVersion !== undefined ? { toolVersion: o.toolVersion } : {}),
      ...(o.concurrency !== undefined ? { concurrency: o.concurrency } : {}),
      ...(o.signal ? { signal: o.signal } : {}),
      ...(o.deadline ? { deadline: o.deadline } : {}),
      ...(calibration ? { calibration } : {}),
      ...(o.confirm && confirmBaseline ? { confirm: { times: o.confirm.times, baseline: confirmBaseline, model: o.confirm.model } } : {}),
      onResults: (results) => writeJsonAtomic(o.out, results),
    });
  } catch (error) {
    const message = (error as Error).message;
    if (!message.startsWith("the earlier results")) throw error;
    throw new Error(`${o.out}: ${message}`, { cause: error });
  }
}

/** Merges shard files into `out`; throws a one-line MergeError naming the files and the field. */
export async function runMergeJob(files: readonly string[], out: string): Promise<EvalResults> {
  const results = await Promise.all(files.map((f) => readResultsFile(f)));
  const merged = mergeResults(results, files);
  await writeJsonAtomic(out, merged);
  return merged;
}

export interface CompareJobOptions {
  current: string;
  /** Baseline results file. Missing: an error, unless `allowMissingBaseline`. */
  baseline: string;
  allowMissingBaseline?: boolean;
  maxDropPct: number;
  alpha?: number;
  maxNotAttemptedPct?: number;
  /** Trend file to append this run to (created when missing). */
  trend?: string;
  trendPoints?: number;
  commit?: string;
  date?: Date;
}

export interface CompareJobResult {
  /** This run's results, as read. */
  results: EvalResults;
  comparison: Comparison | null;
  markdown: string;
  decision: Decision;
  regression: boolean;
  incomplete: boolean;
  /** Why the run is incomplete, in one line (null when it is not). */
  cause: string | null;
  /** The run's own pass rate on its graded problems, and the baseline's (null without one). */
  passRate: number;
  /** The 95% Wilson interval of this run's pass rate. */
  passRateLow: number;
  passRateHigh: number;
  baselinePassRate: number | null;
  trend: Trend | null;
}

export async function runCompareJob(o: CompareJobOptions): Promise<CompareJobResult> {
  const current = await readResultsFile(o.current);
  const baseline = o.allowMissingBaseline ? await readResultsIfExists(o.baseline) : await readResultsFile(o.baseline);
  const limits = { ...(o.alpha !== undefined ? { alpha: o.alpha } : {}), ...(o.maxNotAttemptedPct !== undefined ? { maxNotAttemptedPct: o.maxNotAttemptedPct } : {}) };
  const comparison = baseline ? compareResults(current, baseline, { maxDropPct: o.maxDropPct, ...limits }) : null;
  const cause = comparison ? (comparison.incomplete ? comparison.missing.join("; ") : null) : runIncompleteness(current, o.maxNotAttemptedPct);
  let trend: Trend | null = null;
  if (o.trend !== undefined) {
    trend = await readTrendFile(o.trend);
    // An incomplete run's rate is over whatever could be attempted: charting it would mislead.
    if (cause === null) {
      trend = appendTrend(
        trend,
        {
          date: (o.date ?? new Date()).toISOString(),
          commit: o.commit ?? "",
          model: current.config.model,
          rate: current.summary.solveRate,
          rateLow: current.summary.solveRateLow,
          rateHigh: current.summary.solveRateHigh,
          solved: current.summary.solved,
          problems: current.summary.graded,
          costUsd: current.summary.usage.costUsd,
          costPerSolvedUsd: costPerSolved(current.summary),
        },
        o.trendPoints ?? DEFAULT_TREND_POINTS,
      );
      await writeJsonAtomic(o.trend, trend);
    }
  }
  const common = {
    results: current,
    cause,
    incomplete: cause !== null,
    passRate: current.summary.solveRate,
    passRateLow: current.summary.solveRateLow,
    passRateHigh: current.summary.solveRateHigh,
    trend,
  };
  if (!comparison) {
    const markdown = `> No baseline at ${o.baseline} yet: nothing to compare with. Keep this run's results as the next baseline.\n\n${renderResultsMarkdown(current, trend ?? undefined, cause)}`;
    return { ...common, comparison: null, markdown, decision: cause !== null ? "incomplete" : "no-regression", regression: false, baselinePassRate: null };
  }
  return {
    ...common,
    comparison,
    markdown: renderComparisonMarkdown(comparison, trend ?? undefined),
    decision: comparison.decision,
    regression: comparison.regression,
    baselinePassRate: comparison.baseline.rate,
  };
}

/** Appends Markdown to a job-summary file (GitHub's $GITHUB_STEP_SUMMARY is appended to, not replaced). */
export async function appendSummary(path: string, markdown: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await appendFile(path, markdown.endsWith("\n") ? markdown : `${markdown}\n`, "utf8");
}
