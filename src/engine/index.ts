// solve(): S* for one problem. Generation, debugging, input synthesis, execution and judging all
// overlap: every sample starts at once (the model client's concurrency limit bounds the calls in
// flight), each sample debugs on its own schedule, input synthesis starts with generation (it
// needs only the problem), and executions run in parallel on the sandbox pool.
import type { ChatReply, ModelClient } from "../model/types.ts";
import type { Sandbox } from "../sandbox/types.ts";
import type { ProblemSpec } from "../spec/schema.ts";
import { errorLine, RunContext, type ProgressEvent } from "./context.ts";
import { executeCandidates, prefetchCells } from "./execute.ts";
import { createSelectionEnv, synthesizeInputs, type EnvSettings, type Synthesis } from "./env.ts";
import { REPORT_VERSION, type SampleTrace, type SamplingTrace, type SolveReport } from "./report.ts";
import { generationMessages } from "./prompts.ts";
import { runSample, sampleKey } from "./sample.ts";
import { publicFilter, select, STRATEGY_NAMES, type CandidateInfo, type Cell, type SelectionTrace, type StrategyName } from "./select/index.ts";
import { DEFAULT_MAX_SAMPLES, STOP_CONFIDENCE, wavePlan, waveDecision, type WaveDecision } from "./waves.ts";
import { DEFAULT_MIN_CONFIDENCE } from "./select/confidence.ts";
import { buildUsage, problemSpend, type ProblemSpend, type UsageReading } from "./usage-report.ts";

export type { ProgressEvent } from "./context.ts";
export type { StrategyName } from "./select/index.ts";
export { STRATEGY_NAMES } from "./select/index.ts";
export type { SolveReport } from "./report.ts";
export { DEFAULT_MAX_SAMPLES, MAX_SAMPLES_LIMIT, STOP_CONFIDENCE, wavePlan } from "./waves.ts";
export { DEFAULT_MIN_CONFIDENCE } from "./select/confidence.ts";

export interface SolveOptions {
  /**
   * Parallel samples (N), or "auto": draw them in waves (4, then 4, then 8, ... up to `maxSamples`)
   * and stop once the evidence decides the pick (src/engine/waves.ts, docs/engine.md).
   */
  samples: number | "auto";
  /** With `samples: "auto"`: the most samples drawn (default DEFAULT_MAX_SAMPLES, 16). */
  maxSamples?: number;
  /**
   * A pick passing every public test whose confidence (`selection.confidence`) is below this is
   * `uncertain` instead of `solved` (default DEFAULT_MIN_CONFIDENCE; 0 never abstains).
   */
  minConfidence?: number;
  /** Debugging rounds after the first generation (R). */
  rounds: number;
  selection: StrategyName;
  /** sstar: the selection call bound as a multiple of the default max(15, 3 x (clusters - 1)). Default 1. */
  selectionBudget?: number;
  temperature: number;
  maxTokens?: number;
  modelName: string;
  judgeModelName: string;
  sandboxName: string;
  /** Answers come from a local replay model: labelled as such in the report. */
  replay?: boolean;
  /** Replies are replayed from this cassette (--replay): named in the report. */
  cassette?: string;
  /**
   * How the first generation of the samples is asked for: "one" (default) asks for all of them in
   * one request (`n` choices, the prompt billed once) when the model client can (`chatN`), else
   * falls back to one request per sample; "separate" always makes one request per sample (the
   * reference schedule). Debugging rounds are one request per sample either way.
   */
  generationRequests?: GenerationRequests;
  /** Test inputs asked for in the synthesis call. */
  synthesizeCount?: number;
  /** Temperature of judge calls. */
  judgeTemperature?: number;
  onProgress?: (e: ProgressEvent) => void;
  signal?: AbortSignal;
  /** Clock for stage timings (tests); defaults to performance.now. */
  now?: () => number;
}

export type GenerationRequests = "one" | "separate";
export const GENERATION_REQUESTS: readonly GenerationRequests[] = ["one", "separate"];

export const DEFAULT_SOLVE_OPTIONS = {
  samples: 8,
  rounds: 2,
  selection: "sstar",
  temperature: 0.7,
  synthesizeCount: 10,
  judgeTemperature: 0,
  generationRequests: "one",
} as const satisfies Partial<SolveOptions>;

/** Inputs asked for by one separating call. */
const SEPARATE_COUNT = 3;

