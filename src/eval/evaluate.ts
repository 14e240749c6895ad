// evaluate(): solve each problem, grade the picks on the hidden tests (never shown to the model),
// and build the results file incrementally, so an interrupted run can resume.
import pLimit from "p-limit";
import { DEFAULT_SOLVE_OPTIONS, solve, type SolveOptions } from "../engine/index.ts";
import type { SolveReport } from "../engine/report.ts";
import type { ModelClient } from "../model/types.ts";
import { gradeProgram } from "../sandbox/index.ts";
import type { Sandbox } from "../sandbox/types.ts";
import type { ProblemSpec } from "../spec/schema.ts";
import { canonicalJson, specHash, specSetHash } from "./hash.ts";
import {
  EVAL_RESULTS_KIND,
  EVAL_RESULTS_VERSION,
  sortById,
  summarize,
  type EvalConfig,
  type EvalResults,
  type Grade,
  type Pick,
  type ProblemResult,
} from "./results.ts";
import { selectShard, type ShardSelector } from "./shard.ts";

export const TOOL_NAME = "sstar";

export type EvalProgress =
  | { type: "start"; problems: number; resumed: number; skipped: number; shard: ShardSelector | null }
  | { type: "problem-start"; id: string }
  | { type: "problem-done"; id: string; result: ProblemResult; done: number; of: number }
  | { type: "stopped"; reason: string };

export interface EvaluateOptions {
  solve: SolveOptions;
  /** Run only this shard (1-based index) of the set. */
  shard?: ShardSelector;
  /** Measured seconds per problem id (from an earlier results file) for an even split by cost. */
  costs?: ReadonlyMap<string, number>;
  /** Results of an earlier, interrupted run of the same configuration: finished problems are kept. */
  resumeFrom?: EvalResults;
  onProgress?: (event: EvalProgress) => void;
  /** Called after every finished problem with the results so far (the CLI writes them to --out). */
  onResults?: (results: EvalResults) => Promise<void> | void;
  toolVersion?: string;
  /** Problems solved at once (default 1: the engine already overlaps everything within a problem). */
  concurrency?: number;
  /** Stops starting problems; the one in flight is not recorded (a rerun redoes it from the model cache). */
  signal?: AbortSignal;
  /** Timestamps (tests). */
  now?: () => Date;
}

/** SolveOptions fields that are not settings (they label the run or do I/O). */
const NOT_SETTINGS = new Set(["modelName", "judgeModelName", "sandboxName", "onProgress", "signal", "now"]);

/**
 * The settings that can change results, with the engine's defaults filled in, so that leaving a
 * setting unset and setting it to its default give the same configuration.
 */
export function settingsOf(solveOptions: SolveOptions): Record<string, string | number | boolean | null> {
  const merged: Record<string, unknown> = { ...DEFAULT_SOLVE_OPTIONS, replay: false, maxTokens: null, ...solveOptions };
  const out: Record<string, string | number | boolean | null> = {};
  for (const key of Object.keys(merged).sort()) {
    const v = merged[key];
    if (NOT_SETTINGS.has(key)) continue;
    if (v === null || typeof v === "string" || typeof v === "number" || typeof v === "boolean") out[key] = v;
  }
  return out;
}

/** Specs that can be graded (they have hidden tests) and the rest, with the reason. */
export function gradableSpecs(specs: readonly ProblemSpec[]): { specs: ProblemSpec[]; skipped: { id: string; reason: string }[] } {
  const seen = new Set<string>();
  for (const s of specs) {
    if (seen.has(s.id)) throw new Error(`problem id ${JSON.stringify(s.id)} appears twice in the spec set: ids must be unique`);
    seen.add(s.id);
  }
  return {
    specs: sortById(specs.filter((s) => s.tests.hidden.length > 0)),
    skipped: sortById(specs.filter((s) => s.tests.hidden.length === 0).map((s) => ({ id: s.id, reason: "no hidden tests: nothing to grade the selected program on" }))),
  };
}

