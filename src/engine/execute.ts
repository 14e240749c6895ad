// Running candidates in the sandbox: public tests while debugging, synthesized inputs while
// selecting. Every run goes through the sandbox's pool, so they all overlap up to its width.
import { gradeProgram } from "../sandbox/index.ts";
import type { RunResult } from "../sandbox/types.ts";
import type { TestResult } from "./report.ts";
import type { CandidateInfo, Cell, SelInput } from "./select/types.ts";
import { RunStopped, type RunContext } from "./context.ts";
import type { PublicGrade } from "./public-grade.ts";
import type { FeedbackTest } from "./prompts.ts";
import { cutText } from "./text.ts";
import { compactOutput } from "./output-digest.ts";
import type { ResolvedChecker } from "../spec/schema.ts";

/** Outputs kept in the report are cut to this many characters. */
export const REPORT_OUTPUT_CHARS = 2000;

// Defined beside the run's state (context.ts memoizes grades), re-exported for the stages that grade.
export type { PublicGrade } from "./public-grade.ts";

/** Public-test grades per program, memoized per run: samples often write identical programs. */
export function gradePublic(ctx: RunContext, code: string): Promise<PublicGrade> {
  let p = ctx.grades.get(code);
  if (!p) {
    p = gradePublicNow(ctx, code);
    ctx.grades.set(code, p);
    p.catch(() => ctx.grades.delete(code));
  }
  return p;
}

async function gradePublicNow(ctx: RunContext, code: string): Promise<PublicGrade> {
  const spec = ctx.spec;
  const tests = spec.tests.public;
  const grade = await ctx.clock.time("test", () => gradeProgram(ctx.sandbox, spec, { language: spec.language, code }, tests));
  const results: TestResult[] = [];
  const feedback: FeedbackTest[] = [];
  grade.outcomes.forEach((o, i) => {
    const test = tests[i];
    const name = o.test || `${i + 1}`;
    results.push({
      test: name,
      verdict: o.verdict,
      timeMs: Math.round(o.timeMs),
      ...(o.output !== "" || o.verdict === "wrong-answer" ? { output: cutText(o.output, REPORT_OUTPUT_CHARS) } : {}),
      ...(o.message ? { message: cutText(o.message, REPORT_OUTPUT_CHARS) } : {}),
    });
    feedback.push({
      name,
      input: test?.assert ?? test?.input ?? "",
      ...(test?.output !== undefined ? { expected: test.output } : {}),
      ...(o.verdict !== "time-limit" ? { actual: o.output } : {}),
      verdict: o.verdict,
      ...(o.message ? { message: o.message } : {}),
    });
  });
  return { passed: grade.passed, total: grade.total, results, feedback };
}

/**
 * A run's result as selection sees it: the output when it ran cleanly (a large one as the digest of
 * its answer under the checker, with its first characters), else its status.
 */
export function toCell(run: RunResult, checker: ResolvedChecker, format: "text" | "json"): Cell {
  return run.status === "ok" ? { ok: true, ...compactOutput(run.output, checker, format) } : { ok: false, output: run.status };
}

/**
 * One program on one input, memoized per run: selection asks for the same (program, input) cells
 * that were already computed ahead of time (see `prefetchCells`). A failed run is forgotten so a
 * later request retries it.
 */
export function runCell(ctx: RunContext, code: string, input: string): Promise<Cell> {
  const key = `${code}\u0000${input}`;
  let p = ctx.cells.get(key);
  if (!p) {
    const spec = ctx.spec;
    p = (async () => {
      if (ctx.stopped === "aborted") throw new RunStopped("aborted");
      const run = await ctx.clock.time("execute", () =>
        ctx.sandbox.run({ program: { language: spec.language, code }, io: spec.io, input, limits: spec.limits }),
      );
      return toCell(run, spec.checker, spec.io.kind === "function" ? "json" : "text");
    })();
    ctx.cells.set(key, p);
    p.then(
      (cell) => ctx.settledCells.set(key, cell),
      () => ctx.cells.delete(key),
    );
  }
  return p;
}

/**
 * Starts running a finished candidate on the synthesized inputs while other samples are still
 * being debugged, so selection finds its cells ready. Errors are left for selection to meet.
 */
export function prefetchCells(ctx: RunContext, code: string, inputs: readonly SelInput[]): void {
  for (const inp of inputs) runCell(ctx, code, inp.input).catch(() => {});
}

/** Runs every candidate on every input, all at once (the sandbox pool bounds the parallelism). Cells align with `inputs`. */
export async function executeCandidates(
  ctx: RunContext,
  candidates: readonly CandidateInfo[],
  inputs: readonly SelInput[],
): Promise<Map<number, Cell[]>> {
  const out = new Map<number, Cell[]>();
  await Promise.all(
    candidates.map(async (c) => {
      out.set(c.index, await Promise.all(inputs.map((inp) => runCell(ctx, c.code, inp.input))));
    }),
  );
  return out;
}