export function isStrategyName(name: string): name is StrategyName {
  return (STRATEGY_NAMES as readonly string[]).includes(name);
}

export async function solve(spec: ProblemSpec, deps: { model: ModelClient; sandbox: Sandbox }, options: SolveOptions): Promise<SolveReport> {
  const startedAt = new Date().toISOString();
  const usageBefore = safeUsage(deps.model);
  const ctx = new RunContext(spec, deps.model, deps.sandbox, options.onProgress, options.signal, options.now);
  const endTotal = ctx.clock.begin("total");
  const envSettings: EnvSettings = {
    judgeTemperature: options.judgeTemperature ?? DEFAULT_SOLVE_OPTIONS.judgeTemperature,
    synthesisTemperature: options.temperature,
    separateCount: SEPARATE_COUNT,
    ...(options.maxTokens !== undefined ? { maxTokens: options.maxTokens } : {}),
  };

  // Input synthesis runs alongside generation (the first wave, when sampling adapts); `first`
  // needs no inputs at all, unless adaptive sampling's stop rule does.
  const synthesisPromise: Promise<Synthesis> =
    options.selection === "first" && options.samples !== "auto"
      ? Promise.resolve({ inputs: [], rejected: [], note: "not needed by the `first` strategy" })
      : synthesizeInputs(ctx, options.synthesizeCount ?? DEFAULT_SOLVE_OPTIONS.synthesizeCount, envSettings);

  const sampler = createSampler(ctx, options, synthesisPromise);
  const sampling = await drawSamples(ctx, options, sampler, synthesisPromise, createSelectionEnv(ctx, envSettings).equivalent);
  const samplesPromise: Promise<SampleTrace[]> = Promise.all(sampler.traces);

  const runSelect = async (
    from: CandidateInfo[],
    synthesized: Synthesis,
    late?: { candidates: Promise<CandidateInfo[]>; pending: number },
  ): Promise<{ trace: SelectionTrace | null; error?: string }> => {
    ctx.phase = "selection";
    try {
      const trace = await ctx.clock.time("select", () =>
        select(options.selection, from, synthesized.inputs, createSelectionEnv(ctx, envSettings), {
          reservedCalls: ctx.usage.calls("synthesize"),
          ...(options.selectionBudget !== undefined ? { budgetMultiplier: options.selectionBudget } : {}),
          ...(late !== undefined ? { late: late.candidates, latePending: late.pending } : {}),
        }),
      );
      return { trace };
    } catch (error) {
      // Interrupted while it ran candidates: pick from what had finished instead.
      if (ctx.stopped === "aborted") return { trace: null };
      return { trace: null, error: `selection failed: ${(error as Error).message}` };
    }
  };

  // sstar with two or more debugging rounds starts selecting before the last samples finish:
  // once every sample is either done or has failed its first debugging round (EARLY_ROUND), the
  // samples done by then are selected from, and the later ones join (select's `late`). Which
  // samples are early depends only on the model's answers, never on timing.
  const overlap = options.selection === "sstar" && options.rounds > EARLY_ROUND;
  let outcome: { trace: SelectionTrace | null; error?: string } = { trace: null };
  let samples: SampleTrace[];
  let synthesis: Synthesis;
  let candidates: CandidateInfo[];
  const earlyTraces = overlap ? await Promise.all(sampler.early) : [];
  const earlyCandidates = toCandidates(earlyTraces.filter((t): t is SampleTrace => t !== null));
  if (overlap && earlyCandidates.length > 0 && ctx.stopped !== "aborted") {
    synthesis = await synthesisPromise;
    ctx.emit({ type: "synthesized", inputs: synthesis.inputs.length, rejected: synthesis.rejected.length });
    const isLate = new Set(earlyTraces.flatMap((t, i) => (t === null ? [i] : [])));
    const late = samplesPromise.then((all) => toCandidates(all.filter((s) => isLate.has(s.index))));
    outcome = await runSelect(earlyCandidates, synthesis, { candidates: late, pending: isLate.size });
    samples = await samplesPromise;
    candidates = toCandidates(samples);
  } else {
    samples = await samplesPromise;
    synthesis = await synthesisPromise;
    ctx.emit({ type: "synthesized", inputs: synthesis.inputs.length, rejected: synthesis.rejected.length });
    candidates = toCandidates(samples);
    if (ctx.stopped !== "aborted" && candidates.length > 0) outcome = await runSelect(candidates, synthesis);
  }
  let pickedBy: "posterior" | "majority" | "first" | null = null;
  if (ctx.stopped === "aborted") {
    if (outcome.trace !== null) pickedBy = options.selection === "sstar" ? "posterior" : options.selection === "sstar-reference" ? "majority" : options.selection;
    else if (candidates.length > 0) {
      const fallback = await pickFromEvidence(ctx, candidates, synthesis, envSettings);
      outcome = { trace: fallback.trace };
      pickedBy = fallback.by;
    }
  }
  ctx.finish();
  endTotal();
  const { trace } = outcome;
  const selectError = outcome.error;

  const spend = problemSpend(usageBefore, safeUsage(deps.model), spec.id);
  const report = assembleReport({ spec, options, samples, synthesis, trace, candidates, ctx, startedAt, selectError, spend, pickedBy, sampling });
  ctx.emit({ type: "done", status: report.status, selectedSample: report.selected?.sample ?? null });
  return report;
}

