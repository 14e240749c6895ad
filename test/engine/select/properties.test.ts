// The promises of sstar selection (docs/selection.md), checked over random worlds of programs,
// outputs, copies and judges (worlds.ts). Fixed seeds keep CI deterministic; numRuns keeps the
// file within a few seconds. For a longer search: PROPERTY_RUNS=5000 PROPERTY_SEED=random.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { verdictVotes } from "../../../src/engine/select/common.ts";
import { defaultCallBudget, posterior, select, type SelectionTrace } from "../../../src/engine/select/index.ts";
import type { Vote } from "../../../src/engine/select/posterior.ts";
import {
  candidatesOf,
  codeOf,
  JUDGE_KINDS,
  optionsArb,
  relabel,
  synthesizedOf,
  worldArb,
  worldEnv,
  type Calls,
  type JudgeKind,
  type Out,
  type World,
} from "./worlds.ts";

const RUNS = Number(process.env.PROPERTY_RUNS ?? 150);
const seed = (fixed: number): number | undefined => (process.env.PROPERTY_SEED === "random" ? undefined : fixed);
const run = (w: World, judge: JudgeKind, options = {}, rec?: Calls, favour?: string): Promise<SelectionTrace> =>
  select("sstar", candidatesOf(w), synthesizedOf(w), worldEnv(w, judge, rec, favour), options);
const callsOf = (t: SelectionTrace): number => t.calls.judge + t.calls.separate;
const posteriorIn = (reason: string): number | undefined => {
  const m = /posterior,? (\d\.\d\d)/.exec(reason);
  return m ? Number(m[1]) : undefined;
};
/** The pick rule inside a cluster: most copies, then the lowest sample index. */
function mostCopied(w: World, members: readonly number[]): number {
  const copies = (s: number) => members.filter((m) => codeOf(w, m) === codeOf(w, s)).length;
  return [...members].sort((x, y) => copies(y) - copies(x) || x - y)[0]!;
}

/**
 * The posterior over the reported clusters from their sizes (worlds without errors) and the
 * trace's votes, each question's two orders read by the documented rule (verdictVotes), plus
 * `extra` votes.
 */
function posteriorFromTrace(t: SelectionTrace, extra?: { winner: number; loser: number; count: number }): number[] {
  const pos = (id: string) => t.clusters.findIndex((c) => c.id === id);
  const votes: Vote[] = [];
  for (const m of t.matches.filter((x) => pos(x.a) >= 0)) {
    for (let v = 0; v + 1 < m.votes.length; v += 2) {
      const { winner, votes: n } = verdictVotes(m.votes[v]!.choice, m.votes[v + 1]!.choice);
      const [a, b] = [pos(m.a), pos(m.b)];
      for (let k = 0; k < n; k++) votes.push(winner === "a" ? { winner: a, loser: b } : { winner: b, loser: a });
    }
  }
  for (let k = 0; k < (extra?.count ?? 0); k++) votes.push({ winner: extra!.winner, loser: extra!.loser });
  const n = t.clusters.reduce((s, c) => s + c.members.length, 0);
  return posterior(t.clusters.map((c) => c.members.length / n), votes);
}

/** Classes of programs that agree on every input; a class's programs come in distinct numbers of copies. */
interface ClassSpec {
  outputs: Out[];
  copies: number[];
}
function classWorld(classes: readonly ClassSpec[], nSynth: number, correctClass: number): World {
  const n = classes[0]!.outputs.length;
  const programs = classes.flatMap((c, k) => c.copies.map((_, j) => ({ code: `def f(x): return c${k}_${j}(x)`, outputs: c.outputs, correct: k === correctClass })));
  const samples: number[] = [];
  let p = 0;
  for (const c of classes) {
    for (const copies of c.copies) {
      samples.push(...Array.from({ length: copies }, () => p));
      p++;
    }
  }
  return {
    synth: Array.from({ length: nSynth }, (_, i) => `s${i}`),
    pool: Array.from({ length: n - nSynth }, (_, j) => `p${j}`),
    truth: classes[correctClass]!.outputs.map((o) => o ?? "0"),
    programs,
    samples,
  };
}
/**
 * Worlds where no tie is left for the sample index to break: classes of distinct sizes, each told
 * apart from the others by the first synthesized input, programs inside a class in distinct
 * numbers of copies.
 */
