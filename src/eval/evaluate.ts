// evaluate(): solve each problem, grade the picks on the hidden tests (never shown to the model),
// and build the results file incrementally, so an interrupted run can resume.
import pLimit from "p-limit";
import { DEFAULT_SOLVE_OPTIONS, solve, type SolveOptions } from "../engine/index.ts";
import type { SolveReport } from "../engine/report.ts";
import type { ModelClient } from "../model/types.ts";
import { gradeProgram } from "../sandbox/index.ts";
import type { Sandbox } from "../sandbox/types.ts";
import { scaledSpec, TIMING_RETRY_FACTOR } from "./calibrate.ts";
import { classifyAttempt, errorFacts, type CallRecord, type ErrorFacts, type NotAttempted } from "./outcome.ts";
import type { ProblemSpec } from "../spec/schema.ts";
import { canonicalJson, specHash, specSetHash } from "./hash.ts";
import {
  addUsage,
  EVAL_RESULTS_KIND,
  EVAL_RESULTS_VERSION,
  roundUsd,
  sortById,
  summarize,
  zeroUsage,
  type Calibration,
  type ConfirmRun,
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
  | { type: "confirm-done"; id: string; runs: ConfirmRun[]; of: number }
  | { type: "stopped"; reason: string };

/** --confirm: solve the problems that newly fail against `baseline` again, up to `times` times. */
export interface ConfirmOptions {
  times: number;
  baseline: EvalResults;
  /** A client without the reply cache, so the retries are fresh samples, not replays. */
  model: ModelClient;
}

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
  /** Stops the run: the problems in flight and those not started are recorded as not attempted (interrupted); a rerun redoes them. */
  signal?: AbortSignal;
  /** Wall-clock end of the run: problems still running or not started then are not attempted (deadline). */
  deadline?: Date;
  confirm?: ConfirmOptions;
  /** This runner's time calibration (calibrate()): every time limit is multiplied by its scale; recorded in meta.calibration. */
  calibration?: Calibration;
  /** Timestamps (tests). */
  now?: () => Date;
}

/**
 * SolveOptions fields that are not settings (they label the run or do I/O). `generationRequests`
 * changes how the first programs are asked for (one request or several), not which replies a run
 * gets: the same prompt and the same cache keys.
 */
const NOT_SETTINGS = new Set(["modelName", "judgeModelName", "sandboxName", "onProgress", "signal", "now", "generationRequests"]);

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
  const { todo, config } = runConfig(gradable.specs, options);
  const specHashes = config.specHashes;
  const resumed = resumedResults(todo, config, options.resumeFrom);
  const done = resumed.done;
  const thisStart = now().toISOString();
  const startedAt = resumed.startedAt !== undefined && resumed.startedAt < thisStart ? resumed.startedAt : thisStart;

  const snapshot = (): EvalResults => {
    const problems = sortById([...done.values()]);
    return {
      kind: EVAL_RESULTS_KIND,
      version: EVAL_RESULTS_VERSION,
      config,
      skipped: gradable.skipped,
      problems,
      summary: summarize(problems),
      meta: { startedAt, updatedAt: now().toISOString(), ...(options.calibration ? { calibration: [options.calibration] } : {}) },
    };
  };
  const scale = options.calibration?.scale ?? 1;

  const remaining = todo.filter((s) => !done.has(s.id));
  options.onProgress?.({ type: "start", problems: todo.length, resumed: done.size, skipped: gradable.skipped.length, shard: options.shard ?? null });
  const stop = stopSwitch(options.signal, options.deadline, now);
  const run = stop.run;
  // Writes happen one after another, in finishing order, so the file on disk only ever grows.
  let writes: Promise<void> = Promise.resolve(options.onResults?.(snapshot()));
  const record = async (result: ProblemResult, announce: () => void): Promise<void> => {
    done.set(result.id, result);
    announce();
    const current = snapshot();
    writes = writes.then(() => options.onResults?.(current));
    await writes;
  };
  const limit = pLimit(Math.max(1, options.concurrency ?? 1));
  const solveOptions: SolveOptions = { ...options.solve, signal: run.signal };
  try {
    await Promise.all(
      remaining.map((spec) =>
        limit(async () => {
          const ended = run.ended();
          const result = ended
            ? ungradedResult(spec, specHashes[spec.id]!, solveOptions.selection, now, endedBy(ended))
            : (options.onProgress?.({ type: "problem-start", id: spec.id }), await evaluateProblem(spec, specHashes[spec.id]!, deps, solveOptions, now, run, scale));
          await record(result, () => options.onProgress?.({ type: "problem-done", id: spec.id, result, done: done.size, of: todo.length }));
        }),
      ),
    );
    if (options.confirm && options.confirm.times > 0 && run.ended() === undefined) {
      const confirm = options.confirm;
      await Promise.all(
        toConfirm(todo, done, confirm.baseline).map((spec) =>
          limit(async () => {
            if (run.ended() !== undefined) return;
            const confirmed = await confirmProblem(spec, specHashes[spec.id]!, { model: confirm.model, sandbox: deps.sandbox }, solveOptions, confirm.times, now, run, scale);
            if (confirmed === null) return;
            await record({ ...done.get(spec.id)!, confirm: confirmed }, () => options.onProgress?.({ type: "confirm-done", id: spec.id, runs: confirmed.runs, of: confirm.times }));
          }),
        ),
      );
    }
  } finally {
    stop.dispose();
  }
  await writes;
  const ended = run.ended();
  if (ended !== undefined) options.onProgress?.({ type: "stopped", reason: ended === "deadline" ? "deadline reached" : "aborted" });
  return snapshot();
}