/** Why earlier results cannot be resumed into a run with `config`, or null when they can. */
export function resumeConflict(previous: EvalResults, config: EvalConfig): string | null {
  for (const field of ["model", "judgeModel", "sandbox", "tool", "settings"] as const) {
    if (canonicalJson(previous.config[field]) !== canonicalJson(config[field])) {
      return `config.${field} differs (${JSON.stringify(previous.config[field])} there, ${JSON.stringify(config[field])} now)`;
    }
  }
  const a = previous.config.shard;
  const b = config.shard;
  if ((a === null) !== (b === null) || (a && b && (a.index !== b.index || a.count !== b.count))) {
    const show = (s: typeof a): string => (s ? `shard ${s.index}/${s.count}` : "the whole set");
    return `it holds ${show(a)}, this run is ${show(b)}`;
  }
  return null;
}

export async function evaluate(
  specs: readonly ProblemSpec[],
  deps: { model: ModelClient; sandbox: Sandbox },
  options: EvaluateOptions,
): Promise<EvalResults> {
  const now = options.now ?? (() => new Date());
  const gradable = gradableSpecs(specs);
  const specHashes: Record<string, string> = {};
  for (const s of gradable.specs) specHashes[s.id] = specHash(s);

  let todo = gradable.specs;
  let shardInfo: EvalConfig["shard"] = null;
  if (options.shard) {
    const picked = selectShard(gradable.specs, options.shard, options.costs);
    todo = picked.specs;
    shardInfo = { index: options.shard.index, count: options.shard.count, problems: picked.ids };
  }

  const config: EvalConfig = {
    model: options.solve.modelName,
    judgeModel: options.solve.judgeModelName,
    sandbox: options.solve.sandboxName,
    settings: settingsOf(options.solve),
    tool: { name: TOOL_NAME, version: options.toolVersion ?? "unknown" },
    specSetHash: specSetHash(specHashes),
    specHashes,
    shard: shardInfo,
  };

  const done = new Map<string, ProblemResult>();
  let startedAt = now().toISOString();
  if (options.resumeFrom) {
    const conflict = resumeConflict(options.resumeFrom, config);
    if (conflict !== null) throw new Error(`the earlier results come from a different run: ${conflict}; use another --out or delete the file`);
    const wanted = new Set(todo.map((s) => s.id));
    for (const p of options.resumeFrom.problems) {
      // A problem is kept when it belongs to this run, its spec is unchanged, and it did not error
      // (errors are retried: they are often the endpoint's, and the model cache makes retrying cheap).
      if (wanted.has(p.id) && p.specHash === specHashes[p.id] && p.status !== "error") done.set(p.id, p);
    }
    if (options.resumeFrom.meta.startedAt < startedAt) startedAt = options.resumeFrom.meta.startedAt;
  }

  const snapshot = (): EvalResults => {
    const problems = sortById([...done.values()]);
    return {
      kind: EVAL_RESULTS_KIND,
      version: EVAL_RESULTS_VERSION,
      config,
      skipped: gradable.skipped,
      problems,
      summary: summarize(problems),
      meta: { startedAt, updatedAt: now().toISOString() },
    };
  };

  const remaining = todo.filter((s) => !done.has(s.id));
  options.onProgress?.({ type: "start", problems: todo.length, resumed: done.size, skipped: gradable.skipped.length, shard: options.shard ?? null });
  // Writes happen one after another, in finishing order, so the file on disk only ever grows.
  let writes: Promise<void> = Promise.resolve(options.onResults?.(snapshot()));
  const limit = pLimit(Math.max(1, options.concurrency ?? 1));
  await Promise.all(
    remaining.map((spec) =>
      limit(async () => {
        if (options.signal?.aborted) return;
        options.onProgress?.({ type: "problem-start", id: spec.id });
        const solveOptions: SolveOptions = options.signal ? { ...options.solve, signal: options.signal } : options.solve;
        const result = await evaluateProblem(spec, specHashes[spec.id]!, deps, solveOptions, now);
        if (options.signal?.aborted) return; // cut short: not a finished result
        done.set(spec.id, result);
        options.onProgress?.({ type: "problem-done", id: spec.id, result, done: done.size, of: todo.length });
        const current = snapshot();
        writes = writes.then(() => options.onResults?.(current));
        await writes;
      }),
    ),
  );
  await writes;
  if (options.signal?.aborted) options.onProgress?.({ type: "stopped", reason: "aborted" });
  return snapshot();
}