interface Sampler {
  /** Per sample, in index order: its trace once done. */
  traces: Promise<SampleTrace>[];
  /** Per sample: its trace if it is early (done by its first debugging round), else null (see solve()). */
  early: Promise<SampleTrace | null>[];
  /** Starts `count` more samples; their traces. */
  draw(count: number): Promise<SampleTrace>[];
}

function createSampler(ctx: RunContext, options: SolveOptions, synthesisPromise: Promise<Synthesis>): Sampler {
  const traces: Promise<SampleTrace>[] = [];
  const early: Promise<SampleTrace | null>[] = [];
  let done = 0;
  const settings = {
    temperature: options.temperature,
    ...(options.maxTokens !== undefined ? { maxTokens: options.maxTokens } : {}),
  };
  const runOne = async (index: number, first: Promise<ChatReply> | undefined): Promise<SampleTrace> => {
    let markEarly: (t: SampleTrace | null) => void = () => undefined;
    early[index] = new Promise((resolve) => (markEarly = resolve));
    const trace = await runSample(ctx, index, {
      rounds: options.rounds,
      ...settings,
      // Failing round EARLY_ROUND with rounds left: this sample is late (a no-op once resolved).
      onRound: (round, passed, total) => {
        if (round >= EARLY_ROUND && passed < total && round < options.rounds) markEarly(null);
      },
    }, first).catch((error: unknown) => {
      markEarly(null); // never leave selection waiting on a sample that failed outright
      throw error;
    });
    markEarly(trace);
    ctx.samplesDone = done + 1;
    ctx.emit({ type: "sample-done", sample: index, passed: trace.publicPassed, total: trace.publicTotal, done: ++done, of: traces.length });
    // A candidate that passes the public tests will be executed by selection: start now.
    if (trace.finalCode !== "" && trace.publicPassed === trace.publicTotal) {
      void synthesisPromise.then((s) => prefetchCells(ctx, trace.finalCode, s.inputs));
    }
    return trace;
  };
  return {
    traces,
    early,
    draw(count) {
      const indices = Array.from({ length: count }, (_, k) => traces.length + k);
      // One request for the wave's first generations (or one per sample), replies in sample order.
      const firstReplies =
        (options.generationRequests ?? DEFAULT_SOLVE_OPTIONS.generationRequests) === "one"
          ? ctx.chatChoices("generate", generationMessages(ctx.spec), { ...settings, keys: indices.map((i) => sampleKey(i, 0)) })
          : undefined;
      const wave = indices.map((index, k) => runOne(index, firstReplies?.[k]));
      traces.push(...wave);
      return wave;
    },
  };
}

/**
 * Draws the samples: all N at once, or (`samples: "auto"`) in waves, reading the stop rule after
 * each wave but the last. Returns what the report says about adaptive sampling.
 */
