// Writing one problem's result back to GitHub, idempotently: the solution (and, for an issue
// kata, its spec) committed on the problem's fixed branch, the pull request opened or updated,
// then the sticky comment. When nothing passed, nothing is pushed and the comment says so.
import type { SolveReport } from "../engine/report.ts";
import type { FileToCommit, GitCommandManager, GitIdentity } from "./git.ts";
import type { CommentRef, GitHubHelper, PullRequestRef } from "./github.ts";
import { pullRequestBody, pullRequestTitle, refusalComment, resultComment, type GitHubFacts, type ProblemRef, type Refusal } from "./text.ts";

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
}

export interface PublishOutcome {
  key: string;
  solved: boolean;
  branch?: string;
  commitSha?: string;
  pushed: boolean;
  /** Repository path of the committed solution (solved problems). */
  selectedPath?: string;
  pullRequest?: PullRequestRef;
  comment?: CommentRef;
}

export function isSolved(report: SolveReport): boolean {
  return report.status === "solved" && report.selected !== null;
}

export async function publish(item: Publication, deps: { git: GitCommandManager; github: GitHubHelper }, settings: PublishSettings): Promise<PublishOutcome> {
  const log = settings.log ?? (() => {});
  const clean = settings.redact ?? ((text: string) => text);
  const solved = isSolved(item.report);
  const facts: GitHubFacts = { ...(settings.runUrl !== undefined ? { runUrl: settings.runUrl } : {}) };
  const outcome: PublishOutcome = { key: item.key, solved, pushed: false };

  if (solved) {
    const commit = await deps.git.commitFiles({
      base: settings.base,
      branch: item.branch,
      files: item.files,
      message: commitMessage(item),
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
        title: clean(pullRequestTitle(item)),
        body: clean(pullRequestBody(item, item.report, facts)),
        draft: settings.draft,
      });
      facts.pullRequest = outcome.pullRequest;
      log(`${item.key}: pull request #${outcome.pullRequest.number} ${outcome.pullRequest.created ? "opened" : "updated"}`);
    }
  } else {
    // Nothing is pushed; an earlier run's pull request, if open, gets the news in its comment.
    const existing = await deps.github.findPullRequest(item.branch, settings.base);
    if (existing !== undefined) facts.pullRequest = existing;
    log(`${item.key}: no candidate passed every public test; nothing pushed`);
  }

  if (settings.comment) {
    const target = item.kind === "issue" ? item.issueNumber : facts.pullRequest?.number;
    if (target !== undefined) {
      outcome.comment = await deps.github.upsertComment(target, item.key, clean(resultComment(item, item.report, facts)));
      log(`${item.key}: comment ${outcome.comment.created ? "posted on" : outcome.comment.changed ? "edited on" : "unchanged on"} #${target}`);
    }
  }
  return outcome;
}

/** A refusal on the issue it concerns (sticky, so repeated refusals edit one comment). */
export async function publishRefusal(github: GitHubHelper, issueNumber: number, refusal: Refusal, redact: (text: string) => string = (t) => t): Promise<CommentRef> {
  return github.upsertComment(issueNumber, refusal.key, redact(refusalComment(refusal)));
}

function commitMessage(item: Publication): string {
  const r = item.report;
  const what = item.kind === "issue" ? `issue #${item.issueNumber}` : item.problemId;
  const lines = [`sstar: solve ${what}`, ""];
  if (r.selected !== null) lines.push(`Selected sample ${r.selected.sample} (public tests ${r.selected.publicPassed}/${r.selected.publicTotal}) by ${r.settings.selection} with ${r.settings.model}.`);
  if (item.kind === "issue") lines.push("", `Refs #${item.issueNumber}`);
  return lines.join("\n");
}
