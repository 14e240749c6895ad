// The `results` output: one JSON entry per problem of the run, for `fromJSON()` in a workflow's
// `if:` and later steps. Pure: made from what the run decided and did.
import type { SolveReport } from "../engine/report.ts";
import { isSolved, isUncertain, type PublishOutcome, type PullRequestOperation } from "../github/publish.ts";
import type { Refusal } from "../github/text.ts";

export type ProblemStatus = "solved" | "uncertain" | "unsolved" | "stopped" | "failed" | "refused";

export interface ProblemResult {
  /** The problem's key: issue-7, spec-two-sum (also the marker of its comment). */
  id: string;
  /** The spec id (null for a refusal: no spec was read). */
  problem: string | null;
  issue: number | null;
  status: ProblemStatus;
  /** The branch written (null when nothing was pushed or in the read-only solve job). */
  branch: string | null;
  pullRequestNumber: number | null;
  pullRequestUrl: string | null;
  operation: PullRequestOperation;
  /** Repository path of the selected solution, when one was selected and passed. */
  selectedPath: string | null;
  /** What the problem's model calls cost in US dollars (0 without prices). */
  costUsd: number;
  /** Why it failed, stopped or was refused. */
  reason?: string;
}

export function problemResults(run: {
  problems: { key: string; problemId: string; solutionPath: string; issueNumber?: number }[];
  reports: ReadonlyMap<string, SolveReport>;
  published: readonly PublishOutcome[];
  failures: ReadonlyMap<string, string>;
  refusals: readonly Refusal[];
  stopped: boolean;
}): ProblemResult[] {
  const out: ProblemResult[] = [];
  for (const p of run.problems) {
    const report = run.reports.get(p.key);
    const outcome = run.published.find((o) => o.key === p.key);
    const failure = run.failures.get(p.key);
    const solved = report !== undefined && isSolved(report);
    // No report: it failed, or the run stopped before it; a report but a failure: its write-back failed.
    const status: ProblemStatus =
      report === undefined ? (run.stopped ? "stopped" : "failed") : failure !== undefined ? "failed" : solved ? "solved" : isUncertain(report) ? "uncertain" : report.stopped !== undefined ? "stopped" : "unsolved";
    out.push({
      id: p.key,
      problem: p.problemId,
      issue: p.issueNumber ?? null,
      status,
      branch: outcome?.branch ?? null,
      pullRequestNumber: outcome?.pullRequest?.number ?? null,
      pullRequestUrl: outcome?.pullRequest?.url ?? null,
      operation: outcome?.operation ?? "none",
      selectedPath: solved ? (outcome?.selectedPath ?? p.solutionPath) : null,
      costUsd: report?.usage.total.costUsd ?? 0,
      ...(failure !== undefined ? { reason: failure } : report?.stopped !== undefined ? { reason: report.stopped } : {}),
    });
  }
  for (const r of run.refusals) {
    const issue = /^issue-(\d+)$/.exec(r.key);
    out.push({ id: r.key, problem: null, issue: issue !== null ? Number(issue[1]) : null, status: "refused", branch: null, pullRequestNumber: null, pullRequestUrl: null, operation: "none", selectedPath: null, costUsd: 0, reason: r.reason });
  }
  return out;
}