const tieFreeWorldArb = (opts: { classes: [number, number]; errors: boolean }): fc.Arbitrary<World> =>
  fc
    .record({ k: fc.integer({ min: opts.classes[0], max: opts.classes[1] }), nSynth: fc.integer({ min: 1, max: 3 }), nPool: fc.integer({ min: 0, max: 3 }) })
    .chain(({ k, nSynth, nPool }) =>
      fc.record({
        classes: fc.array(
          fc.record({
            rest: fc.array(opts.errors ? fc.option(fc.constantFrom("a", "b"), { freq: 5, nil: null }) : fc.constantFrom("a", "b"), {
              minLength: nSynth + nPool - 1,
              maxLength: nSynth + nPool - 1,
            }),
            copies: fc.uniqueArray(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 3 }),
          }),
          { minLength: k, maxLength: k },
        ),
        nSynth: fc.constant(nSynth),
        correct: fc.integer({ min: 0, max: k - 1 }),
      }),
    )
    .filter(({ classes }) => new Set(classes.map((c) => c.copies.reduce((s, x) => s + x, 0))).size === classes.length)
    .map(({ classes, nSynth, correct }) =>
      classWorld(
        classes.map((c, k) => ({ outputs: [`class${k}`, ...c.rest], copies: c.copies })),
        nSynth,
        Math.min(correct, classes.length - 1),
      ),
    );

const permutationOf = (n: number): fc.Arbitrary<number[]> =>
  fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: n, maxLength: n }).map((keys) => {
    const order = keys.map((k, i) => [k, i] as const).sort((x, y) => x[0] - y[0] || x[1] - y[1]);
    const perm = new Array<number>(n);
    order.forEach(([, s], rank) => (perm[s] = rank));
    return perm;
  });

