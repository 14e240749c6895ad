// Before anything is measured, every task's own solution (HumanEval's canonical solution,
// CodeContests' reference) goes through the same sandbox and grading as the pool's programs. A
// benchmark whose grading fails the data set's own solutions measures nothing: it stops with one
// line saying so, instead of printing zeros (a checkout under /tmp once made every program
// "crash" and every strategy score 0.000). The check also times each solution, so grading limits
// can be calibrated to it rather than fixed.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import pLimit from "p-limit";
import { runJob, type Job } from "./exec.ts";

export interface CanonicalCase {
  id: string;
  /** The job grading the solution alone (programs = [solution]). */
  job: Job;
}

export interface CanonicalResult {
  passed: boolean;
  /** CPU seconds its grading took. */
  cpu: number;
  /** Why it failed ("" when it passed). */
  note: string;
}

/** Grading limit for a task's programs: ten times its own solution's CPU time, at least `floor`. */
export function calibratedLimit(solutionCpu: number, floor: number): number {
  return Math.max(floor, Math.ceil(10 * solutionCpu));
}

/**
 * Grades every case's solution (cached in `cacheFile` only when the check passes) and throws
 * one "bench:selection: ..." line if any fails: a runner that rejects a correct program would
 * mismeasure every model that writes that way, so there is no list of failures to excuse.
 */
export async function checkCanonicals(
  dataset: string,
  cases: readonly CanonicalCase[],
  opts: { cacheFile: string; log: (s: string) => void; runner?: string },
): Promise<Map<string, CanonicalResult>> {
  if (existsSync(opts.cacheFile)) {
    const cached = new Map(Object.entries(JSON.parse(readFileSync(opts.cacheFile, "utf8")) as Record<string, CanonicalResult>));
    if (cases.every((c) => cached.has(c.id))) return cached;
  }
  const limit = pLimit(2); // two cores
  const results = new Map<string, CanonicalResult>();
  await Promise.all(
    cases.map((c) =>
      limit(async () => {
        const [r] = await runJob(c.job, opts.runner);
        results.set(c.id, { passed: r!.graded === true, cpu: r!.grade_cpu ?? 0, note: r!.graded === true ? "" : (r!.grade_note ?? "failed") || "failed" });
      }),
    ),
  );
  const failed = cases.filter((c) => !results.get(c.id)!.passed);
  if (failed.length > 0) throw new Error(canonicalFailureLine(dataset, cases.length, failed.map((c) => [c.id, results.get(c.id)!.note])));
  mkdirSync(dirname(opts.cacheFile), { recursive: true });
  writeFileSync(opts.cacheFile, JSON.stringify(Object.fromEntries(results)));
  return results;
}

/** The one line: how many failed, the likely cause, the first few. */
export function canonicalFailureLine(dataset: string, total: number, failures: readonly [string, string][]): string {
  const notes = new Set(failures.map(([, note]) => note));
  // A runner the sandbox cannot see (or start) reports nothing: every program is marked crashed.
  const cause =
    failures.length === total && notes.size === 1 && notes.has("crashed")
      ? "every one crashed: the sandbox cannot run the benchmark's runner (a checkout under a path the sandbox hides, such as /tmp? a broken python3 or bwrap?)"
      : failures.length === total
        ? "every one failed: the grading itself is broken (the tests, the harness, or the data set's solutions)"
        : "the benchmark's grading disagrees with the data set's own solutions for these";
  const first = failures
    .slice(0, 3)
    .map(([id, note]) => `${id}: ${note}`)
    .join("; ");
  return `bench:selection: ${failures.length} of ${total} ${dataset} canonical solutions fail the benchmark's own grading, so nothing was measured or cached; likely cause: ${cause}; first: ${first}`;
}
