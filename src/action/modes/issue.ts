// An issue kata (a labeled issue, or a `/sstar solve` comment on one): check who asked, read the
// issue as a spec, lower its limits to the action's caps, and place its result.
import { permissionAtLeast } from "../../github/github.ts";
import { parseIssueBody } from "../../spec/index.ts";
import { capLimits } from "../limits.ts";
import { payloadVouches, placeIssue, type Target } from "../route.ts";
import type { ActionRun, Plan } from "../run-state.ts";
import { baseBranchClash } from "./push.ts";

type IssueTarget = Extract<Target, { kind: "issue" } | { kind: "command" }>;

export async function planIssue(run: ActionRun, target: IssueTarget, warn: (line: string) => void): Promise<Plan> {
  const plan: Plan = { problems: [], refusals: [], errors: [] };
  const { inputs } = run;
  const issue = target.issue;
  const refusal = await requesterRefusal(run, target, warn);
  if (refusal !== undefined) {
    plan.refusals.push({ issueNumber: issue.number, refusal: { key: `issue-${issue.number}`, ...refusal } });
    return plan;
  }
  const parsed = parseIssueBody(issue.body ?? "", { number: issue.number, title: issue.title });
  if (!parsed.ok) {
    plan.refusals.push({
      issueNumber: issue.number,
      refusal: {
        key: `issue-${issue.number}`,
        reason: `This issue could not be read as a kata.`,
        details: parsed.missing.map((m) => `missing: ${m}`),
        remedy: "Edit the issue to follow the kata template (statement, then ### Examples with Input/Output blocks), then remove and re-add the label.",
      },
    });
    return plan;
  }
  // An issue's author sets its limits; the action's caps bound them (the label approves the kata, not a minute per test).
  const capped = capLimits(parsed.spec.limits, { maxTimeMs: inputs.maxTimeMs, maxMemoryMb: inputs.maxMemoryMb });
  const spec = { ...parsed.spec, limits: capped.limits };
  for (const line of capped.clamped) warn(`issue #${issue.number}: ${line}`);
  const placement = placeIssue(issue.number, spec.id, spec.language, inputs);
  if (placement.branch === target.base) throw new Error(baseBranchClash(placement.branch));
  plan.problems.push({ spec, placement, clamped: capped.clamped, ref: { key: placement.key, kind: "issue", issueNumber: issue.number, problemId: spec.id, problemTitle: spec.title } });
  return plan;
}

/**
 * Why whoever asked may not start a run, or undefined when they may. Who asked: the commenter,
 * or whoever applied the label. Labeling normally needs triage access, but an issue template can
 * apply the label for its author, so it is checked too.
 */
async function requesterRefusal(run: ActionRun, target: IssueTarget, warn: (line: string) => void): Promise<{ reason: string; remedy: string } | undefined> {
  if (target.kind === "issue" && target.labelerIsAllowedBot) return undefined;
  const { inputs } = run;
  const requester = target.kind === "command" ? target.commenter : target.labeler;
  const lookup = await run.gh().lookupPermission(requester);
  let permission: string;
  let allowed: boolean;
  if ("permission" in lookup) {
    permission = lookup.permission;
    allowed = permissionAtLeast(lookup.permission, "triage");
  } else {
    // The token may not read roles (GitHub answers ${lookup.unavailable}); fall back to what the
    // event payload says about the requester, and refuse when it says nothing.
    const why = payloadVouches(target, run.ctx);
    warn(`could not read ${requester}'s role on the repository (GitHub answered ${lookup.unavailable}; the token may lack access to collaborators): ${why !== undefined ? `trusting the event instead, as ${why}` : "the event does not show them as owner, member or collaborator either"}`);
    permission = "unknown (the token could not read roles, and the event does not show them as owner, member or collaborator)";
    allowed = why !== undefined;
  }
  if (allowed) return undefined;
  return {
    reason:
      target.kind === "command"
        ? `${requester} asked for a run with a comment but has ${permission} access; running needs triage access or more.`
        : `The "${inputs.label}" label was applied by ${requester}, who has ${permission} access (an issue template may have applied it); running needs triage access or more.`,
    remedy: `A maintainer can start it by removing and re-adding the "${inputs.label}" label${target.kind === "command" ? " (or commenting /sstar solve)" : ""}.`,
  };
}
