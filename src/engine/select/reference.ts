// `sstar-reference`: the reference implementation's selection (SkyThought tts/, see
// docs/selection.md), reproduced for side-by-side comparison, including its costs and tie rules.
// - per-input clustering of the public-passing samples, error outputs dropped;
// - per input, every cross-cluster pair of samples plays a match: the model proposes separating
//   inputs (showing both programs), both run, the judge sees code + outputs in both orders;
//   consistent win 1-0, tie in both orders 0.5-0.5, otherwise 0-0; cached per ordered pair;
// - the single top cluster of an input gives +1 to each member; argmax, lowest index wins ties;
// - all scores 0: code-only round-robin, same scoring, argmax.
import { clusterRows, type Equivalent } from "./cluster.ts";
import { clusterTrace, shown, sides } from "./common.ts";
import type { SelectionContext } from "./context.ts";
import type { CandidateInfo, Cluster, JudgeAnswer, Match, SelectionEnv, SelectionTrace, SelectOptions, SelInput } from "./types.ts";

type Result = Omit<SelectionTrace, "baselines">;

interface Score {
  a: number;
  b: number;
}

/** Reference scoring of a two-order verdict (a shown first in `ab`). */
export function scoreVerdicts(ab: JudgeAnswer["choice"], ba: JudgeAnswer["choice"]): Score {
  if (ab === "first" && ba === "second") return { a: 1, b: 0 };
  if (ab === "second" && ba === "first") return { a: 0, b: 1 };
  if (ab === "tie" && ba === "tie") return { a: 0.5, b: 0.5 };
  return { a: 0, b: 0 };
}

/** numpy.argmax: the first maximum. */
function argmaxFirst(values: readonly number[]): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i]! > values[best]!) best = i;
  return best;
}

/** What a reference run carries from step to step. */
interface ReferenceRun {
  readonly ctx: SelectionContext;
  readonly env: SelectionEnv;
  readonly equivalent: Equivalent;
  readonly maxSeparate: number;
  readonly calls: { separate: number; judge: number };
  readonly matches: Match[];
  /** Inputs `separate` proposed, in the order they were proposed. */
  readonly extraInputs: SelInput[];
  /** Whole-vector clusters, for the report only (the reference decides per input). */
  readonly clusters: Cluster[];
  /** One match per ordered pair of samples, as the reference's DSPy cache has it. */
  readonly cache: Map<string, Promise<Score>>;
}

export async function runReference(ctx: SelectionContext, env: SelectionEnv, options: SelectOptions = {}): Promise<Result> {
  const run = newRun(ctx, env, options);
  const { kept } = ctx;
  if (kept.length === 0) return done(run, null, "no candidates");
  // The reference returns the best-rate sample outright when none passes every public test.
  if (ctx.fallback) return done(run, kept[0]!.index, "lowest-index sample with the best public pass rate", ctx.fallback);
  if (kept.length === 1) return done(run, kept[0]!.index, "the only sample passing every public test");
  if (ctx.inputs.length === 0) return done(run, kept[0]!.index, "no synthesized inputs: the first public-passing sample");

  const scores = await tournament(run);
  if (scores.some((s) => s !== 0)) {
    const best = argmaxFirst(scores);
    return done(run, kept[best]!.index, `highest tournament score (${scores[best]}) over the per-input matches; ties go to the lowest index`);
  }
  const rr = await codeOnlyRoundRobin(run);
  const best = argmaxFirst(rr);
  return done(run, kept[best]!.index, `every tournament score was 0: code-only round-robin, highest score (${rr[best]}); ties go to the lowest index`);
}

function newRun(ctx: SelectionContext, env: SelectionEnv, options: SelectOptions): ReferenceRun {
  const equivalent: Equivalent = (x, y) => env.equivalent(x, y);
  const groups = clusterRows(
    ctx.cells,
    ctx.inputs.map((_, i) => i),
    equivalent,
  );
  const clusters = groups.map((g, gi) =>
    clusterTrace(
      `c${gi + 1}`,
      g.map((p) => ctx.kept[p]!.index),
      ctx.cells[g[0]!]!,
      ctx.inputs,
    ),
  );
  return {
    ctx,
    env,
    equivalent,
    maxSeparate: options.maxSeparateCalls ?? Infinity,
    calls: { separate: 0, judge: 0 },
    matches: [],
    extraInputs: [],
    clusters,
    cache: new Map(),
  };
}

function done(run: ReferenceRun, sample: number | null, reason: string, fallback?: string): Result {
  return {
    selection: {
      strategy: "sstar-reference",
      selectedSample: sample,
      selectedCluster: sample === null ? null : (run.clusters.find((c) => c.members.includes(sample))?.id ?? null),
      reason,
      ...(fallback ? { fallback } : {}),
    },
    inputs: [...run.ctx.inputs.map((i) => ({ ...i })), ...run.extraInputs],
    clusters: run.clusters,
    matches: run.matches,
    calls: run.calls,
  };
}

/** Per input: groups, every cross-group pair of samples plays, a single top group gives each member +1. Scores by position in `kept`. */
async function tournament(run: ReferenceRun): Promise<number[]> {
  const scores = run.ctx.kept.map(() => 0);
  for (let i = 0; i < run.ctx.inputs.length; i++) {
    const local = inputGroups(run, i);
    if (local.length < 2) continue;
    const totals = await groupTotals(run, local);
    const top = Math.max(...totals);
    if (totals.filter((t) => t === top).length === 1) for (const p of local[totals.indexOf(top)]!) scores[p]!++;
  }
  return scores;
}

