// The action's orchestration: decide the target from the event, gather the problems, solve them
// (auto, solve), write back (auto, publish), or run the regression check (schedule). Everything it
// reads comes in as data (inputs, context, environment) and every side effect on the runner goes
// through `io`, so tests call it directly.
import { basename, join, relative, resolve } from "node:path";
import fg from "fast-glob";
import { DEFAULT_SOLVE_OPTIONS, solve, type SolveOptions } from "../engine/index.ts";
import type { SolveReport } from "../engine/report.ts";
import { GitCommandManager } from "../github/git.ts";
import { createOctokit, GitHubHelper, permissionAtLeast } from "../github/github.ts";
import { isSolved, publish, publishRefusal, type PublishOutcome } from "../github/publish.ts";
import { failureComment, workingComment, type ProblemRef, type Refusal } from "../github/text.ts";
import { createModelClient, redact } from "../model/index.ts";
import { modelConfigFromEnv } from "../model/config.ts";
import type { ModelClient } from "../model/types.ts";
import { renderReportMarkdown } from "../report/markdown.ts";
import { createSandbox } from "../sandbox/index.ts";
import type { Sandbox } from "../sandbox/types.ts";
import { formatSpecError, loadSpecs, parseIssueBody, type ProblemSpec } from "../spec/index.ts";
import { prepareResultDir, readBundle, reportFileFor, writeBundle, writeResultFile, type Bundle } from "./bundle.ts";
import { emptyScheduleOutputs, runSchedule, SCHEDULE_OUTPUT_NAMES } from "./schedule.ts";
import type { ActionContext } from "./context.ts";
import { inputSecrets, type ActionInputs } from "./inputs.ts";
import { capLimits, solveDeadlineMs } from "./limits.ts";
import { ProgressLog, type GroupSink } from "./progress.ts";
import { problemResults, type ProblemResult } from "./results.ts";
import { decideTarget, payloadVouches, placeIssue, placeSpec, type Placement, type Target } from "./route.ts";
import { specFileText } from "./spec-file.ts";

export interface ActionIO extends GroupSink {
  warning(line: string, file?: string): void;
  error(line: string, file?: string): void;
  setSecret(secret: string): void;
  appendSummary(markdown: string): Promise<void>;
}

export const OUTPUT_NAMES = ["solved", "selected-path", "branch", "commit-sha", "pull-request-number", "pull-request-url", "report-path", "pull-request-operation", ...SCHEDULE_OUTPUT_NAMES] as const;
export type Outputs = Record<(typeof OUTPUT_NAMES)[number], string>;

export interface ActionResult {
  outputs: Outputs;
  /** Set when the step should fail: one line. */
  failure?: string;
  /** What the run did, for logs and tests. */
  target: Target["kind"];
  published: PublishOutcome[];
  refusals: Refusal[];
  /** Per problem, what the `results` output holds. */
  results: ProblemResult[];
  /** Why the run stopped before it finished (a signal, the deadline), if it did. */
  stopped?: string;
}

/** How the run can be stopped from outside: the entry aborts `signal` on SIGINT/SIGTERM. */
export interface RunControl {
  /** Aborted to stop solving; its reason (a string) says why, e.g. "SIGTERM". */
  signal?: AbortSignal;
}

/** One problem this run is about, with where its result goes. */
interface Problem {
  spec: ProblemSpec;
  placement: Placement;
  ref: ProblemRef;
  /** Limits the issue asked for that were lowered to the caps (issue katas). */
  clamped: string[];
}

interface Plan {
  problems: Problem[];
  refusals: { issueNumber?: number; refusal: Refusal }[];
  /** Broken specs and the like: reported, the step fails at the end, other problems go on. */
  errors: { message: string; file?: string }[];
  skipped?: string;
}

const SPEC_HEADER = "# Written by sstar-action from the issue that asked for this kata.";

