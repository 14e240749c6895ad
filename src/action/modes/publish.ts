// Mode publish (the job with write access, after solve): take each problem's report from the
// solve job's bundle (checked against this repository and this event's problems) and write it back.
import type { SolveReport } from "../../engine/report.ts";
import { readBundle } from "../bundle.ts";
import { finish, maskReports } from "../finish.ts";
import type { ActionResult } from "../outcome.ts";
import { baseOf, planFor, type ProblemTarget } from "../plan.ts";
import type { ActionRun, Plan } from "../run-state.ts";
import { answerRefusals, commentFailures, writeBack } from "../write-back.ts";

export async function runPublish(run: ActionRun, target: ProblemTarget): Promise<ActionResult> {
  const plan = await planFor(run, target);
  if (!("problems" in plan)) return plan;
  await answerRefusals(run, plan);
  const fromBundle = await reportsFromBundle(run, plan);
  await commentFailures(run, plan);
  const reports = maskReports(run, fromBundle);
  await writeBack(run, plan, reports, baseOf(target));
  return finish(run, plan, reports);
}

async function reportsFromBundle(run: ActionRun, plan: Plan): Promise<Map<string, SolveReport>> {
  const { ctx, inputs, io } = run;
  const reports = new Map<string, SolveReport>();
  const { bundle, reports: fromBundle } = await readBundle(run.resultDir);
  if (bundle.repository.toLowerCase() !== `${ctx.repo.owner}/${ctx.repo.repo}`.toLowerCase()) {
    throw new Error(`the bundle in ${inputs.resultDir} was made for ${bundle.repository}, not ${ctx.repo.owner}/${ctx.repo.repo}`);
  }
  const wanted = new Set(plan.problems.map((p) => p.ref.key));
  for (const item of bundle.items) if (!wanted.has(item.key)) io.warning(`bundle item ${item.key} is not a problem this event selects; ignored`);
  for (const p of plan.problems) {
    const report = fromBundle.get(p.ref.key);
    if (report === undefined) run.failures.push(`the bundle has no result for ${p.ref.key}`);
    else if (report.problem.id !== p.spec.id) run.failures.push(`the bundle's result for ${p.ref.key} is for ${report.problem.id}`);
    else reports.set(p.ref.key, report);
  }
  return reports;
}
