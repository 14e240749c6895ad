// Hand-built selection worlds: candidates with known outputs per input, and judges with known
// behaviour. They implement SelectionEnv, the I/O boundary the engine passes in.
import type { CandidateInfo, Cell, JudgeAnswer, JudgeQuestion, SelectionEnv, SelInput } from "../../../src/engine/select/index.ts";

export const ERR = "!err";

/** rows[c][i]: output of candidate c on input i ("!err" = runtime error). */
export function world(
  rows: string[][],
  opts: { publicPassed?: number[]; publicTotal?: number; extra?: (candidate: number, input: string) => string } = {},
) {
  const n = rows[0]?.length ?? 0;
  const inputs: SelInput[] = Array.from({ length: n }, (_, i) => ({ id: `in${i + 1}`, input: `x${"_".repeat(i % 3)}${i}`, origin: "synthesized" }));
  const candidates: CandidateInfo[] = rows.map((_, c) => ({
    index: c,
    code: `def f(x): return program_${c}(x)`,
    publicPassed: opts.publicPassed?.[c] ?? opts.publicTotal ?? 1,
    publicTotal: opts.publicTotal ?? 1,
  }));
  // Extra inputs (from `separate`) get outputs "<input>:<candidate's first output>" so that
  // programs that differ anywhere differ there too.
  const cellOf = (c: number, input: string): Cell => {
    const i = inputs.findIndex((x) => x.input === input);
    const raw = i >= 0 ? rows[c]![i]! : (opts.extra?.(c, input) ?? `${input}:${rows[c]!.join(",")}`);
    return raw === ERR ? { ok: false, output: "error: ValueError" } : { ok: true, output: raw };
  };
  const codeIndex = (code: string) => candidates.findIndex((c) => c.code === code);
  return { inputs, candidates, cellOf, codeIndex };
}

export interface Recorder {
  judge: JudgeQuestion[];
  separate: [number, number][];
  executed: number;
}

export function env(
  w: ReturnType<typeof world>,
  judge: (first: number, second: number, q: JudgeQuestion) => JudgeAnswer["choice"],
  rec: Recorder = { judge: [], separate: [], executed: 0 },
  separating: string[] = ["s1", "s2"],
): SelectionEnv & { rec: Recorder } {
  return {
    rec,
    async execute(cands, inputs) {
      rec.executed += cands.length * inputs.length;
      return new Map(cands.map((c) => [c.index, inputs.map((i) => w.cellOf(c.index, i.input))]));
    },
    async separate(a, b) {
      rec.separate.push([a.index, b.index]);
      return separating;
    },
    async judge(q) {
      rec.judge.push(q);
      return { choice: judge(w.codeIndex(q.firstCode), w.codeIndex(q.secondCode), q) };
    },
    equivalent: (x, y) => x.trim() === y.trim(),
  };
}

/** A judge that always prefers a program from `good` over one outside it; otherwise tie. */
export function rightJudge(good: Set<number>) {
  return (first: number, second: number): JudgeAnswer["choice"] =>
    good.has(first) && !good.has(second) ? "first" : good.has(second) && !good.has(first) ? "second" : "tie";
}