async function drawSamples(
  ctx: RunContext,
  options: SolveOptions,
  sampler: Sampler,
  synthesisPromise: Promise<Synthesis>,
  equivalent: (x: string, y: string) => boolean,
): Promise<SamplingTrace | undefined> {
  if (options.samples !== "auto") {
    sampler.draw(options.samples);
    return undefined;
  }
  const maxSamples = options.maxSamples ?? DEFAULT_MAX_SAMPLES;
  const plan = wavePlan(maxSamples);
  let decision: WaveDecision | undefined;
  let failure: string | undefined;
  let wavesDrawn = 0;
  for (const size of plan) {
    sampler.draw(size);
    wavesDrawn++;
    ctx.emit({ type: "wave", wave: wavesDrawn, of: plan.length, samples: sampler.traces.length });
    if (wavesDrawn === plan.length) break;
    const drawn = await Promise.all(sampler.traces);
    const synthesis = await synthesisPromise;
    if (ctx.stopped !== undefined) break;
    const candidates = toCandidates(drawn);
    const executed = await executeWave(ctx, candidates, synthesis.inputs);
    if ("failure" in executed) {
      failure = `the sandbox failed running wave ${wavesDrawn}'s samples twice (${executed.failure})`;
      break;
    }
    const cells = executed.cells;
    const rows = candidates.map((c) => cells.get(c.index) ?? []);
    // The stop target is at least the abstention threshold: sampling never stops on a pick it would abstain on.
    const target = Math.max(STOP_CONFIDENCE, options.minConfidence ?? DEFAULT_MIN_CONFIDENCE);
    decision = waveDecision({ candidates, cells: rows, inputCount: synthesis.inputs.length, equivalent }, wavesDrawn, plan.length, target);
    ctx.emit({ type: "wave-decision", wave: wavesDrawn, stop: decision.stop, reason: decision.reason });
    if (decision.stop) break;
  }
  const drawn = sampler.traces.length;
  const reason =
    decision?.stop === true
      ? decision.reason
      : failure !== undefined
        ? `after wave ${wavesDrawn} of ${plan.length}: stopped drawing samples: ${failure}; selection runs on the ${drawn} drawn`
      : ctx.stopped !== undefined && wavesDrawn < plan.length
        ? `after wave ${wavesDrawn} of ${plan.length}: the run stopped (${ctx.stopped})`
        : plan.length === 1
          ? `one wave of ${drawn} samples (max-samples ${maxSamples})`
          : `drew all ${plan.length} waves (${drawn} samples, max-samples ${maxSamples}); ${decision?.reason ?? "no stop decision could be made"}`;
  return { mode: "auto", maxSamples, waves: plan, wavesDrawn, drawn, stoppedEarly: decision?.stop === true, reason };
}

/**
 * Runs a wave's samples on the synthesized inputs for the stop rule, once more if the sandbox
 * fails (a passing hiccup), and returns the failure if it fails again: the caller reports it
 * rather than pretending every wave was drawn.
 */
async function executeWave(ctx: RunContext, candidates: CandidateInfo[], inputs: Synthesis["inputs"]): Promise<{ cells: Map<number, Cell[]> } | { failure: string }> {
  let last = "";
  for (let attempt = 0; attempt < 2; attempt++) {
    if (ctx.stopped !== undefined) return { failure: `the run stopped (${ctx.stopped})` };
    try {
      return { cells: await executeCandidates(ctx, candidates, inputs) };
    } catch (error) {
      last = error instanceof Error ? error.message : String(error);
    }
  }
  return { failure: last };
}

/**
 * The pick of an interrupted run that had not finished selection: no model call, no new sandbox
 * run. `majority` over the synthesized inputs every candidate already ran on, else `first`.
 */
async function pickFromEvidence(
  ctx: RunContext,
  candidates: CandidateInfo[],
  synthesis: Synthesis,
  envSettings: EnvSettings,
): Promise<{ trace: SelectionTrace | null; by: "majority" | "first" }> {
  const { kept } = publicFilter(candidates);
  const ran = synthesis.inputs.filter((inp) => kept.every((c) => ctx.settledCells.has(`${c.code}\u0000${inp.input}`)));
  const by = kept.length >= 2 && ran.length > 0 ? "majority" : "first";
  try {
    return { trace: await select(by, candidates, by === "majority" ? ran : [], createSelectionEnv(ctx, envSettings)), by };
  } catch {
    return { trace: null, by };
  }
}

/** Debugging rounds every sample finishes (or fails) before sstar's selection may start. */
export const EARLY_ROUND = 1;

function toCandidates(samples: readonly SampleTrace[]): CandidateInfo[] {
  return samples
    .filter((s) => s.finalCode.trim() !== "")
    .map((s) => ({ index: s.index, code: s.finalCode, publicPassed: s.publicPassed, publicTotal: s.publicTotal }));
}

interface AssembleArgs {
  spec: ProblemSpec;
  options: SolveOptions;
  samples: SampleTrace[];
  synthesis: Synthesis;
  trace: SelectionTrace | null;
  candidates: CandidateInfo[];
  ctx: RunContext;
  startedAt: string;
  selectError: string | undefined;
  spend: ProblemSpend;
  pickedBy: "posterior" | "majority" | "first" | null;
  sampling: SamplingTrace | undefined;
}