/** Solves one problem and grades every distinct final program once on the hidden tests. */
export async function evaluateProblem(
  spec: ProblemSpec,
  hash: string,
  deps: { model: ModelClient; sandbox: Sandbox },
  solveOptions: SolveOptions,
  now: () => Date = () => new Date(),
): Promise<ProblemResult> {
  let report: SolveReport;
  try {
    report = await solve(spec, deps, solveOptions);
  } catch (error) {
    const message = (error as Error)?.message?.split("\n")[0] ?? String(error);
    const none = (strategy: string): Pick => ({ strategy, sample: null, passed: false, hiddenPassed: 0, hiddenTotal: spec.tests.hidden.length });
    return {
      id: spec.id,
      title: spec.title,
      specHash: hash,
      status: "error",
      error: `solve failed: ${message}`,
      selected: none(solveOptions.selection),
      baselines: [none("first"), none("majority")],
      oracle: { passed: false, candidates: 0, passing: 0 },
      usage: { calls: 0, cachedCalls: 0, promptTokens: 0, completionTokens: 0, costUsd: 0 },
      wallMs: 0,
      gradeMs: 0,
      finishedAt: now().toISOString(),
    };
  }

  const gradeStart = performance.now();
  const codeOf = new Map<number, string>();
  for (const s of report.samples) if (s.finalCode.trim() !== "") codeOf.set(s.index, s.finalCode);
  const grades = new Map<string, Promise<Grade>>();
  const gradeCode = (code: string): Promise<Grade> => {
    let g = grades.get(code);
    if (!g) {
      g = gradeHidden(deps.sandbox, spec, code);
      grades.set(code, g);
    }
    return g;
  };
  const pick = async (strategy: string, sample: number | null, code: string | undefined): Promise<Pick> => {
    if (sample === null || code === undefined) return { strategy, sample: null, passed: false, hiddenPassed: 0, hiddenTotal: spec.tests.hidden.length };
    return { strategy, sample, ...(await gradeCode(code)) };
  };
  const selectedPromise = pick(report.selection.strategy, report.selected?.sample ?? null, report.selected?.code);
  const baselinePromises = report.baselines.map((b) => pick(b.strategy, b.selectedSample, b.selectedSample === null ? undefined : codeOf.get(b.selectedSample)));
  const candidateGrades = await Promise.all([...new Set(codeOf.values())].map(gradeCode));
  const [selected, baselines] = await Promise.all([selectedPromise, Promise.all(baselinePromises)]);
  const gradeMs = Math.round(performance.now() - gradeStart);

  const total = report.usage.total;
  return {
    id: spec.id,
    title: spec.title,
    specHash: hash,
    status: report.status,
    ...(report.error !== undefined ? { error: report.error } : {}),
    selected,
    baselines,
    oracle: { passed: candidateGrades.some((g) => g.passed), candidates: candidateGrades.length, passing: candidateGrades.filter((g) => g.passed).length },
    usage: {
      calls: total.calls,
      cachedCalls: total.cachedCalls,
      promptTokens: total.promptTokens,
      completionTokens: total.completionTokens,
      costUsd: total.costUsd,
    },
    wallMs: Math.round(report.timings.totalMs),
    gradeMs,
    finishedAt: now().toISOString(),
  };
}

async function gradeHidden(sandbox: Sandbox, spec: ProblemSpec, code: string): Promise<Grade> {
  const tests = spec.tests.hidden;
  const g = await gradeProgram(sandbox, spec, { language: spec.language, code }, tests);
  const failing = g.outcomes.findIndex((o) => o.verdict !== "accepted");
  const firstFailure = failing < 0 ? undefined : `${tests[failing]?.name ?? `hidden ${failing + 1}`}: ${g.outcomes[failing]!.verdict}`;
  return {
    passed: g.allPassed,
    hiddenPassed: g.passed,
    hiddenTotal: g.total,
    ...(firstFailure !== undefined ? { firstFailure } : {}),
  };
}