/** The problems this run (or shard) evaluates, and the config its results file records. */
function runConfig(specs: ProblemSpec[], options: EvaluateOptions): { todo: ProblemSpec[]; config: EvalConfig } {
  const specHashes: Record<string, string> = {};
  for (const s of specs) specHashes[s.id] = specHash(s);
  let todo = specs;
  let shardInfo: EvalConfig["shard"] = null;
  if (options.shard) {
    const picked = selectShard(specs, options.shard, options.costs);
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
  return { todo, config };
}

/** The results an earlier run of the same config already has, and when that run started. */
function resumedResults(todo: ProblemSpec[], config: EvalConfig, previous: EvalResults | undefined): { done: Map<string, ProblemResult>; startedAt?: string } {
  const done = new Map<string, ProblemResult>();
  if (!previous) return { done };
  const conflict = resumeConflict(previous, config);
  if (conflict !== null) throw new Error(`the earlier results come from a different run: ${conflict}; use another --out or delete the file`);
  const wanted = new Set(todo.map((s) => s.id));
  for (const p of previous.problems) {
    // A problem is kept when it belongs to this run, its spec is unchanged, and it did not error
    // (errors are retried: they are often the endpoint's, and the model cache makes retrying cheap).
    // Not-attempted problems are redone too: the outage may be over.
    if (wanted.has(p.id) && p.specHash === config.specHashes[p.id] && p.status !== "error" && p.outcome !== "not-attempted") done.set(p.id, p);
  }
  return { done, startedAt: previous.meta.startedAt };
}

/** One signal for both ways a run ends early (the caller's signal, the deadline); `ended` says which it was. */
function stopSwitch(signal: AbortSignal | undefined, deadline: Date | undefined, now: () => Date): { run: RunState; dispose(): void } {
  const stop = new AbortController();
  let why: "interrupted" | "deadline" | undefined;
  const end = (reason: "interrupted" | "deadline"): void => {
    why ??= reason;
    stop.abort();
  };
  // The CLI's --deadline aborts the signal with the reason "deadline <duration>" (it may fire
  // before the timer here): that is the deadline, not an interruption.
  const onAbort = (): void => end(typeof signal?.reason === "string" && signal.reason.startsWith("deadline") ? "deadline" : "interrupted");
  signal?.addEventListener("abort", onAbort, { once: true });
  if (signal?.aborted) onAbort();
  const timer = deadline ? setTimeout(() => end("deadline"), Math.max(0, deadline.getTime() - now().getTime())) : undefined;
  return {
    run: { signal: stop.signal, ended: () => why },
    dispose() {
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
    },
  };
}

/** Failures that passed in the baseline and have not been confirmed yet: run again before they count. */
function toConfirm(todo: ProblemSpec[], done: Map<string, ProblemResult>, baselineResults: EvalResults): ProblemSpec[] {
  const baseline = new Map(baselineResults.problems.map((p) => [p.id, p]));
  return todo.filter((spec) => {
    const p = done.get(spec.id);
    return p !== undefined && p.outcome === "failed" && p.confirm === undefined && baseline.get(spec.id)?.outcome === "passed";
  });
}

/** How the evaluation run as a whole is doing, as evaluateProblem sees it. */
export interface RunState {
  signal: AbortSignal;
  /** Why the run ended early, once it has. */
  ended(): "interrupted" | "deadline" | undefined;
}

function endedBy(reason: "interrupted" | "deadline"): NotAttempted {
  return reason === "deadline"
    ? { cause: "deadline", detail: "the evaluation's deadline passed before this problem started" }
    : { cause: "interrupted", detail: "the run was stopped before this problem started" };
}

function noPick(strategy: string, spec: ProblemSpec): Pick {
  return { strategy, sample: null, passed: false, hiddenPassed: 0, hiddenTotal: spec.tests.hidden.length };
}

/**
 * A problem with no program to grade: not attempted when `why` says the infrastructure kept it from
 * running, else failed (solve() itself broke: counted, so an engine bug cannot hide).
 */
function ungradedResult(spec: ProblemSpec, hash: string, selection: string, now: () => Date, why: NotAttempted | null, error?: string): ProblemResult {
  return {
    id: spec.id,
    title: spec.title,
    specHash: hash,
    outcome: why === null ? "failed" : "not-attempted",
    ...(why !== null ? { notAttempted: why } : {}),
    status: "error",
    error: error ?? why?.detail ?? "no program",
    selected: noPick(selection, spec),
    baselines: [noPick("first", spec), noPick("majority", spec)],
    oracle: { passed: false, candidates: 0, passing: 0 },
    usage: zeroUsage(),
    wallMs: 0,
    gradeMs: 0,
    finishedAt: now().toISOString(),
  };
}

/**
 * --confirm for one problem: solve it again, up to `times` times, stopping at the first pass.
 * Each retry's call keys carry the retry number, so even a cached client could not replay the
 * first attempt. null when the run ended before any retry finished.
 */
async function confirmProblem(
  spec: ProblemSpec,
  hash: string,
  deps: { model: ModelClient; sandbox: Sandbox },
  solveOptions: SolveOptions,
  times: number,
  now: () => Date,
  run: RunState,
  scale = 1,
): Promise<NonNullable<ProblemResult["confirm"]> | null> {
  const runs: ConfirmRun[] = [];
  const usage = zeroUsage();
  for (let attempt = 1; attempt <= times && run.ended() === undefined; attempt++) {
    const model: ModelClient = {
      chat: (request, meta) => deps.model.chat(request, { ...meta, key: `confirm-${attempt}/${meta.key ?? ""}` }),
      usage: () => deps.model.usage(),
    };
    const r = await evaluateProblem(spec, hash, { model, sandbox: deps.sandbox }, solveOptions, now, run, scale);
    if (run.ended() !== undefined && r.outcome === "not-attempted") break;
    addUsage(usage, r.usage);
    runs.push({
      outcome: r.outcome,
      hiddenPassed: r.selected.hiddenPassed,
      hiddenTotal: r.selected.hiddenTotal,
      ...(r.selected.firstFailure !== undefined ? { firstFailure: r.selected.firstFailure } : {}),
      ...(r.notAttempted !== undefined ? { notAttempted: r.notAttempted } : {}),
    });
    if (r.outcome === "passed") break;
  }
  usage.costUsd = roundUsd(usage.costUsd);
  return runs.length === 0 ? null : { runs, usage };
}

/** The model client and sandbox as one problem sees them, recording every call and every sandbox error. */
function recorded(deps: { model: ModelClient; sandbox: Sandbox }): { deps: { model: ModelClient; sandbox: Sandbox }; calls: CallRecord[]; sandboxErrors: ErrorFacts[] } {
  const calls: CallRecord[] = [];
  const sandboxErrors: ErrorFacts[] = [];
  const model: ModelClient = {
    async chat(request, meta) {
      try {
        const reply = await deps.model.chat(request, meta);
        calls.push({ stage: meta.stage });
        return reply;
      } catch (error) {
        calls.push({ stage: meta.stage, error: errorFacts(error) });
        throw error;
      }
    },
    usage: () => deps.model.usage(),
  };
  const sandbox: Sandbox = {
    backend: deps.sandbox.backend,
    async run(request) {
      try {
        return await deps.sandbox.run(request);
      } catch (error) {
        sandboxErrors.push(errorFacts(error));
        throw error;
      }
    },
    close: () => deps.sandbox.close(),
  };
  return { deps: { model, sandbox }, calls, sandboxErrors };
}

/**
 * Solves one problem and grades every distinct final program once on the hidden tests. The outcome
 * is `not-attempted` when the errors met on the way say the infrastructure failed (classifyAttempt).
 */
export async function evaluateProblem(
  spec: ProblemSpec,
  hash: string,
  deps: { model: ModelClient; sandbox: Sandbox },
  solveOptions: SolveOptions,
  now: () => Date = () => new Date(),
  run?: RunState,
  timeScale = 1,
): Promise<ProblemResult> {
  const rec = recorded(deps);
  // The calibrated limits, for solving (public tests) and grading alike; the hash stays the spec's own.
  spec = scaledSpec(spec, timeScale);
  const facts = (extra: { thrown?: ErrorFacts; stopped?: string }) => ({
    calls: rec.calls,
    sandboxErrors: rec.sandboxErrors,
    interrupted: run?.ended() === "interrupted" || (run === undefined && solveOptions.signal?.aborted === true),
    deadline: run?.ended() === "deadline",
    ...extra,
  });
  let report: SolveReport;
  try {
    report = await solve(spec, rec.deps, solveOptions);
  } catch (error) {
    const message = (error as Error)?.message?.split("\n")[0] ?? String(error);
    return ungradedResult(spec, hash, solveOptions.selection, now, classifyAttempt(facts({ thrown: errorFacts(error) })), `solve failed: ${message}`);
  }

  const gradeStart = performance.now();
  const codeOf = new Map<number, string>();
  for (const s of report.samples) if (s.finalCode.trim() !== "") codeOf.set(s.index, s.finalCode);
  const grades = new Map<string, Promise<Grade>>();
  const gradeCode = (code: string): Promise<Grade> => {
    let g = grades.get(code);
    if (!g) {
      g = gradeHidden(rec.deps.sandbox, spec, code);
      grades.set(code, g);
    }
    return g;
  };
  const pick = async (strategy: string, sample: number | null, code: string | undefined): Promise<Pick> => {
    if (sample === null || code === undefined) return noPick(strategy, spec);
    return { strategy, sample, ...(await gradeCode(code)) };
  };
  let selected: Pick;
  let baselines: Pick[];
  let candidateGrades: Grade[];
  try {
    // One Promise.all over every grading, so a sandbox failure in any of them is handled once.
    [selected, baselines, candidateGrades] = await Promise.all([
      pick(report.selection.strategy, report.selected?.sample ?? null, report.selected?.code),
      Promise.all(report.baselines.map((b) => pick(b.strategy, b.selectedSample, b.selectedSample === null ? undefined : codeOf.get(b.selectedSample)))),
      Promise.all([...new Set(codeOf.values())].map(gradeCode)),
    ]);
  } catch (error) {
    // Grading failed in the sandbox itself (the recorder holds the error): nothing was graded.
    const why = classifyAttempt(facts({ ...(report.stopped !== undefined ? { stopped: report.stopped } : {}) })) ?? { cause: "sandbox-unavailable" as const, detail: errorFacts(error).message };
    return ungradedResult(spec, hash, solveOptions.selection, now, why, `grading failed: ${errorFacts(error).message}`);
  }
  const gradeMs = Math.round(performance.now() - gradeStart);

  const why = classifyAttempt(facts(report.stopped !== undefined ? { stopped: report.stopped } : {}));
  const total = report.usage.total;
  return {
    id: spec.id,
    title: spec.title,
    specHash: hash,
    outcome: why !== null ? "not-attempted" : selected.passed ? "passed" : "failed",
    ...(why !== null ? { notAttempted: why } : {}),
    status: report.status,
    ...(report.selection.confidence !== undefined && report.selected !== null ? { confidence: report.selection.confidence } : {}),
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
      cachedPromptTokens: total.cachedPromptTokens ?? 0,
      requests: total.requests ?? 0,
    },
    wallMs: Math.round(report.timings.totalMs),
    gradeMs,
    finishedAt: now().toISOString(),
  };
}