describe("sstar properties", () => {
  it("never makes more than max(15, 3 x (clusters - 1)) selection calls, nor asks the same question twice", async () => {
    await fc.assert(
      fc.asyncProperty(worldArb(), fc.constantFrom(...JUDGE_KINDS), optionsArb, async (w, judge, options) => {
        const rec: Calls = { judge: [], separate: [] };
        const t = await run(w, judge, options, rec);
        expect(callsOf(t)).toBeLessThanOrEqual(defaultCallBudget(t.clusters.length));
        expect(t.calls).toEqual({ judge: rec.judge.length, separate: rec.separate.length });
        const asked = rec.judge.map((q) => JSON.stringify([q.firstCode, q.secondCode, q.inputs.map((i) => i.input), q.codeOnly]));
        expect(new Set(asked).size).toBe(asked.length);
        // The report: clusters by size, each agreeing on every input kept, the pick inside its cluster.
        const sizes = t.clusters.map((c) => c.members.length);
        expect(sizes).toEqual([...sizes].sort((x, y) => y - x));
        const kept = t.inputs.filter((i) => i.dropped === undefined).map((i) => i.input);
        const all = [...w.synth, ...w.pool];
        for (const c of t.clusters) {
          for (const input of kept) expect(new Set(c.members.map((m) => String(w.programs[w.samples[m]!]!.outputs[all.indexOf(input)]))).size).toBe(1);
        }
        expect(t.clusters.find((c) => c.id === t.selection.selectedCluster)?.members).toContain(t.selection.selectedSample);
      }),
      { numRuns: RUNS * 2, seed: seed(1501) },
    );
  });

  it("relabelling the samples changes nothing when no tie is left for the sample index to break", async () => {
    const arb = tieFreeWorldArb({ classes: [1, 4], errors: true }).chain((w) => fc.tuple(fc.constant(w), permutationOf(w.samples.length)));
    await fc.assert(
      fc.asyncProperty(arb, fc.constantFrom<JudgeKind>("perfect", "hash", "first", "tie"), optionsArb, async ([w, perm], judge, options) => {
        const before = await run(w, judge, options);
        const moved = relabel(w, perm);
        const after = await run(moved, judge, options);
        expect(codeOf(moved, after.selection.selectedSample)).toBe(codeOf(w, before.selection.selectedSample));
        expect(callsOf(after)).toBe(callsOf(before));
        expect(after.clusters.map((c) => c.members.length)).toEqual(before.clusters.map((c) => c.members.length));
      }),
      { numRuns: RUNS, seed: seed(1502) },
    );
  });

  it("adding copies of the selected program never changes the pick to another program", async () => {
    // More copies change which questions are worth asking; the promise is about the evidence, so
    // the judge never argues against the selected program (it wins wherever it is shown) and
    // answers every other question as before.
    await fc.assert(
      fc.asyncProperty(worldArb(), fc.constantFrom(...JUDGE_KINDS), optionsArb, fc.integer({ min: 1, max: 6 }), async (w, judge, options, extra) => {
        const first = await run(w, judge, options);
        const picked = w.samples[first.selection.selectedSample!]!;
        const code = w.programs[picked]!.code;
        const before = await run(w, judge, options, undefined, code);
        fc.pre(w.samples[before.selection.selectedSample!] === picked);
        const more = { ...w, samples: [...w.samples, ...Array.from({ length: extra }, () => picked)] };
        const after = await run(more, judge, options, undefined, code);
        expect(more.samples[after.selection.selectedSample!]).toBe(picked);
      }),
      { numRuns: RUNS, seed: seed(1503) },
    );
  });

  it("a judge that contradicts itself in every match leaves the pick to the prior: the largest cluster, its most-copied program", async () => {
    await fc.assert(
      fc.asyncProperty(worldArb({ errors: false }), fc.constantFrom<JudgeKind>("first", "second"), optionsArb, async (w, judge, options) => {
        const t = await run(w, judge, options);
        const top = t.clusters[0]!;
        expect(t.selection.selectedCluster).toBe(top.id);
        expect(t.selection.selectedSample).toBe(mostCopied(w, top.members));
        if (t.clusters.length > 1) {
          expect(t.selection.reason).toMatch(/ 0 judge votes naming a side/);
          expect(posteriorIn(t.selection.reason)).toBe(Number((top.members.length / w.samples.length).toFixed(2)));
        }
      }),
      { numRuns: RUNS, seed: seed(1504) },
    );
  });

  it("a perfect judge picks a correct program whenever the inputs tell every wrong candidate from the correct ones", async () => {
    await fc.assert(
      fc.asyncProperty(worldArb(), optionsArb, async (w, options) => {
        const all = [...w.synth, ...w.pool];
        // Inputs the selection may trust: fewer than 3/4 of the candidates error on them.
        const errors = (i: number) => w.samples.filter((p) => w.programs[p]!.outputs[i] === null).length;
        const trusted = all.map((_, i) => i).filter((i) => errors(i) / w.samples.length < 0.75);
        const used = [...new Set(w.samples)];
        fc.pre(used.some((p) => w.programs[p]!.correct));
        fc.pre(used.every((p) => w.programs[p]!.correct || trusted.some((i) => w.programs[p]!.outputs[i] !== w.truth[i])));
        // ...and one question (two votes, both orders) can overturn the sizes: no wrong output
        // vector is shared by more than 7 times as many candidates as the correct one (the
        // posterior trusts a judge at most 90%: two votes are worth a factor 7.7).
        const vector = (p: number) => JSON.stringify(trusted.map((i) => w.programs[p]!.outputs[i]));
        const count = (v: string) => w.samples.filter((p) => vector(p) === v).length;
        const right = count(JSON.stringify(trusted.map((i) => w.truth[i])));
        fc.pre(used.every((p) => w.programs[p]!.correct || count(vector(p)) <= 7 * right));
        // ...and the budget is not what runs out: at most 3 clusters, however the inputs split them.
        fc.pre(new Set(w.samples.map(vector)).size <= 3);
        // Separating inputs inside a cluster come from probing it: that must be on.
        const t = await run(w, "perfect", { ...options, probeAgreeing: true });
        expect(w.programs[w.samples[t.selection.selectedSample!]!]!.correct).toBe(true);
      }),
      { numRuns: RUNS, seed: seed(1505) },
    );
  });

  it("with calls left and the leader unsure, the schedule stops only once no new evidence could change the pick", async () => {
    // Two clusters whose programs agree on every input (no split), no errors, no review: every
    // spare call is the schedule's.
    const arb = tieFreeWorldArb({ classes: [2, 2], errors: false });
    await fc.assert(
      fc.asyncProperty(arb, fc.constantFrom<JudgeKind>("hash", "tie", "first", "second", "perfect"), async (w, judge) => {
        const rec: Calls = { judge: [], separate: [] };
        const t = await run(w, judge, { codeReview: false }, rec);
        expect(t.clusters).toHaveLength(2);
        const left = defaultCallBudget(2) - callsOf(t);
        const post = posteriorFromTrace(t);
        const leader = post[0]! >= post[1]! ? 0 : 1;
        if (post[leader]! >= 0.95 || left < 3) return;
        // Could a rematch on a fresh input still turn the pick? The schedule looks up to 2
        // matches ahead, each costing 2 calls, after the `separate` call that finds the input.
        const rounds = Math.min(2, Math.floor((left - 1) / 2));
        const turned = posteriorFromTrace(t, { winner: 1 - leader, loser: leader, count: 2 * rounds });
        if (turned[1 - leader]! <= turned[leader]!) return;
        // Then every input telling the two apart was shown, and the model was asked for more.
        const [x, y] = t.clusters.map((c) => codeOf(w, c.representative)!);
        const shown = new Set(t.matches.flatMap((m) => m.inputs.map((i) => i.input)));
        const outputs = t.clusters.map((c) => c.outputs);
        for (const inp of t.inputs.filter((i) => i.dropped === undefined)) {
          if (outputs[0]![inp.id] !== outputs[1]![inp.id]) expect(shown.has(inp.input)).toBe(true);
        }
        expect(rec.separate.some(([a, b]) => (a === x && b === y) || (a === y && b === x))).toBe(true);
      }),
      { numRuns: RUNS, seed: seed(1506) },
    );
  });
});
