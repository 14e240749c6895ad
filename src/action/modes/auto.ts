// Mode auto (one job that may write): solve the problems the event names here, then write each
// result back and say on GitHub what happened.
import { finish, maskReports } from "../finish.ts";
import type { ActionResult } from "../outcome.ts";
import { baseOf, issueNumberOf, planFor, type ProblemTarget } from "../plan.ts";
import type { ActionRun } from "../run-state.ts";
import { solveProblems } from "../solving.ts";
import { answerRefusals, commentFailures, writeBack } from "../write-back.ts";

export async function runAuto(run: ActionRun, target: ProblemTarget): Promise<ActionResult> {
  const plan = await planFor(run, target);
  if (!("problems" in plan)) return plan;
  await answerRefusals(run, plan);
  const solved = await solveProblems(run, plan, issueNumberOf(target));
  if (!(solved instanceof Map)) return solved;
  await commentFailures(run, plan);
  const reports = maskReports(run, solved);
  await writeBack(run, plan, reports, baseOf(target));
  return finish(run, plan, reports);
}
