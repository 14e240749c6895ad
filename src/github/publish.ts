// Writing one problem's result back to GitHub, idempotently: the solution (and, for an issue
// kata, its spec) committed on the problem's fixed branch, the pull request opened or updated,
// then the sticky comment. When nothing passed, nothing is pushed and the comment says so.
import type { SolveReport } from "../engine/report.ts";
import type { FileToCommit, GitCommandManager, GitIdentity } from "./git.ts";
import type { CommentRef, GitHubHelper, PullRequestRef } from "./github.ts";
import { needsHumanComment } from "./needs-human.ts";
import { commitMessage, pullRequestBody, pullRequestTitle, refusalComment, resultComment, type GitHubFacts, type ProblemRef, type Refusal } from "./text.ts";

export interface Publication extends ProblemRef {
  branch: string;
  /** The selected solution first, then (issue katas) the spec. Committed only when solved. */
  files: FileToCommit[];
  report: SolveReport;
}

export interface PublishSettings {
  base: string;
  draft: boolean;
  /** Post or edit the sticky comment. */
  comment: boolean;
  runUrl?: string;
  identity?: GitIdentity;
  log?: (line: string) => void;
  /** Masks secrets in every text posted (title, body, comment); the run passes its own. */
  redact?: (text: string) => string;
  /** Templates for the pull request's title and the commit message (inputs pr-title, commit-message). */
  titleTemplate?: string;
  commitTemplate?: string;
  /** Put on the pull request every run (labels, assignees); reviewers are asked when it is opened. */
  labels?: string[];
  assignees?: string[];
  reviewers?: string[];
  /** Why the run stopped early, and limits it lowered: said in the comment. */
  stopped?: string;
  clamped?: string[];
  /** A step that could not be done but does not undo the result (a reviewer GitHub refused). */
  warn?: (line: string) => void;
}

/** What happened to the problem's pull request: peter-evans/create-pull-request's words. */
export type PullRequestOperation = "created" | "updated" | "none";

export interface PublishOutcome {
  key: string;
  solved: boolean;
  branch?: string;
  commitSha?: string;
  pushed: boolean;
  /** Repository path of the committed solution (solved problems). */
  selectedPath?: string;
  pullRequest?: PullRequestRef;
  operation: PullRequestOperation;
  comment?: CommentRef;
}

export function isSolved(report: SolveReport): boolean {
  // A run stopped early (signal, deadline) may still pick from partial evidence; that pick is in the
  // report, but it is not pushed as a solution.
  return report.status === "solved" && report.selected !== null && report.stopped === undefined;
}

/** A pick that passed every public test but whose confidence is below min-confidence: no pull request. */
export function isUncertain(report: SolveReport): boolean {
  return report.status === "uncertain" && report.selected !== null && report.stopped === undefined;
}

