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
import type { CandidateInfo, JudgeAnswer, Match, SelectionEnv, SelectionTrace, SelectOptions, SelInput } from "./types.ts";

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

export async function runReference(ctx: SelectionContext, env: SelectionEnv, options: SelectOptions = {}): Promise<Result> {
  const equivalent: Equivalent = (x, y) => env.equivalent(x, y);
  const calls = { separate: 0, judge: 0 };
  const { kept } = ctx;
  const matches: Match[] = [];
  const extraInputs: SelInput[] = [];
  const inputsOut = ctx.inputs.map((i) => ({ ...i }));
  // Whole-vector clusters, for the report only (the reference decides per input).
  const groups = clusterRows(
    ctx.cells,
    ctx.inputs.map((_, i) => i),
    equivalent,
  );
  const clusters = groups.map((g, gi) =>
    clusterTrace(
      `c${gi + 1}`,
      g.map((p) => kept[p]!.index),
      ctx.cells[g[0]!]!,
      ctx.inputs,
    ),
  );
  const done = (sample: number | null, reason: string, fallback?: string): Result => ({
    selection: {
      strategy: "sstar-reference",
      selectedSample: sample,
      selectedCluster: sample === null ? null : (clusters.find((c) => c.members.includes(sample))?.id ?? null),
      reason,
      ...(fallback ? { fallback } : {}),
    },
    inputs: [...inputsOut, ...extraInputs],
    clusters,
    matches,
    calls,
  });

  if (kept.length === 0) return done(null, "no candidates");
  // The reference returns the best-rate sample outright when none passes every public test.
  if (ctx.fallback) return done(kept[0]!.index, "lowest-index sample with the best public pass rate", ctx.fallback);
  if (kept.length === 1) return done(kept[0]!.index, "the only sample passing every public test");
  if (ctx.inputs.length === 0) return done(kept[0]!.index, "no synthesized inputs: the first public-passing sample");

  const maxSeparate = options.maxSeparateCalls ?? Infinity;
  const sampleScore = new Map<number, number>(kept.map((c) => [c.index, 0]));
  const cache = new Map<string, Promise<Score>>();

  const judgeBoth = async (a: CandidateInfo, b: CandidateInfo, inputs: SelInput[], outA: string[], outB: string[], codeOnly: boolean) => {
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
    const [ab, ba] = await Promise.all([env.judge(q(true)), env.judge(q(false))]);
    calls.judge += 2;
    return { ab, ba };
  };

  const match = (a: CandidateInfo, b: CandidateInfo): Promise<Score> => {
    const key = `${a.index}>${b.index}`;
    const hit = cache.get(key);
    if (hit) return hit;
    const p = (async (): Promise<Score> => {
      env.onEvent?.({ type: "match-started", a: `s${a.index}`, b: `s${b.index}` });
      let proposed: string[] = [];
      if (calls.separate < maxSeparate) {
        proposed = await env.separate(a, b);
        calls.separate++;
        env.onEvent?.({ type: "separate", a: a.index, b: b.index, inputs: proposed.length });
      }
      const inputs: SelInput[] = proposed.map((input, j) => ({ id: `ref-${a.index}-${b.index}-${j + 1}`, input, origin: "separating" }));
      extraInputs.push(...inputs);
      const res = inputs.length > 0 ? await env.execute([a, b], inputs) : new Map();
      const outA = inputs.map((_, j) => shown(res.get(a.index)?.[j]));
      const outB = inputs.map((_, j) => shown(res.get(b.index)?.[j]));
      const { ab, ba } = await judgeBoth(a, b, inputs, outA, outB, false);
      const s = scoreVerdicts(ab.choice, ba.choice);
      const winner = s.a > s.b ? "a" : s.b > s.a ? "b" : "tie";
      matches.push({
        a: `s${a.index}`,
        b: `s${b.index}`,
        inputs: inputs.map((inp, j) => ({ inputId: inp.id, input: inp.input, outputA: outA[j]!, outputB: outB[j]! })),
        votes: sides(ab, ba).votes,
        winner,
        note: "reference match between samples (a, b name samples s<index>)",
      });
      env.onEvent?.({ type: "match-finished", a: `s${a.index}`, b: `s${b.index}`, winner });
      return s;
    })();
    cache.set(key, p);
    return p;
  };

  for (let i = 0; i < ctx.inputs.length; i++) {
    // Per-input groups of non-error outputs, in sample order.
    const local: number[][] = [];
    kept.forEach((_, p) => {
      const cell = ctx.cells[p]![i];
      if (!cell?.ok) return;
      const home = local.find((g) => {
        const o = ctx.cells[g[0]!]![i]!.output;
        return o === cell.output || equivalent(o, cell.output);
      });
      if (home) home.push(p);
      else local.push([p]);
    });
    if (local.length < 2) continue;
    const totals = new Array<number>(local.length).fill(0);
    const jobs: Promise<void>[] = [];
    for (let x = 0; x < local.length; x++) {
      for (let y = x + 1; y < local.length; y++) {
        for (const pa of local[x]!) {
          for (const pb of local[y]!) {
            jobs.push(
              match(kept[pa]!, kept[pb]!).then((s) => {
                totals[x]! += s.a;
                totals[y]! += s.b;
              }),
            );
          }
        }
      }
    }
    await Promise.all(jobs);
    const top = Math.max(...totals);
    const winners = totals.filter((t) => t === top).length;
    if (winners === 1) {
      for (const p of local[totals.indexOf(top)]!) sampleScore.set(kept[p]!.index, sampleScore.get(kept[p]!.index)! + 1);
    }
  }

  const indices = kept.map((c) => c.index);
  let scores = indices.map((ix) => sampleScore.get(ix)!);
  if (scores.some((s) => s !== 0)) {
    const best = indices[argmaxFirst(scores)]!;
    return done(best, `highest tournament score (${sampleScore.get(best)}) over the per-input matches; ties go to the lowest index`);
  }

  // Fallback: code-only round-robin over all public-passing samples.
  const rr = new Map<number, number>(indices.map((ix) => [ix, 0]));
  const jobs: Promise<void>[] = [];
  for (let x = 0; x < kept.length; x++) {
    for (let y = x + 1; y < kept.length; y++) {
      const a = kept[x]!;
      const b = kept[y]!;
      jobs.push(
        judgeBoth(a, b, [], [], [], true).then(({ ab, ba }) => {
          const s = scoreVerdicts(ab.choice, ba.choice);
          rr.set(a.index, rr.get(a.index)! + s.a);
          rr.set(b.index, rr.get(b.index)! + s.b);
        }),
      );
    }
  }
  await Promise.all(jobs);
  scores = indices.map((ix) => rr.get(ix)!);
  const best = indices[argmaxFirst(scores)]!;
  return done(best, `every tournament score was 0: code-only round-robin, highest score (${rr.get(best)}); ties go to the lowest index`);
}