export async function runAction(inputs: ActionInputs, ctx: ActionContext, env: Record<string, string | undefined>, io: ActionIO, control: RunControl = {}): Promise<ActionResult> {
  const secrets = inputSecrets(inputs);
  for (const s of secrets) io.setSecret(s);
  const clean = (text: string) => redact(text, secrets);
  const resultDir = resolve(ctx.workspace, inputs.resultDir);
  const result: ActionResult = {
    outputs: { ...emptyScheduleOutputs(), solved: "false", "selected-path": "", branch: "", "commit-sha": "", "pull-request-number": "", "pull-request-url": "", "report-path": resultDir, results: "[]", "pull-request-operation": "" },
    target: "skip",
    published: [],
    refusals: [],
    results: [],
  };
  const failures: string[] = [];
  /** Problems that got no report, and why (for their comment and the results output). */
  const problemFailures = new Map<string, string>();

  const target = decideTarget(inputs, ctx);
  result.target = target.kind;
  io.info(`sstar-action: mode ${inputs.mode}, event ${ctx.eventName}, target ${target.kind}`);
  if (target.kind === "skip") {
    io.info(`nothing to do: ${target.reason}`);
    return result;
  }
  if (target.kind === "regression") return regression(inputs, ctx, env, io, result, clean);

  const writes = inputs.mode !== "solve";
  let github: GitHubHelper | undefined;
  const gh = (): GitHubHelper => {
    if (inputs.githubToken === "") {
      throw new Error(
        writes
          ? 'input "github-token" is empty: writing back needs a token (permissions: contents, pull-requests and issues: write)'
          : 'input "github-token" is empty: checking that whoever asked for the run has triage access needs a token (the default read-only one will do)',
      );
    }
    github ??= new GitHubHelper(createOctokit(inputs.githubToken, ctx.apiUrl), ctx.repo);
    return github;
  };

  // A failure before anything runs (the permission check, the model or sandbox setup) still
  // answers the person who asked, on their issue, in one line.
  const issueNumber = target.kind === "issue" || target.kind === "command" ? target.issue.number : undefined;
  const failEarly = async (error: unknown): Promise<ActionResult> => {
    const line = clean((error as Error).message);
    if (writes && issueNumber !== undefined && inputs.githubToken !== "" && inputs.comment) {
      try {
        await publishRefusal(gh(), issueNumber, { key: `issue-${issueNumber}`, reason: `The run failed before solving: ${line}`, remedy: "A maintainer can see the workflow run's log, fix the cause, then remove and re-add the label." }, clean);
      } catch (postError) {
        io.warning(`could not post the failure on #${issueNumber}: ${clean((postError as Error).message)}`);
      }
    }
    result.failure = clean([...failures, line].join("; "));
    return result;
  };

  let plan: Plan;
  try {
    plan = await makePlan(target, inputs, ctx, gh, (line) => io.warning(clean(line)));
  } catch (error) {
    return failEarly(error);
  }
  for (const e of plan.errors) io.error(clean(e.message), e.file);
  if (plan.errors.length > 0) {
    const files = new Set(plan.errors.map((e) => e.file ?? e.message));
    failures.push(`${files.size} problem spec file(s) could not be read (see the errors above)`);
  }
  if (plan.skipped !== undefined) io.info(`nothing to do: ${plan.skipped}`);

  // Refusals: a sticky comment on the issue (never in the read-only solve job).
  for (const { issueNumber, refusal } of plan.refusals) {
    result.refusals.push(refusal);
    io.warning(`refused: ${refusal.reason}`);
    if (writes && issueNumber !== undefined && inputs.comment) {
      try {
        await publishRefusal(gh(), issueNumber, refusal, clean);
      } catch (error) {
        failures.push(`could not post the refusal on #${issueNumber}: ${clean((error as Error).message)}`);
      }
    }
  }

  // Reports: solved here, or (publish) taken from the solve job's bundle.
  const reports = new Map<string, SolveReport>();
  if (inputs.mode === "publish") {
    const { bundle, reports: fromBundle } = await readBundle(resultDir);
    if (bundle.repository.toLowerCase() !== `${ctx.repo.owner}/${ctx.repo.repo}`.toLowerCase()) {
      throw new Error(`the bundle in ${inputs.resultDir} was made for ${bundle.repository}, not ${ctx.repo.owner}/${ctx.repo.repo}`);
    }
    const wanted = new Set(plan.problems.map((p) => p.ref.key));
    for (const item of bundle.items) if (!wanted.has(item.key)) io.warning(`bundle item ${item.key} is not a problem this event selects; ignored`);
    for (const p of plan.problems) {
      const report = fromBundle.get(p.ref.key);
      if (report === undefined) failures.push(`the bundle has no result for ${p.ref.key}`);
      else if (report.problem.id !== p.spec.id) failures.push(`the bundle's result for ${p.ref.key} is for ${report.problem.id}`);
      else reports.set(p.ref.key, report);
    }
  } else if (plan.problems.length > 0) {
    // The working comment goes up before the first model call, so whoever asked sees at once
    // that the run started; publishing edits the same comment (same marker) into the result.
    if (writes && inputs.comment) await postWorkingComments(plan.problems, inputs, ctx, gh, io, clean);
    const stop = stopSignal(inputs, control, io, (why) => (result.stopped = why));
    let shared: Awaited<ReturnType<typeof openSolvers>>;
    try {
      shared = await openSolvers(inputs, env, io, inputs.cacheDir !== undefined ? resolve(ctx.workspace, inputs.cacheDir) : null);
    } catch (error) {
      stop.dispose();
      return failEarly(error);
    }
    try {
      for (const p of plan.problems) {
        if (stop.signal.aborted) {
          const line = `${p.ref.key}: not started: the run stopped (${result.stopped ?? "aborted"})`;
          failures.push(line);
          problemFailures.set(p.ref.key, line);
          continue;
        }
        try {
          reports.set(p.ref.key, await solveOne(p.ref.key, p.spec, shared, io, stop.signal));
        } catch (error) {
          const line = `${p.ref.key}: ${clean((error as Error).message)}`;
          failures.push(line);
          problemFailures.set(p.ref.key, line);
          io.error(line);
        }
      }
    } finally {
      stop.dispose();
      await shared.sandbox.close();
    }
    if (result.stopped !== undefined) failures.push(`the run stopped before it finished (${result.stopped}); the partial report is in ${inputs.resultDir}`);
  }
  // A problem that got no report says why on its working comment.
  if (writes && inputs.comment) {
    for (const p of plan.problems) {
      const why = problemFailures.get(p.ref.key);
      if (why === undefined || p.ref.issueNumber === undefined) continue;
      try {
        await gh().upsertComment(p.ref.issueNumber, p.ref.key, clean(failureComment(p.ref, why, ctx.runUrl)));
      } catch (error) {
        io.warning(`could not post the failure on #${p.ref.issueNumber}: ${clean((error as Error).message)}`);
      }
    }
  }

  // Secrets never leave the run in a report: everything below (pull request, comment, the files
  // in result-dir, the bundle) is made from the masked copies.
  for (const [key, report] of reports) reports.set(key, redactDeep(report, clean));

  // Write-back.
  if (writes && reports.size > 0) {
    const git = await GitCommandManager.open(ctx.workspace, { auth: { token: inputs.githubToken, serverUrl: ctx.serverUrl }, mask: (s) => io.setSecret(s) });
    for (const p of plan.problems) {
      const report = reports.get(p.ref.key);
      if (report === undefined) continue;
      const log = new ProgressLog(io, p.ref.key);
      log.stage("publish");
      try {
        const files = [{ path: p.placement.solutionPath, content: ensureNewline(report.selected?.code ?? "") }];
        if (p.placement.specPath !== undefined) files.push({ path: p.placement.specPath, content: specFileText(p.spec, SPEC_HEADER) });
        const outcome = await publish(
          { ...p.ref, branch: p.placement.branch, files, report },
          { git, github: gh() },
          {
            base: baseOf(target),
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
          },
        );
        result.published.push(outcome);
      } catch (error) {
        const line = `${p.ref.key}: write-back failed: ${clean((error as Error).message)}`;
        failures.push(line);
        problemFailures.set(p.ref.key, line);
        io.error(line);
        if (inputs.comment && p.ref.issueNumber !== undefined) {
          // The working comment must not keep saying "solving" after a failed write-back.
          await gh()
            .upsertComment(p.ref.issueNumber, p.ref.key, clean(failureComment(p.ref, line, ctx.runUrl)))
            .catch((postError: unknown) => io.warning(`could not post the failure on #${p.ref.issueNumber}: ${clean((postError as Error).message)}`));
        }
      } finally {
        log.close();
      }
    }
  }

  // The result folder (reports, bundle) and the job summary.
  // The publish job's result folder came from an artifact: nothing is written through a link in it.
  await prepareResultDir(resultDir);
  const summaryParts: string[] = [];
  for (const p of plan.problems) {
    const report = reports.get(p.ref.key);
    if (report === undefined) continue;
    const md = clean(renderReportMarkdown(report, { variant: "summary" }));
    summaryParts.push(md);
    await writeResultFile(join(resultDir, "reports", `${p.ref.key}.md`), md);
    if (inputs.mode !== "solve") await writeResultFile(join(resultDir, reportFileFor(p.ref.key)), `${JSON.stringify(report, null, 2)}\n`);
  }
  if (inputs.mode === "solve") {
    const bundle: Bundle = {
      format: "sstar-action-bundle",
      version: 1,
      repository: `${ctx.repo.owner}/${ctx.repo.repo}`,
      eventName: ctx.eventName,
      sha: ctx.sha,
      items: plan.problems
        .filter((p) => reports.has(p.ref.key))
        .map((p) => ({
          key: p.ref.key,
          kind: p.ref.kind,
          ...(p.ref.issueNumber !== undefined ? { issueNumber: p.ref.issueNumber } : {}),
          problemId: p.spec.id,
          ...(p.ref.specPath !== undefined ? { specPath: p.ref.specPath } : {}),
          reportFile: reportFileFor(p.ref.key),
        })),
    };
    await writeBundle(resultDir, bundle, reports);
  }
  for (const r of result.refusals) summaryParts.push(`### sstar-action refused\n\n${r.reason}${r.details ? `\n\n${r.details.map((d) => `- ${d}`).join("\n")}` : ""}`);
  const summary = summaryParts.join("\n\n---\n\n");
  if (summary !== "") {
    await writeResultFile(join(resultDir, "report.md"), clean(summary));
    await io.appendSummary(clean(summary));
  }

  // Outputs: one value per problem, newline-separated when the run had several.
  const solvedAll = plan.problems.length > 0 && plan.problems.every((p) => reports.has(p.ref.key) && isSolved(reports.get(p.ref.key)!));
  result.outputs.solved = String(solvedAll);
  const list = (values: (string | undefined)[]) => values.filter((v): v is string => v !== undefined && v !== "").join("\n");
  if (writes) {
    result.outputs["selected-path"] = list(result.published.map((o) => o.selectedPath));
    result.outputs.branch = list(result.published.map((o) => o.branch));
    result.outputs["commit-sha"] = list(result.published.map((o) => o.commitSha));
    result.outputs["pull-request-number"] = list(result.published.map((o) => (o.pullRequest ? String(o.pullRequest.number) : undefined)));
    result.outputs["pull-request-url"] = list(result.published.map((o) => o.pullRequest?.url));
    result.outputs["pull-request-operation"] = result.published.map((o) => o.operation).join("\n");
  } else {
    result.outputs["selected-path"] = list(plan.problems.filter((p) => reports.has(p.ref.key) && isSolved(reports.get(p.ref.key)!)).map((p) => p.placement.solutionPath));
  }
  result.results = problemResults({
    problems: plan.problems.map((p) => ({ key: p.ref.key, problemId: p.spec.id, solutionPath: p.placement.solutionPath, ...(p.ref.issueNumber !== undefined ? { issueNumber: p.ref.issueNumber } : {}) })),
    reports,
    published: result.published,
    failures: problemFailures,
    refusals: result.refusals,
    stopped: result.stopped !== undefined,
  });
  result.outputs.results = JSON.stringify(result.results);

  const unsolved = plan.problems.filter((p) => reports.has(p.ref.key) && !isSolved(reports.get(p.ref.key)!));
  if (unsolved.length > 0) {
    const line = `no candidate passed every public test for ${unsolved.map((p) => p.ref.key).join(", ")}`;
    if (inputs.failOnUnsolved) failures.push(line);
    else io.warning(`${line} (the step still succeeds; set fail-on-unsolved: true to fail it)`);
  }
  if (failures.length > 0) result.failure = clean(failures.join("; "));
  return result;
}

