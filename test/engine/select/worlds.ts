// Random selection worlds for the property tests: programs with known outputs on the synthesized
// inputs and on a pool of inputs only `separate` proposes, samples that are copies of them, and
// judges with known behaviour. They implement SelectionEnv, the I/O boundary the engine passes in.
import fc from "fast-check";
import type { CandidateInfo, Cell, JudgeAnswer, JudgeQuestion, SelectionEnv, SelectOptions, SelInput } from "../../../src/engine/select/index.ts";

/** An output, or null for a runtime error. */
export type Out = string | null;

export interface Program {
  code: string;
  /** Outputs on synth[i] then pool[j], in that order. */
  outputs: Out[];
  correct: boolean;
}

export interface World {
  synth: string[];
  pool: string[];
  programs: Program[];
  /** samples[s]: the program sample s is a copy of. */
  samples: number[];
  /** The output of the correct programs per input (synth then pool). */
  truth: string[];
}

export type JudgeKind = "perfect" | "first" | "second" | "tie" | "hash";
export const JUDGE_KINDS: readonly JudgeKind[] = ["perfect", "first", "second", "tie", "hash"];

export interface Calls {
  judge: JudgeQuestion[];
  separate: [string, string][];
}

const inputsOf = (w: World): string[] => [...w.synth, ...w.pool];

export function candidatesOf(w: World): CandidateInfo[] {
  return w.samples.map((p, s) => ({ index: s, code: w.programs[p]!.code, publicPassed: 1, publicTotal: 1 }));
}

export function synthesizedOf(w: World): SelInput[] {
  return w.synth.map((input, i) => ({ id: `in${i + 1}`, input, origin: "synthesized" }));
}

function cellOf(w: World, code: string, input: string): Cell {
  const prog = w.programs.find((p) => p.code === code)!;
  const out = prog.outputs[inputsOf(w).indexOf(input)];
  return out === null || out === undefined ? { ok: false, output: "error: ValueError" } : { ok: true, output: out };
}

