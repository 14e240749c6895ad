// Answering on GitHub: refusals and failures as sticky comments, and each solved problem written
// back (branch, commit, push, pull request, comment: the steps are src/github/publish.ts's, in
// that one place) with its failure said on its comment when the write-back fails.
import type { SolveReport } from "../engine/report.ts";
import { GitCommandManager } from "../github/git.ts";
import { publish, publishRefusal, type PublishSettings } from "../github/publish.ts";
import { failureComment } from "../github/text.ts";
import { ProgressLog } from "./progress.ts";
import type { ActionRun, Plan, Problem } from "./run-state.ts";
import { specFileText } from "./spec-file.ts";
import { postStatusComment } from "./status-comment.ts";

const SPEC_HEADER = "# Written by sstar-action from the issue that asked for this kata.";

/** Refusals: a sticky comment on the issue (never in the read-only solve job). */
export async function answerRefusals(run: ActionRun, plan: Plan): Promise<void> {
  for (const { issueNumber, refusal } of plan.refusals) {
    run.result.refusals.push(refusal);
    run.io.warning(`refused: ${refusal.reason}`);
    if (run.writes && issueNumber !== undefined && run.inputs.comment) {
      try {
        await publishRefusal(run.gh(), issueNumber, refusal, run.clean);
      } catch (error) {
        run.failures.push(`could not post the refusal on #${issueNumber}: ${run.clean((error as Error).message)}`);
      }
    }
  }
}

/** A problem that got no report says why on its working comment. */
export async function commentFailures(run: ActionRun, plan: Plan): Promise<void> {
  if (!run.writes || !run.inputs.comment) return;
  for (const p of plan.problems) {
    const why = run.problemFailures.get(p.ref.key);
    if (why === undefined || p.ref.issueNumber === undefined) continue;
    try {
      await postFailure(run, p, why);
    } catch (error) {
      run.io.warning(`could not post the failure on #${p.ref.issueNumber}: ${run.clean((error as Error).message)}`);
    }
  }
}

/** Each problem with a report published against `base`, one after another on one git checkout. */
export async function writeBack(run: ActionRun, plan: Plan, reports: Map<string, SolveReport>, base: string): Promise<void> {
  if (reports.size === 0) return;
  const { inputs, ctx, io } = run;
  const git = await GitCommandManager.open(ctx.workspace, { auth: { token: inputs.githubToken, serverUrl: ctx.serverUrl }, mask: (s) => io.setSecret(s) });
  for (const p of plan.problems) {
    const report = reports.get(p.ref.key);
    if (report === undefined) continue;
    const log = new ProgressLog(io, p.ref.key);
    log.stage("publish");
    try {
      const files = [{ path: p.placement.solutionPath, content: ensureNewline(report.selected?.code ?? "") }];
      if (p.placement.specPath !== undefined) files.push({ path: p.placement.specPath, content: specFileText(p.spec, SPEC_HEADER) });
      run.result.published.push(await publish({ ...p.ref, branch: p.placement.branch, files, report }, { git, github: run.gh() }, publishSettings(run, p, report, base)));
    } catch (error) {
      await writeBackFailed(run, p, error);
    } finally {
      log.close();
    }
  }
}

function publishSettings(run: ActionRun, p: Problem, report: SolveReport, base: string): PublishSettings {
  const { inputs, ctx, io, clean, result } = run;
  return {
    base,
    draft: inputs.draft,
    comment: inputs.comment,
    ...(ctx.runUrl !== undefined ? { runUrl: ctx.runUrl } : {}),
    log: (line) => io.info(clean(line)),
    warn: (line) => io.warning(clean(line)),
    redact: clean,
    ...(inputs.prTitle !== undefined ? { titleTemplate: inputs.prTitle } : {}),
    ...(inputs.commitMessage !== undefined ? { commitTemplate: inputs.commitMessage } : {}),
    labels: inputs.prLabels,
    assignees: inputs.prAssignees,
    reviewers: inputs.prReviewers,
    ...(result.stopped !== undefined || report.stopped !== undefined ? { stopped: result.stopped ?? report.stopped } : {}),
    clamped: p.clamped,
  };
}

async function writeBackFailed(run: ActionRun, p: Problem, error: unknown): Promise<void> {
  const line = `${p.ref.key}: write-back failed: ${run.clean((error as Error).message)}`;
  run.problemFailed(p.ref.key, line);
  run.io.error(line);
  if (run.inputs.comment && p.ref.issueNumber !== undefined) {
    // The working comment must not keep saying "solving" after a failed write-back.
    await postFailure(run, p, line).catch((postError: unknown) => run.io.warning(`could not post the failure on #${p.ref.issueNumber}: ${run.clean((postError as Error).message)}`));
  }
}

/** The failure on the problem's comment, or (the comment holds an earlier result) a note under it. */
async function postFailure(run: ActionRun, p: Problem, why: string): Promise<void> {
  if (p.ref.issueNumber === undefined) return;
  const note = `A rerun failed: ${why}${run.ctx.runUrl !== undefined ? ` (${run.ctx.runUrl})` : ""}. The result above is from an earlier run.`;
  await postStatusComment(run.gh(), p.ref.issueNumber, p.ref.key, run.clean(failureComment(p.ref, why, run.ctx.runUrl)), run.clean(note));
}

function ensureNewline(code: string): string {
  return code.endsWith("\n") ? code : `${code}\n`;
}