/** A copy of `value` with every string passed through `clean` (reports are plain JSON data). */
export function redactDeep<T>(value: T, clean: (text: string) => string): T {
  if (typeof value === "string") return clean(value) as T;
  if (Array.isArray(value)) return value.map((v: unknown) => redactDeep(v, clean)) as T;
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactDeep(v, clean)])) as T;
  }
  return value;
}

function ensureNewline(code: string): string {
  return code.endsWith("\n") ? code : `${code}\n`;
}

function baseOf(target: Target): string {
  // Only these targets have problems to publish; the fallback is never reached.
  return target.kind === "issue" || target.kind === "command" || target.kind === "specs" ? target.base : "main";
}

/** The problems a target names, with refusals and spec errors. I/O: the permission check and reading specs. */
async function makePlan(target: Target, inputs: ActionInputs, ctx: ActionContext, gh: () => GitHubHelper, warn: (line: string) => void): Promise<Plan> {
  const plan: Plan = { problems: [], refusals: [], errors: [] };
  if (target.kind === "refuse") {
    plan.refusals.push({
      ...(target.issueNumber !== undefined ? { issueNumber: target.issueNumber } : {}),
      refusal: { key: target.issueNumber !== undefined ? `issue-${target.issueNumber}` : "refusal", reason: target.reason, remedy: target.remedy },
    });
    return plan;
  }
  if (target.kind === "issue" || target.kind === "command") {
    const issue = target.issue;
    // Who asked: the commenter, or whoever applied the label. Labeling normally needs triage
    // access, but an issue template can apply the label for its author, so it is checked too.
    const requester = target.kind === "command" ? target.commenter : target.labeler;
    if (!(target.kind === "issue" && target.labelerIsAllowedBot)) {
      const lookup = await gh().lookupPermission(requester);
      let permission: string;
      let allowed: boolean;
      if ("permission" in lookup) {
        permission = lookup.permission;
        allowed = permissionAtLeast(lookup.permission, "triage");
      } else {
        // The token may not read roles (GitHub answers ${lookup.unavailable}); fall back to what the
        // event payload says about the requester, and refuse when it says nothing.
        const why = payloadVouches(target, ctx);
        warn(`could not read ${requester}'s role on the repository (GitHub answered ${lookup.unavailable}; the token may lack access to collaborators): ${why !== undefined ? `trusting the event instead, as ${why}` : "the event does not show them as owner, member or collaborator either"}`);
        permission = "unknown (the token could not read roles, and the event does not show them as owner, member or collaborator)";
        allowed = why !== undefined;
      }
      if (!allowed) {
        plan.refusals.push({
          issueNumber: issue.number,
          refusal: {
            key: `issue-${issue.number}`,
            reason:
              target.kind === "command"
                ? `${requester} asked for a run with a comment but has ${permission} access; running needs triage access or more.`
                : `The "${inputs.label}" label was applied by ${requester}, who has ${permission} access (an issue template may have applied it); running needs triage access or more.`,
            remedy: `A maintainer can start it by removing and re-adding the "${inputs.label}" label${target.kind === "command" ? " (or commenting /sstar solve)" : ""}.`,
          },
        });
        return plan;
      }
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
  if (target.kind === "specs") {
    const matched = (await fg(inputs.problems, { cwd: ctx.workspace, onlyFiles: true, dot: false, followSymbolicLinks: false })).sort();
    const chosen = target.changed === "all" ? matched : matched.filter((f) => (target.changed as string[]).includes(f));
    if (chosen.length === 0) {
      plan.skipped = target.changed === "all" ? `no file matches ${inputs.problems}` : `this push changed no file matching ${inputs.problems}`;
      return plan;
    }
    const loaded = await loadSpecs(chosen.map((f) => join(ctx.workspace, f)));
    for (const e of loaded.errors) plan.errors.push({ message: formatSpecError(e), file: relative(ctx.workspace, e.file) });
    for (const spec of loaded.specs) {
      const specPath = spec.path !== undefined ? relative(ctx.workspace, spec.path) : undefined;
      const placement = placeSpec(spec.id, spec.language, inputs);
      if (placement.branch === target.base) {
        plan.errors.push({ message: baseBranchClash(placement.branch), ...(specPath !== undefined ? { file: specPath } : {}) });
        continue;
      }
      plan.problems.push({ spec, placement, clamped: [], ref: { key: placement.key, kind: "spec", problemId: spec.id, problemTitle: spec.title, ...(specPath !== undefined ? { specPath } : {}) } });
    }
  }
  return plan;
}

function baseBranchClash(branch: string): string {
  return `the result branch ${JSON.stringify(branch)} is also the base branch: change input "branch-prefix" or "base" (sstar never pushes to the base)`;
}

async function openSolvers(
  inputs: ActionInputs,
  env: Record<string, string | undefined>,
  io: ActionIO,
  cacheDir: string | null = null,
): Promise<{ model: ModelClient; sandbox: Sandbox; options: Omit<SolveOptions, "onProgress"> }> {
  const config = modelConfigFromEnv(env as NodeJS.ProcessEnv, {
    ...(inputs.baseUrl !== undefined ? { baseUrl: inputs.baseUrl } : {}),
    ...(inputs.apiKey !== undefined ? { apiKey: inputs.apiKey } : {}),
    model: inputs.model,
    ...(inputs.judgeModel !== undefined || inputs.judgeBaseUrl !== undefined || inputs.judgeApiKey !== undefined
      ? {
          judge: {
            ...(inputs.judgeModel !== undefined ? { model: inputs.judgeModel } : {}),
            ...(inputs.judgeBaseUrl !== undefined ? { baseUrl: inputs.judgeBaseUrl } : {}),
            ...(inputs.judgeApiKey !== undefined ? { apiKey: inputs.judgeApiKey } : {}),
          },
        }
      : {}),
    ...(inputs.budget !== undefined ? { budget: inputs.budget } : {}),
    ...(inputs.prices !== undefined ? { prices: inputs.prices } : {}),
    ...(inputs.stream ? { stream: true } : {}),
    ...(inputs.timeoutMs !== undefined ? { timeoutMs: inputs.timeoutMs } : {}),
    ...(inputs.maxRetries !== undefined ? { maxRetries: inputs.maxRetries } : {}),
    // The deadline ends every model call; each problem then picks from what it has.
    ...(inputs.deadlineMs !== undefined ? { signal: AbortSignal.timeout(inputs.deadlineMs) } : {}),
    // A replay sends nothing anywhere: no key, no cache.
    ...(inputs.replay !== undefined ? { cassette: { replay: inputs.replay }, ...(inputs.apiKey === undefined ? { apiKey: "replay-needs-no-key" } : {}) } : {}),
    cacheDir: inputs.replay !== undefined ? null : cacheDir,
    log: (line) => io.info(line),
  });
  for (const s of [config.apiKey, config.judge?.apiKey]) if (s !== undefined && s.length >= 4) io.setSecret(s);
  const model = createModelClient(config);
  const sandbox = await createSandbox({ backend: inputs.sandbox, log: (line) => io.info(line) });
  io.info(`sandbox: ${sandbox.backend}; model: ${config.model}${config.judge?.model !== undefined ? `; judge: ${config.judge.model}` : ""}`);
  return {
    model,
    sandbox,
    options: {
      samples: inputs.samples,
      ...(inputs.maxSamples !== undefined ? { maxSamples: inputs.maxSamples } : {}),
      rounds: inputs.rounds,
      selection: inputs.selection,
      ...(inputs.selectionBudget !== undefined ? { selectionBudget: inputs.selectionBudget } : {}),
      temperature: DEFAULT_SOLVE_OPTIONS.temperature,
      modelName: config.model,
      judgeModelName: config.judge?.model ?? config.model,
      sandboxName: sandbox.backend,
      ...(inputs.replay !== undefined ? { cassette: basename(inputs.replay) } : {}),
    },
  };
}

async function solveOne(name: string, spec: ProblemSpec, shared: Awaited<ReturnType<typeof openSolvers>>, io: ActionIO, signal: AbortSignal): Promise<SolveReport> {
  const log = new ProgressLog(io, name);
  log.stage("generate and debug");
  try {
    return await solve(spec, { model: shared.model, sandbox: shared.sandbox }, { ...shared.options, signal, onProgress: (e) => log.event(e) });
  } finally {
    log.close();
  }
}

/** The working comment on each issue kata of the run; a failure to post it is only a warning. */
async function postWorkingComments(problems: Problem[], inputs: ActionInputs, ctx: ActionContext, gh: () => GitHubHelper, io: ActionIO, clean: (s: string) => string): Promise<void> {
  for (const p of problems) {
    if (p.ref.issueNumber === undefined) continue;
    const body = workingComment(p.ref, { samples: inputs.samples, ...(inputs.maxSamples !== undefined ? { maxSamples: inputs.maxSamples } : {}), rounds: inputs.rounds, model: inputs.model, ...(ctx.runUrl !== undefined ? { runUrl: ctx.runUrl } : {}), clamped: p.clamped });
    try {
      const posted = await gh().upsertComment(p.ref.issueNumber, p.ref.key, clean(body));
      io.info(`${p.ref.key}: working comment ${posted.created ? "posted on" : "edited on"} #${p.ref.issueNumber}`);
    } catch (error) {
      io.warning(`could not post the working comment on #${p.ref.issueNumber}: ${clean((error as Error).message)}`);
    }
  }
}

/**
 * The signal that stops solving: the entry's (SIGINT/SIGTERM) or the run's deadline
 * (timeout-minutes less the time kept for publishing), whichever comes first. `onStop` gets why.
 */
function stopSignal(inputs: ActionInputs, control: RunControl, io: ActionIO, onStop: (why: string) => void): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  const stop = (why: string) => {
    if (controller.signal.aborted) return;
    onStop(why);
    io.warning(`stopping: ${why}; the finished work is published and the partial report written`);
    controller.abort(why);
  };
  const onAbort = () => stop(typeof control.signal?.reason === "string" ? control.signal.reason : "interrupted");
  if (control.signal?.aborted) onAbort();
  control.signal?.addEventListener("abort", onAbort, { once: true });
  const deadline = solveDeadlineMs(inputs.timeoutMinutes);
  const timer = deadline !== undefined ? setTimeout(() => stop(`timeout-minutes ${inputs.timeoutMinutes} is near: solving stopped after ${Math.round(deadline / 1000)} s to leave time to publish`), deadline) : undefined;
  timer?.unref();
  return {
    signal: controller.signal,
    dispose() {
      if (timer !== undefined) clearTimeout(timer);
      control.signal?.removeEventListener("abort", onAbort);
    },
  };
}

/** schedule: evaluate or merge, then compare and keep the regression issue (src/action/schedule.ts). */
async function regression(
  inputs: ActionInputs,
  ctx: ActionContext,
  env: Record<string, string | undefined>,
  io: ActionIO,
  result: ActionResult,
  clean: (s: string) => string,
): Promise<ActionResult> {
  return runSchedule(inputs, ctx, io, result, clean, (cacheDir) => openSolvers(inputs, env, io, cacheDir));
}