export async function publish(item: Publication, deps: { git: GitCommandManager; github: GitHubHelper }, settings: PublishSettings): Promise<PublishOutcome> {
  const log = settings.log ?? (() => {});
  const clean = settings.redact ?? ((text: string) => text);
  const solved = isSolved(item.report);
  const facts: GitHubFacts = {
    ...(settings.runUrl !== undefined ? { runUrl: settings.runUrl } : {}),
    ...(settings.stopped !== undefined ? { stopped: settings.stopped } : {}),
    ...(settings.clamped !== undefined && settings.clamped.length > 0 ? { clamped: settings.clamped } : {}),
  };
  const outcome: PublishOutcome = { key: item.key, solved, pushed: false, operation: "none" };

  if (solved) {
    const commit = await deps.git.commitFiles({
      base: settings.base,
      branch: item.branch,
      files: item.files,
      message: clean(commitMessage(item, item.report, settings.commitTemplate)),
      ...(settings.identity !== undefined ? { identity: settings.identity } : {}),
    });
    outcome.selectedPath = item.files[0]?.path;
    facts.files = item.files.map((f) => f.path);
    if (commit.reason === "base-has-it") {
      facts.notPushed = `the base branch \`${settings.base}\` already holds this exact solution.`;
      log(`${item.key}: ${settings.base} already holds this solution; no branch, no pull request`);
    } else {
      outcome.branch = facts.branch = item.branch;
      outcome.commitSha = facts.commitSha = commit.sha;
      outcome.pushed = facts.pushed = commit.pushed;
      log(commit.pushed ? `${item.key}: pushed ${commit.sha.slice(0, 12)} to ${item.branch}${commit.reset ? " (rebuilt on the base)" : ""}` : `${item.key}: ${item.branch} already holds this solution; no commit`);
      outcome.pullRequest = await deps.github.upsertPullRequest({
        head: item.branch,
        base: settings.base,
        title: clean(pullRequestTitle(item, settings.titleTemplate, item.report)),
        body: clean(pullRequestBody(item, item.report, facts)),
        draft: settings.draft,
      });
      facts.pullRequest = outcome.pullRequest;
      // "updated" only when the branch moved: an unchanged re-run leaves the pull request as it was.
      outcome.operation = outcome.pullRequest.created ? "created" : commit.pushed ? "updated" : "none";
      log(`${item.key}: pull request #${outcome.pullRequest.number} ${outcome.pullRequest.created ? "opened" : "updated"}`);
      await decoratePullRequest(deps.github, outcome.pullRequest, settings, (line) => (settings.warn ?? log)(`${item.key}: ${line}`));
    }
  } else {
    // Nothing is pushed; an earlier run's pull request, if open, gets the news in its comment.
    const existing = await deps.github.findPullRequest(item.branch, settings.base);
    if (existing !== undefined) facts.pullRequest = existing;
    log(
      isUncertain(item.report)
        ? `${item.key}: the pick's confidence ${item.report.selection.confidence?.toFixed(2)} is below min-confidence ${item.report.minConfidence}; nothing pushed, a human is asked to decide`
        : `${item.key}: no candidate passed every public test; nothing pushed`,
    );
  }

  if (settings.comment) {
    const target = item.kind === "issue" ? item.issueNumber : facts.pullRequest?.number;
    if (target !== undefined) {
      const text = isUncertain(item.report) && settings.stopped === undefined ? needsHumanComment(item, item.report, facts) : resultComment(item, item.report, facts);
      outcome.comment = await deps.github.upsertComment(target, item.key, clean(text));
      log(`${item.key}: comment ${outcome.comment.created ? "posted on" : outcome.comment.changed ? "edited on" : "unchanged on"} #${target}`);
    }
  }
  return outcome;
}

/** A refusal on the issue it concerns (sticky, so repeated refusals edit one comment). */
export async function publishRefusal(github: GitHubHelper, issueNumber: number, refusal: Refusal, redact: (text: string) => string = (t) => t): Promise<CommentRef> {
  return github.upsertComment(issueNumber, refusal.key, redact(refusalComment(refusal)));
}

/**
 * Labels and assignees on every run (adding is idempotent), reviewers only when the pull request
 * was opened (asking again on each update would notify them each time). GitHub refusing one
 * (a reviewer who is not a collaborator) is said in the log; the pull request stands.
 */
async function decoratePullRequest(github: GitHubHelper, pull: PullRequestRef, settings: PublishSettings, warn: (line: string) => void): Promise<void> {
  const steps: [string, string[] | undefined, (values: string[]) => Promise<unknown>][] = [
    ["labels", settings.labels, (v) => github.addLabels(pull.number, v)],
    ["assignees", settings.assignees, (v) => github.addAssignees(pull.number, v)],
    ["reviewers", pull.created ? settings.reviewers : undefined, (v) => github.requestReviewers(pull.number, v)],
  ];
  for (const [what, values, apply] of steps) {
    if (values === undefined || values.length === 0) continue;
    try {
      await apply(values);
    } catch (error) {
      warn(`could not set the pull request's ${what} (${values.join(", ")}): ${(error as Error).message}`);
    }
  }
}