/** Per-input groups of non-error outputs, in sample order. */
function inputGroups(run: ReferenceRun, i: number): number[][] {
  const { cells } = run.ctx;
  const local: number[][] = [];
  run.ctx.kept.forEach((_, p) => {
    const cell = cells[p]![i];
    if (!cell?.ok) return;
    const home = local.find((g) => {
      const o = cells[g[0]!]![i]!.output;
      return o === cell.output || run.equivalent(o, cell.output);
    });
    if (home) home.push(p);
    else local.push([p]);
  });
  return local;
}

/** Every cross-group pair of samples plays (concurrently, cached per ordered pair); each group's total score. */
async function groupTotals(run: ReferenceRun, local: readonly number[][]): Promise<number[]> {
  const { kept } = run.ctx;
  const totals = new Array<number>(local.length).fill(0);
  const jobs: Promise<void>[] = [];
  for (let x = 0; x < local.length; x++) {
    for (let y = x + 1; y < local.length; y++) {
      for (const pa of local[x]!) {
        for (const pb of local[y]!) {
          jobs.push(
            match(run, kept[pa]!, kept[pb]!).then((s) => {
              totals[x]! += s.a;
              totals[y]! += s.b;
            }),
          );
        }
      }
    }
  }
  await Promise.all(jobs);
  return totals;
}

/** One judge question in both orders (a shown first in `ab`). */
async function judgeBoth(run: ReferenceRun, a: CandidateInfo, b: CandidateInfo, inputs: SelInput[], outA: string[], outB: string[], codeOnly: boolean) {
  const q = (firstIsA: boolean) => ({
    inputs: codeOnly
      ? []
      : inputs.map((inp, j) => ({
          input: inp.input,
          firstOutput: firstIsA ? outA[j]! : outB[j]!,
          secondOutput: firstIsA ? outB[j]! : outA[j]!,
        })),
    firstCode: firstIsA ? a.code : b.code,
    secondCode: firstIsA ? b.code : a.code,
    ...(codeOnly ? { codeOnly: true } : {}),
  });
  const [ab, ba] = await Promise.all([run.env.judge(q(true)), run.env.judge(q(false))]);
  run.calls.judge += 2;
  return { ab, ba };
}

/** A match between two samples: `separate` proposes inputs, both run on them, the judge sees code and outputs. */
function match(run: ReferenceRun, a: CandidateInfo, b: CandidateInfo): Promise<Score> {
  const key = `${a.index}>${b.index}`;
  const hit = run.cache.get(key);
  if (hit) return hit;
  const p = playMatch(run, a, b);
  run.cache.set(key, p);
  return p;
}

async function playMatch(run: ReferenceRun, a: CandidateInfo, b: CandidateInfo): Promise<Score> {
  const { env } = run;
  env.onEvent?.({ type: "match-started", a: `s${a.index}`, b: `s${b.index}` });
  let proposed: string[] = [];
  if (run.calls.separate < run.maxSeparate) {
    proposed = await env.separate(a, b);
    run.calls.separate++;
    env.onEvent?.({ type: "separate", a: a.index, b: b.index, inputs: proposed.length });
  }
  const inputs: SelInput[] = proposed.map((input, j) => ({ id: `ref-${a.index}-${b.index}-${j + 1}`, input, origin: "separating" }));
  run.extraInputs.push(...inputs);
  const res = inputs.length > 0 ? await env.execute([a, b], inputs) : new Map();
  const outA = inputs.map((_, j) => shown(res.get(a.index)?.[j]));
  const outB = inputs.map((_, j) => shown(res.get(b.index)?.[j]));
  const { ab, ba } = await judgeBoth(run, a, b, inputs, outA, outB, false);
  const s = scoreVerdicts(ab.choice, ba.choice);
  const winner = s.a > s.b ? "a" : s.b > s.a ? "b" : "tie";
  run.matches.push({
    a: `s${a.index}`,
    b: `s${b.index}`,
    inputs: inputs.map((inp, j) => ({ inputId: inp.id, input: inp.input, outputA: outA[j]!, outputB: outB[j]! })),
    votes: sides(ab, ba).votes,
    winner,
    note: "reference match between samples (a, b name samples s<index>)",
  });
  env.onEvent?.({ type: "match-finished", a: `s${a.index}`, b: `s${b.index}`, winner });
  return s;
}

/** Every tournament score 0: a code-only round-robin over all public-passing samples, same scoring. Scores by position. */
async function codeOnlyRoundRobin(run: ReferenceRun): Promise<number[]> {
  const { kept } = run.ctx;
  const scores = kept.map(() => 0);
  const jobs: Promise<void>[] = [];
  for (let x = 0; x < kept.length; x++) {
    for (let y = x + 1; y < kept.length; y++) {
      jobs.push(
        judgeBoth(run, kept[x]!, kept[y]!, [], [], [], true).then(({ ab, ba }) => {
          const s = scoreVerdicts(ab.choice, ba.choice);
          scores[x]! += s.a;
          scores[y]! += s.b;
        }),
      );
    }
  }
  await Promise.all(jobs);
  return scores;
}