async function gradeHidden(sandbox: Sandbox, spec: ProblemSpec, code: string): Promise<Grade> {
  const tests = spec.tests.hidden;
  const program = { language: spec.language, code };
  const g = await gradeProgram(sandbox, spec, program, tests);
  const failing = g.outcomes.findIndex((o) => o.verdict !== "accepted");
  const firstFailure = failing < 0 ? undefined : `${tests[failing]?.name ?? `hidden ${failing + 1}`}: ${g.outcomes[failing]!.verdict}`;
  return {
    passed: g.allPassed,
    hiddenPassed: g.passed,
    hiddenTotal: g.total,
    ...(firstFailure !== undefined ? { firstFailure } : {}),
    ...((await passesWithMoreTime(sandbox, spec, program, g.outcomes)) ? { timingSensitive: true } : {}),
  };
}

/**
 * A program that failed only by time limits, run again on those tests with TIMING_RETRY_FACTOR
 * times the limit: true when it then passes them all (the runner's speed decided, not the program).
 */
async function passesWithMoreTime(sandbox: Sandbox, spec: ProblemSpec, program: { language: ProblemSpec["language"]; code: string }, outcomes: readonly { verdict: string }[]): Promise<boolean> {
  const failed = spec.tests.hidden.filter((_, i) => outcomes[i]?.verdict !== "accepted");
  if (failed.length === 0 || outcomes.some((o) => o.verdict !== "accepted" && o.verdict !== "time-limit")) return false;
  const retry = await gradeProgram(sandbox, scaledSpec(spec, TIMING_RETRY_FACTOR), program, failed);
  return retry.allPassed;
}
