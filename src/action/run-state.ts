// One action run's shared state, passed from step to step: what it was given (inputs, context,
// environment, io), the secrets mask, the result being filled in, the failures so far, and the
// GitHub helper (made on first use, as the read-only solve job may have no token).
import { createOctokit, GitHubHelper } from "../github/github.ts";
import { refusalComment, type ProblemRef, type Refusal } from "../github/text.ts";
import { redact } from "../model/index.ts";
import type { ProblemSpec } from "../spec/index.ts";
import type { ActionContext } from "./context.ts";
import { inputSecrets, type ActionInputs } from "./inputs.ts";
import { emptyResult, type ActionIO, type ActionResult, type RunControl } from "./outcome.ts";
import type { Placement } from "./route.ts";
import { postStatusComment } from "./status-comment.ts";

/** One problem this run is about, with where its result goes. */
export interface Problem {
  spec: ProblemSpec;
  placement: Placement;
  ref: ProblemRef;
  /** Limits the issue asked for that were lowered to the caps (issue katas). */
  clamped: string[];
}

/** The problems a target names, with refusals and spec errors. */
export interface Plan {
  problems: Problem[];
  refusals: { issueNumber?: number; refusal: Refusal }[];
  /** Broken specs and the like: reported, the step fails at the end, other problems go on. */
  errors: { message: string; file?: string }[];
  skipped?: string;
}

export class ActionRun {
  readonly secrets: string[];
  readonly result: ActionResult;
  /** Why the step fails, one line each, joined at the end. */
  readonly failures: string[] = [];
  /** Problems that got no report, and why (for their comment and the results output). */
  readonly problemFailures = new Map<string, string>();
  /** Every mode but solve writes back (branches, pull requests, comments). */
  readonly writes: boolean;
  private github: GitHubHelper | undefined;

  constructor(
    readonly inputs: ActionInputs,
    readonly ctx: ActionContext,
    readonly env: Record<string, string | undefined>,
    readonly io: ActionIO,
    readonly control: RunControl,
    readonly resultDir: string,
  ) {
    this.secrets = inputSecrets(inputs);
    for (const s of this.secrets) io.setSecret(s);
    this.result = emptyResult(resultDir);
    this.writes = inputs.mode !== "solve";
  }

  /** `text` with every secret of the run masked. */
  readonly clean = (text: string): string => redact(text, this.secrets);

  gh(): GitHubHelper {
    if (this.inputs.githubToken === "") {
      throw new Error(
        this.writes
          ? 'input "github-token" is empty: writing back needs a token (permissions: contents, pull-requests and issues: write)'
          : 'input "github-token" is empty: checking that whoever asked for the run has triage access needs a token (the default read-only one will do)',
      );
    }
    this.github ??= new GitHubHelper(createOctokit(this.inputs.githubToken, this.ctx.apiUrl), this.ctx.repo);
    return this.github;
  }

  /** A problem that got no report (or whose write-back failed): the step fails, its comment says why. */
  problemFailed(key: string, line: string): void {
    this.failures.push(line);
    this.problemFailures.set(key, line);
  }

  /**
   * A failure before anything runs (the permission check, the model or sandbox setup) still
   * answers the person who asked, on their issue, in one line.
   */
  async failEarly(error: unknown, issueNumber: number | undefined): Promise<ActionResult> {
    const line = this.clean((error as Error).message);
    if (this.writes && issueNumber !== undefined && this.inputs.githubToken !== "" && this.inputs.comment) {
      try {
        const key = `issue-${issueNumber}`;
        const body = refusalComment({ key, reason: `The run failed before solving: ${line}`, remedy: "A maintainer can see the workflow run's log, fix the cause, then remove and re-add the label." });
        const note = `A rerun failed before solving: ${line}${this.ctx.runUrl !== undefined ? ` (${this.ctx.runUrl})` : ""}. The result above is from an earlier run.`;
        await postStatusComment(this.gh(), issueNumber, key, this.clean(body), this.clean(note));
      } catch (postError) {
        this.io.warning(`could not post the failure on #${issueNumber}: ${this.clean((postError as Error).message)}`);
      }
    }
    this.result.failure = this.clean([...this.failures, line].join("; "));
    return this.result;
  }
}