/** FNV-1a, for judges whose answers are a fixed function of the question. */
function hash(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/**
 * perfect: names the correct program when exactly one of the two is (hidden grading, as the
 * benchmark's judge at accuracy 1), else tie; first/second: position bias only; tie: never decides;
 * hash: a fixed arbitrary answer per question (what is shown, outputs and code-only questions
 * alike, never the code of an output question: the same shown outputs get the same answer
 * whichever program printed them). With `favour`, a side showing that program's outputs (or, code
 * only, its code) wins and the other side never does; questions without it are answered by `kind`.
 */
function answer(w: World, kind: JudgeKind, q: JudgeQuestion, favour?: string): JudgeAnswer["choice"] {
  const prog = (code: string) => w.programs.find((p) => p.code === code)!;
  if (favour !== undefined) {
    const fav = prog(favour);
    const all = inputsOf(w);
    const isFav = (code: string, side: "firstOutput" | "secondOutput") =>
      q.codeOnly ? code === favour : q.inputs.every((i) => String(fav.outputs[all.indexOf(i.input)] ?? null) === String(outputOf(i[side])));
    const [a, b] = [isFav(q.firstCode, "firstOutput"), isFav(q.secondCode, "secondOutput")];
    if (a || b) return a && !b ? "first" : b && !a ? "second" : "tie";
  }
  if (kind === "first" || kind === "second" || kind === "tie") return kind;
  if (kind === "hash") {
    const shown = q.codeOnly ? [q.firstCode, q.secondCode] : q.inputs.map((i) => [i.input, i.firstOutput, i.secondOutput]);
    return (["first", "second", "tie", "invalid"] as const)[hash(JSON.stringify(shown)) % 4]!;
  }
  const [a, b] = [prog(q.firstCode).correct, prog(q.secondCode).correct];
  return a && !b ? "first" : b && !a ? "second" : "tie";
}

/** A shown output back to the world's form (errors are shown as "(no output: ...)"). */
const outputOf = (shown: string): Out => (shown.startsWith("(no output") ? null : shown);

/** `separate` proposes up to 2 pool inputs where the two programs differ, else the first 2. */
export function worldEnv(w: World, judge: JudgeKind, rec: Calls = { judge: [], separate: [] }, favour?: string): SelectionEnv & { rec: Calls } {
  const differ = (x: Cell, y: Cell) => x.ok !== y.ok || x.output !== y.output;
  return {
    rec,
    async execute(cands, inputs) {
      return new Map(cands.map((c) => [c.index, inputs.map((i) => cellOf(w, c.code, i.input))]));
    },
    async separate(a, b) {
      rec.separate.push([a.code, b.code]);
      const apart = w.pool.filter((inp) => differ(cellOf(w, a.code, inp), cellOf(w, b.code, inp)));
      return (apart.length > 0 ? apart : w.pool).slice(0, 2);
    },
    async judge(q) {
      rec.judge.push(q);
      return { choice: answer(w, judge, q, favour) };
    },
    equivalent: (x, y) => x === y,
  };
}

/** Outputs drawn from a small alphabet so that programs often agree; `errors` adds runtime errors. */
const out = (errors: boolean): fc.Arbitrary<Out> =>
  errors ? fc.oneof({ weight: 5, arbitrary: fc.constantFrom("0", "1", "2") }, { weight: 1, arbitrary: fc.constant(null) }) : fc.constantFrom("0", "1", "2");

/**
 * A world: 1-4 synthesized inputs, 0-4 pool inputs, 1-6 programs and 2-14 samples. Correct
 * programs print the truth everywhere; wrong ones print anything (they may agree with the truth
 * on some or all inputs, and then only their code tells them apart).
 */
export function worldArb(opts: { errors?: boolean; maxSamples?: number } = {}): fc.Arbitrary<World> {
  const errors = opts.errors ?? true;
  return fc
    .record({ nSynth: fc.integer({ min: 1, max: 4 }), nPool: fc.integer({ min: 0, max: 4 }), nProg: fc.integer({ min: 1, max: 6 }) })
    .chain(({ nSynth, nPool, nProg }) => {
      const n = nSynth + nPool;
      return fc.record({
        truth: fc.array(fc.constantFrom("0", "1", "2"), { minLength: n, maxLength: n }),
        wrong: fc.array(fc.array(out(errors), { minLength: n, maxLength: n }), { minLength: nProg, maxLength: nProg }),
        correct: fc.array(fc.boolean(), { minLength: nProg, maxLength: nProg }),
        samples: fc.array(fc.integer({ min: 0, max: nProg - 1 }), { minLength: 2, maxLength: opts.maxSamples ?? 14 }),
        nSynth: fc.constant(nSynth),
      });
    })
    .map(({ truth, wrong, correct, samples, nSynth }) => ({
      synth: truth.slice(0, nSynth).map((_, i) => `s${i}`),
      pool: truth.slice(nSynth).map((_, j) => `p${j}`),
      truth,
      programs: wrong.map((outs, p) => ({ code: `def f(x): return v${p}(x)`, outputs: correct[p] ? [...truth] : outs, correct: correct[p]! })),
      samples,
    }));
}

export const optionsArb: fc.Arbitrary<SelectOptions> = fc.record({
  codeReview: fc.boolean(),
  probeAgreeing: fc.boolean(),
});

/** The same world with sample s renamed perm[s] (samples listed in the new order). */
export function relabel(w: World, perm: readonly number[]): World {
  const samples = new Array<number>(w.samples.length);
  w.samples.forEach((p, s) => (samples[perm[s]!] = p));
  return { ...w, samples };
}

export const codeOf = (w: World, sample: number | null): string | undefined => (sample === null ? undefined : w.programs[w.samples[sample]!]!.code);
