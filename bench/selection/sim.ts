// The simulated model for the selection benchmark (no model is reachable here): a judge that is
// right with a set probability and a `separate` that proposes held-out model inputs.
import type { CandidateInfo, Cell, JudgeAnswer, JudgeQuestion, SelectionEnv, SelInput } from "../../src/engine/select/index.ts";

/** Deterministic 32-bit hash of a string (FNV-1a). */
export function hash32(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** mulberry32: a small seeded PRNG. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function shuffled<T>(items: readonly T[], random: () => number): T[] {
  const a = [...items];
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
}

export interface SimWorld {
  /** Cells of a program (by its code) on an input (by its text). */
  cell(code: string, input: string): Cell;
  /** Hidden grading. */
  correct(code: string): boolean;
  /** Model inputs not given as synthesized inputs in this draw: what `separate` may propose. */
  heldOut: string[];
}

export interface SimCounters {
  judge: number;
  separate: number;
}

export interface SimJudge {
  /** Right this often when shown outputs and exactly one of the two programs is correct. */
  accuracy: number;
  /**
   * Right this often on code-only questions (no outputs shown: sstar's code review, the
   * reference's fallback round-robin): a real judge reading code alone is weaker.
   */
  codeAccuracy: number;
}

/**
 * A judge right with probability `judge.accuracy` (`judge.codeAccuracy` for a code-only question)
 * when exactly one of the two programs is correct. Between two correct or two wrong programs it
 * answers first/second at random (no ties), which is the harshest reading. Answers depend only on
 * (seed, question, how many times it was asked), so they don't depend on call order.
 */
export function simEnv(world: SimWorld, judge: SimJudge, seed: string, counters: SimCounters): SelectionEnv {
  const asked = new Map<string, number>();
  return {
    async execute(candidates: CandidateInfo[], inputs: SelInput[]) {
      return new Map(candidates.map((c) => [c.index, inputs.map((i) => world.cell(c.code, i.input))]));
    },
    async separate(a: CandidateInfo, b: CandidateInfo) {
      counters.separate++;
      // A good model shown both programs proposes inputs where they differ: up to 3 held-out
      // model inputs that separate them, else 3 held-out inputs (seeded choice).
      const differ = world.heldOut.filter((inp) => {
        const x = world.cell(a.code, inp);
        const y = world.cell(b.code, inp);
        return x.ok !== y.ok || x.output !== y.output;
      });
      if (differ.length > 0) return differ.slice(0, 3);
      return shuffled(world.heldOut, rng(hash32(`${seed}|sep|${a.code}|${b.code}`))).slice(0, 3);
    },
    async judge(q: JudgeQuestion): Promise<JudgeAnswer> {
      counters.judge++;
      const key = JSON.stringify(q);
      const n = (asked.get(key) ?? 0) + 1;
      asked.set(key, n);
      const r = rng(hash32(`${seed}|judge|${key}|${n}`))();
      const fc = world.correct(q.firstCode);
      const sc = world.correct(q.secondCode);
      if (fc === sc) return { choice: r < 0.5 ? "first" : "second" };
      const right = fc ? "first" : "second";
      const wrong = fc ? "second" : "first";
      return { choice: r < (q.codeOnly === true ? judge.codeAccuracy : judge.accuracy) ? right : wrong };
    },
    equivalent: (x, y) => x === y,
  };
}

/**
 * ExPairT's equivalence question, simulated ("give an input on which these two programs differ,
 * or NO_DIFF"), one call. When some held-out model input separates the two programs, the model
 * names one of them (a seeded choice) with probability `judge.codeAccuracy` (it reads code only)
 * and otherwise answers NO_DIFF; when none does, whatever it answers separates nothing, which the
 * caller checks by running both, so it is simulated as NO_DIFF.
 */
export function simEquivalence(world: SimWorld, judge: SimJudge, seed: string, counters: SimCounters) {
  const asked = new Map<string, number>();
  return async (a: CandidateInfo, b: CandidateInfo): Promise<string | null> => {
    counters.judge++;
    const key = `${a.code}|${b.code}`;
    const n = (asked.get(key) ?? 0) + 1;
    asked.set(key, n);
    const differ = world.heldOut.filter((inp) => {
      const x = world.cell(a.code, inp);
      const y = world.cell(b.code, inp);
      return x.ok !== y.ok || x.output !== y.output;
    });
    if (differ.length === 0) return null;
    const r = rng(hash32(`${seed}|equivalence|${key}|${n}`));
    if (r() >= judge.codeAccuracy) return null;
    return shuffled(differ, r)[0]!;
  };
}
