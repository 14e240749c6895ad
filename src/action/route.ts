// What this run should do, decided from the inputs and the event alone (pure, no I/O): solve one
// issue, solve the specs a push changed, run the regression check, refuse, or do nothing.
import type { ActionInputs } from "./inputs.ts";
import { commentSchema, defaultBranchOf, issueSchema, pushSchema, type ActionContext, type EventIssue } from "./context.ts";
import type { Language } from "../spec/schema.ts";

export type Target =
  /**
   * A labeled issue. `labeler` is checked for triage access before the run: issue templates can
   * apply the label for the author, who may have none.
   */
  | { kind: "issue"; issue: EventIssue; base: string; via: "label"; labeler: string; labelerIsAllowedBot: boolean }
  /** A `/sstar solve` comment: run.ts checks the commenter's permission before it becomes an issue target. */
  /** `force`: "/sstar solve force", a pull request even for a pick below min-confidence. */
  | { kind: "command"; issue: EventIssue; base: string; commenter: string; force: boolean }
  | { kind: "specs"; base: string; changed: string[] | "all" }
  | { kind: "regression" }
  | { kind: "refuse"; reason: string; remedy: string; issueNumber?: number }
  | { kind: "skip"; reason: string };

/** GitHub caps a push payload's commit list at 20: with that many, the file lists may be incomplete. */
const PUSH_COMMIT_CAP = 20;

export const COMMAND = "/sstar solve";
/** The command asking for the pull request whatever the pick's confidence. */
export const FORCE_COMMAND = `${COMMAND} force`;

export function isBot(actor: { login: string; type: string }): boolean {
  return actor.type === "Bot" || actor.login.toLowerCase().endsWith("[bot]");
}

/** `allowed-bots` lists logins with or without the `[bot]` suffix. */
export function botAllowed(login: string, allowed: readonly string[]): boolean {
  const l = login.toLowerCase();
  const bare = l.replace(/\[bot\]$/, "");
  return allowed.some((a) => a === l || a === bare || a === "*");
}

function branchOfRef(ref: string): string | undefined {
  return ref.startsWith("refs/heads/") ? ref.slice("refs/heads/".length) : undefined;
}

export function decideTarget(inputs: ActionInputs, ctx: ActionContext): Target {
  const target = routeEvent(inputs, ctx);
  // Bots are refused only when the run would act: a bot adding some other label is no concern.
  if ((target.kind === "issue" || target.kind === "command" || target.kind === "specs") && isBot(ctx.actor) && !botAllowed(ctx.actor.login, inputs.allowedBots)) {
    return {
      kind: "refuse",
      reason: `The run was triggered by the bot account ${ctx.actor.login}; bots may not start sstar-action runs.`,
      remedy: `A maintainer can allow it with the action input allowed-bots: ${ctx.actor.login.replace(/\[bot\]$/, "")}`,
      ...(target.kind === "specs" ? {} : { issueNumber: target.issue.number }),
    };
  }
  return target;
}

function routeEvent(inputs: ActionInputs, ctx: ActionContext): Target {
  if (inputs.mode === "schedule" || (inputs.mode === "auto" && ctx.eventName === "schedule")) return { kind: "regression" };
  const defaultBranch = defaultBranchOf(ctx.payload) ?? "main";
  const payloadIssue = issueSchema.safeParse(ctx.payload.issue);

  switch (ctx.eventName) {
    case "issues": {
      if (!payloadIssue.success) return { kind: "skip", reason: "the issues event has no readable issue" };
      const action = ctx.payload.action;
      const label = (ctx.payload.label as { name?: unknown } | undefined)?.name;
      if (action !== "labeled") return { kind: "skip", reason: `issues event "${String(action)}": only "labeled" starts a run` };
      if (label !== inputs.label) return { kind: "skip", reason: `label "${String(label)}" is not "${inputs.label}"` };
      if (payloadIssue.data.pull_request !== undefined) return { kind: "skip", reason: "labeled item is a pull request" };
      return {
        kind: "issue",
        issue: payloadIssue.data,
        base: inputs.base ?? defaultBranch,
        via: "label",
        labeler: ctx.actor.login,
        labelerIsAllowedBot: isBot(ctx.actor) && botAllowed(ctx.actor.login, inputs.allowedBots),
      };
    }
    case "issue_comment": {
      const comment = commentSchema.safeParse(ctx.payload.comment);
      if (ctx.payload.action !== "created" || !comment.success || !payloadIssue.success) return { kind: "skip", reason: "only a new comment can be a command" };
      const line = comment.data.body.trim().split(/\r?\n/)[0]?.trim().toLowerCase().replace(/\s+/g, " ");
      if (line !== COMMAND && line !== FORCE_COMMAND) return { kind: "skip", reason: `the comment is not "${COMMAND}" or "${FORCE_COMMAND}"` };
      if (payloadIssue.data.pull_request !== undefined) return { kind: "skip", reason: `"${COMMAND}" works on issues, not pull requests` };
      return { kind: "command", issue: payloadIssue.data, base: inputs.base ?? defaultBranch, commenter: comment.data.user.login, force: line === FORCE_COMMAND };
    }
    case "push": {
      const push = pushSchema.safeParse(ctx.payload);
      const ref = push.success ? push.data.ref : ctx.ref;
      const branch = branchOfRef(ref);
      if (branch === undefined) return { kind: "skip", reason: `push to ${ref} is not a branch` };
      if (push.success && push.data.deleted === true) return { kind: "skip", reason: `branch ${branch} was deleted` };
      // Our own branches: solving them again would only loop.
      if (inputs.branchPrefix !== "" && branch.startsWith(inputs.branchPrefix)) return { kind: "skip", reason: `push to sstar's own branch ${branch}` };
      const commits = push.success ? (push.data.commits ?? []) : [];
      const changed =
        commits.length === 0 || commits.length >= PUSH_COMMIT_CAP ? ("all" as const) : [...new Set(commits.flatMap((c) => [...(c.added ?? []), ...(c.modified ?? [])]))].sort();
      return { kind: "specs", base: inputs.base ?? branch, changed };
    }
    case "workflow_dispatch":
      return { kind: "specs", base: inputs.base ?? branchOfRef(ctx.ref) ?? defaultBranch, changed: "all" };
    default:
      return { kind: "skip", reason: `event "${ctx.eventName}" has no sstar route (use issues, issue_comment, push, workflow_dispatch or schedule)` };
  }
}