/** A pick passing the public tests is uncertain when its confidence is known and below the threshold. */
export function isUncertain(confidence: number | undefined, minConfidence: number): boolean {
  return confidence !== undefined && confidence < minConfidence;
}

/** The client's usage, or why it could not be read (the report then says the cost is unknown). */
function safeUsage(model: ModelClient): UsageReading {
  try {
    return { snapshot: model.usage() };
  } catch (error) {
    return { error: errorLine(error) };
  }
}

function assembleReport(a: AssembleArgs): SolveReport {
  const { spec, options, samples, synthesis, trace, ctx } = a;
  const selectedSample = trace?.selection.selectedSample ?? null;
  const chosen = selectedSample === null ? undefined : samples.find((s) => s.index === selectedSample);
  const selected = chosen
    ? { sample: chosen.index, code: chosen.finalCode, publicPassed: chosen.publicPassed, publicTotal: chosen.publicTotal }
    : null;
  const stopped = ctx.stopped;
  let error: string | undefined = a.selectError;
  if (a.candidates.length === 0) error ??= ctx.firstError ?? stopped ?? "no sample produced a program";
  // A dead endpoint, a replay miss, or a budget spent before the model ever answered is an error,
  // not an unsolved problem: "unsolved" means the model answered and no candidate passed.
  const fatal = stopped === "replay miss" || stopped === "model endpoint unusable" || (stopped?.startsWith("budget exhausted") === true && ctx.usage.answered() === 0);
  const minConfidence = options.minConfidence ?? DEFAULT_MIN_CONFIDENCE;
  const status: SolveReport["status"] =
    selected === null ? (error !== undefined && (stopped === undefined || fatal) && a.candidates.length === 0 ? "error" : "unsolved")
      : selected.publicPassed !== selected.publicTotal ? "unsolved"
        : isUncertain(trace?.selection.confidence, minConfidence) ? "uncertain" : "solved";
  const selection = trace?.selection ?? {
    strategy: options.selection,
    selectedSample: null,
    selectedCluster: null,
    reason: stopped === "aborted" ? "the run was aborted before selection" : (error ?? "no candidates to select from"),
  };
  // Inputs the synthesis reply held that could not be used stay visible in the report.
  const rejectedInputs = synthesis.rejected.map((why, i) => ({ id: `r${i + 1}`, input: "", origin: "synthesized" as const, dropped: why }));
  const timings = ctx.clock.totals();
  return {
    version: REPORT_VERSION,
    problem: { id: spec.id, title: spec.title, language: spec.language, io: spec.io.kind },
    settings: {
      model: options.modelName,
      judgeModel: options.judgeModelName,
      samples: samples.length,
      rounds: options.rounds,
      selection: options.selection,
      temperature: options.temperature,
      sandbox: options.sandboxName,
      replay: options.replay ?? false,
      ...(options.cassette !== undefined ? { cassette: options.cassette } : {}),
    },
    status,
    minConfidence,
    ...(error !== undefined ? { error } : {}),
    ...(stopped !== undefined ? { stopped } : {}),
    ...(stopped === "aborted" && ctx.stoppedAt !== undefined
      ? {
          interrupted: {
            by: ctx.interruptedBy(),
            during: ctx.stoppedAt.phase,
            samplesDone: ctx.stoppedAt.samplesDone,
            samples: samples.length,
            judgeCalls: ctx.stoppedAt.judgeCalls,
            pickedBy: selected === null ? null : a.pickedBy,
          },
        }
      : {}),
    ...(a.sampling !== undefined ? { sampling: a.sampling } : {}),
    ...(synthesis.note !== undefined ? { synthesisNote: synthesis.note } : {}),
    samples,
    inputs: [...(trace?.inputs ?? synthesis.inputs.map((i) => ({ ...i }))), ...rejectedInputs],
    clusters: trace?.clusters ?? [],
    matches: trace?.matches ?? [],
    selection,
    baselines: trace?.baselines ?? [],
    selected,
    usage: buildUsage(ctx.usage.byStage(), timings, a.spend),
    timings: { totalMs: timings.total ?? 0, byStageMs: Object.fromEntries(Object.entries(timings).filter(([k]) => k !== "total")) },
    startedAt: a.startedAt,
  };
}
