// Grades one program on a list of tests: run each in the sandbox, compare, map to a verdict.
import { compareJsonOutputs, compareOutputs } from "../checkers/index.ts";
import type { ProblemSpec, ResolvedChecker, TestCase } from "../spec/schema.ts";
import type { Program, RunResult, Sandbox, Verdict } from "./types.ts";
import type { CheckerOutcome } from "./verdict.ts";
import { verdictFor } from "./verdict.ts";

export interface TestOutcome {
  test: string;
  verdict: Verdict;
  timeMs: number;
  memoryKb: number | null;
  output: string;
  expected?: string;
  message?: string;
}

export interface GradeResult {
  outcomes: TestOutcome[];
  passed: number;
  total: number;
  allPassed: boolean;
}

export const OUTPUT_KEEP_BYTES = 4096;

/** Cuts long text to about 4 KiB, saying how much was left out. */
export function truncateOutput(text: string, keep = OUTPUT_KEEP_BYTES): string {
  const bytes = Buffer.byteLength(text);
  if (bytes <= keep) return text;
  const head = Buffer.from(text).subarray(0, keep).toString("utf8").replace(/\uFFFD$/, "");
  return `${head}\n[... ${bytes - Buffer.byteLength(head)} more bytes cut]`;
}

/** Custom checkers run in the sandbox too, testlib-style: checker INPUT OUTPUT ANSWER; exit 0 accepts. */
export async function runCustomChecker(
  sandbox: Sandbox,
  checker: Extract<ResolvedChecker, { kind: "custom" }>,
  spec: ProblemSpec,
  test: TestCase,
  actual: string,
): Promise<CheckerOutcome> {
  const r = await sandbox.run({
    program: { language: checker.language, code: checker.program },
    io: { kind: "stdio" },
    input: "",
    limits: { timeMs: Math.max(spec.limits.timeMs, 5000), memoryMb: Math.max(spec.limits.memoryMb, 256) },
    files: { "input.txt": test.input, "output.txt": actual, "answer.txt": test.output ?? "" },
  });
  const said = (r.output.trim() || r.stderrTail.trim()).split("\n").slice(-3).join(" ");
  if (r.status === "ok") return { ok: true, ...(said ? { message: said } : {}) };
  if (r.status === "runtime-error" && r.exitCode !== null && r.exitCode > 0 && r.exitCode < 3) return { ok: false, message: said || "rejected by the checker" };
  return { ok: false, message: `the checker failed (${r.status}${r.exitCode !== null ? `, exit ${r.exitCode}` : ""}): ${said}` };
}

async function gradeOne(sandbox: Sandbox, spec: ProblemSpec, program: Program, test: TestCase): Promise<TestOutcome> {
  const result: RunResult = await sandbox.run({
    program,
    io: spec.io,
    input: test.input,
    ...(test.assert !== undefined ? { assert: test.assert } : {}),
    limits: spec.limits,
  });
  let checked: CheckerOutcome = null;
  if (result.status === "ok" && test.assert === undefined && test.output !== undefined) {
    const c = spec.checker;
    checked =
      c.kind === "custom"
        ? await runCustomChecker(sandbox, c, spec, test, result.output)
        : spec.io.kind === "function"
          ? compareJsonOutputs(c, test.output, result.output)
          : compareOutputs(c, test.output, result.output);
  }
  const { verdict, message } = verdictFor(result, test, checked);
  return {
    test: test.name,
    verdict,
    timeMs: result.timeMs,
    memoryKb: result.memoryKb,
    output: truncateOutput(result.output),
    ...(test.output !== undefined ? { expected: truncateOutput(test.output) } : {}),
    ...(message !== undefined ? { message } : {}),
  };
}

export async function gradeProgram(
  sandbox: Sandbox,
  spec: ProblemSpec,
  program: Program,
  tests: TestCase[],
  options: { stopOnFirstFailure?: boolean } = {},
): Promise<GradeResult> {
  let outcomes: TestOutcome[];
  if (options.stopOnFirstFailure) {
    // In windows, so the pool stays busy; outcomes after the first failure are dropped.
    const window = Math.max(1, (sandbox as { workers?: number }).workers ?? 2);
    outcomes = [];
    for (let i = 0; i < tests.length; i += window) {
      const batch = await Promise.all(tests.slice(i, i + window).map((t) => gradeOne(sandbox, spec, program, t)));
      const firstBad = batch.findIndex((o) => o.verdict !== "accepted");
      if (firstBad >= 0) {
        outcomes.push(...batch.slice(0, firstBad + 1));
        break;
      }
      outcomes.push(...batch);
    }
  } else {
    outcomes = await Promise.all(tests.map((t) => gradeOne(sandbox, spec, program, t)));
  }
  const passed = outcomes.filter((o) => o.verdict === "accepted").length;
  return { outcomes, passed, total: tests.length, allPassed: passed === tests.length };
}