// ---------- when the permission lookup is not allowed ----------

/** Author associations GitHub gives people with a standing in the repository. */
export const TRUSTED_ASSOCIATIONS = ["OWNER", "MEMBER", "COLLABORATOR"] as const;

function association(value: unknown): string | undefined {
  const a = (value as { author_association?: unknown } | undefined)?.author_association;
  return typeof a === "string" ? a.toUpperCase() : undefined;
}

/**
 * The fallback when the token may not read the requester's role (403/404): what the event payload
 * itself says about them. Returns why they are trusted, or undefined. The repository owner is
 * trusted; so is an OWNER/MEMBER/COLLABORATOR association, but only one that describes the
 * requester: the comment's for a command, the issue's only when the labeler wrote the issue
 * (an issue's association describes its author, not whoever labeled it).
 */
export function payloadVouches(target: Extract<Target, { kind: "issue" } | { kind: "command" }>, ctx: Pick<ActionContext, "payload">): string | undefined {
  const requester = (target.kind === "command" ? target.commenter : target.labeler).toLowerCase();
  const owner = (ctx.payload.repository as { owner?: { login?: unknown } } | undefined)?.owner?.login;
  if (typeof owner === "string" && owner.toLowerCase() === requester) return `${requester} owns the repository`;
  const trusted = (a: string | undefined) => a !== undefined && (TRUSTED_ASSOCIATIONS as readonly string[]).includes(a);
  if (target.kind === "command") {
    const a = association(ctx.payload.comment);
    return trusted(a) ? `the comment's author association is ${a}` : undefined;
  }
  const author = target.issue.user?.login.toLowerCase();
  const a = association(ctx.payload.issue);
  return author === requester && trusted(a) ? `the issue's author association is ${a}` : undefined;
}

// ---------- names: where each problem's result goes ----------

const EXT: Record<Language, string> = { python: "py", javascript: "js", cpp: "cpp" };

export interface Placement {
  key: string;
  branch: string;
  solutionPath: string;
  /** Issue katas: where their spec is committed. */
  specPath?: string;
}

/** The folder a `problems` glob starts in: "problems/**\/*.yaml" → "problems". */
export function globBase(glob: string): string {
  const parts = glob.split("/");
  const fixed: string[] = [];
  for (const part of parts) {
    if (/[*?[\]{}()!]/.test(part)) break;
    fixed.push(part);
  }
  if (fixed.length === parts.length) fixed.pop(); // a plain file path: its folder
  return fixed.join("/") || "problems";
}

export function placeIssue(issueNumber: number, specId: string, language: Language, inputs: Pick<ActionInputs, "branchPrefix" | "solutionsDir" | "problems">): Placement {
  return {
    key: `issue-${issueNumber}`,
    branch: `${inputs.branchPrefix}issue-${issueNumber}`,
    solutionPath: `${trimSlash(inputs.solutionsDir)}/${specId}.${EXT[language]}`,
    specPath: `${globBase(inputs.problems)}/${specId}.yaml`,
  };
}

export function placeSpec(specId: string, language: Language, inputs: Pick<ActionInputs, "branchPrefix" | "solutionsDir">): Placement {
  return {
    key: `spec-${specId}`,
    branch: `${inputs.branchPrefix}${specId}`,
    solutionPath: `${trimSlash(inputs.solutionsDir)}/${specId}.${EXT[language]}`,
  };
}

function trimSlash(p: string): string {
  return p.replace(/^\.\/+/, "").replace(/\/+$/, "");
}
