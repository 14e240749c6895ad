// Mode solve (the read-only job of a two-job workflow): solve the problems the event names and
// leave the reports and a bundle in result-dir for the publish job; nothing is written to GitHub.
import { finish, maskReports } from "../finish.ts";
import type { ActionResult } from "../outcome.ts";
import { issueNumberOf, planFor, type ProblemTarget } from "../plan.ts";
import type { ActionRun } from "../run-state.ts";
import { solveProblems } from "../solving.ts";
import { answerRefusals } from "../write-back.ts";

export async function runSolve(run: ActionRun, target: ProblemTarget): Promise<ActionResult> {
  const plan = await planFor(run, target);
  if (!("problems" in plan)) return plan;
  // Logged and in the outputs only: this job may not comment.
  await answerRefusals(run, plan);
  const solved = await solveProblems(run, plan, issueNumberOf(target));
  if (!(solved instanceof Map)) return solved;
  return finish(run, plan, maskReports(run, solved));
}
