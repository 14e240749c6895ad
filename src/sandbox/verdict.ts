// The verdict of one test, from how the run ended and what the checker said. Pure.
import type { TestCase } from "../spec/schema.ts";
import type { RunResult, RunStatus, Verdict } from "./types.ts";

/** What comparing the output said; null when no comparison was made (the run failed first). */
export type CheckerOutcome = { ok: boolean; message?: string } | null;

const STATUS_VERDICT: Record<Exclude<RunStatus, "ok">, Verdict> = {
  "time-limit": "time-limit",
  "memory-limit": "memory-limit",
  "runtime-error": "runtime-error",
  "compile-error": "compile-error",
  "output-limit": "output-limit",
};

function lastLines(text: string, n: number): string {
  return text.trim().split("\n").slice(-n).join("\n");
}

export function verdictFor(result: RunResult, test: TestCase, checker: CheckerOutcome): { verdict: Verdict; message?: string } {
  if (result.status !== "ok") {
    const verdict = STATUS_VERDICT[result.status];
    const tail = lastLines(result.stderrTail, result.status === "compile-error" ? 20 : 6);
    const how =
      result.status === "runtime-error"
        ? result.signal !== null
          ? `killed by ${result.signal}`
          : result.exitCode !== null
            ? `exit code ${result.exitCode}`
            : "did not run"
        : result.status;
    return { verdict, message: tail === "" ? how : `${how}: ${tail}` };
  }
  // Assertion tests: only the judge's word counts; a clean run of the program alone is not a pass.
  if (test.assert !== undefined) {
    if (result.judged?.passed === true) return { verdict: "accepted" };
    return { verdict: "wrong-answer", message: result.judged?.message || "the assertion test was not judged" };
  }
  if (checker === null) {
    // Nothing to compare against: it ran cleanly, which is all that can be said.
    return test.output === undefined ? { verdict: "accepted", message: "no expected output: only checked that it runs" } : { verdict: "wrong-answer", message: "output was not checked" };
  }
  return checker.ok ? { verdict: "accepted", ...(checker.message ? { message: checker.message } : {}) } : { verdict: "wrong-answer", message: checker.message ?? "wrong answer" };
}

/**
 * A verdict message in one line: "exit code 1: ZeroDivisionError: division by zero", not the
 * traceback's first line. From a crash's stderr tail it keeps the exception's line (Python prints
 * it last, Node first before the "at" lines, C++ after "what():"), else the last line that is
 * not a stack frame.
 */
export function messageLine(message: string): string {
  const lines = message.split(/\r\n|\r|\n/);
  if (lines.length === 1) return message;
  const head = lines[0]!;
  const how = /^(exit code -?\d+|killed by \w+|did not run|compile-error): /.exec(head)?.[1];
  const body = how !== undefined ? [head.slice(how.length + 2), ...lines.slice(1)] : lines;
  const text = body.map((l) => l.trimEnd()).filter((l) => l.trim() !== "");
  const exception = [...text].reverse().find((l) => /^([\w.$]*(Error|Exception|Interrupt|Exit)\b|\s*what\(\):)/.test(l.trimStart()));
  const notFrame = [...text].reverse().find((l) => !/^\s+(at |File ")/.test(l) && !/^\s*\^+\s*$/.test(l));
  const line = (exception ?? notFrame ?? text[0] ?? "").trim();
  return how !== undefined ? `${how}: ${line}` : line;
}
