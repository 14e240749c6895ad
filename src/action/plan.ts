// The plan of a run: the problems its target names (an issue kata, or spec files), refusals and
// spec errors, logged as they are found.
import type { ActionResult } from "./outcome.ts";
import type { Target } from "./route.ts";
import type { ActionRun, Plan } from "./run-state.ts";
import { planIssue } from "./modes/issue.ts";
import { planSpecs } from "./modes/push.ts";

export type ProblemTarget = Exclude<Target, { kind: "skip" } | { kind: "regression" }>;

/** The plan, or (the permission check or reading failed) the run's result, answered on the issue. */
export async function planFor(run: ActionRun, target: ProblemTarget): Promise<Plan | ActionResult> {
  const { io, clean } = run;
  let plan: Plan;
  try {
    plan = await makePlan(run, target, (line) => io.warning(clean(line)));
  } catch (error) {
    return run.failEarly(error, issueNumberOf(target));
  }
  for (const e of plan.errors) io.error(clean(e.message), e.file);
  if (plan.errors.length > 0) {
    const files = new Set(plan.errors.map((e) => e.file ?? e.message));
    run.failures.push(`${files.size} problem spec file(s) could not be read (see the errors above)`);
  }
  if (plan.skipped !== undefined) io.info(`nothing to do: ${plan.skipped}`);
  return plan;
}

function makePlan(run: ActionRun, target: ProblemTarget, warn: (line: string) => void): Promise<Plan> {
  switch (target.kind) {
    case "refuse": {
      const key = target.issueNumber !== undefined ? `issue-${target.issueNumber}` : "refusal";
      return Promise.resolve({
        problems: [],
        refusals: [{ ...(target.issueNumber !== undefined ? { issueNumber: target.issueNumber } : {}), refusal: { key, reason: target.reason, remedy: target.remedy } }],
        errors: [],
      });
    }
    case "issue":
    case "command":
      return planIssue(run, target, warn);
    case "specs":
      return planSpecs(run, target);
  }
}

export function issueNumberOf(target: ProblemTarget): number | undefined {
  return target.kind === "issue" || target.kind === "command" ? target.issue.number : undefined;
}

/** The branch results are published against (the router only hands these targets on). */
export function baseOf(target: ProblemTarget): string {
  return target.kind === "issue" || target.kind === "command" || target.kind === "specs" ? target.base : "main";
}
