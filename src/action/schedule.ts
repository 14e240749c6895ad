// The action's schedule mode: evaluate (one shard, or everything) or merge shard results, then
// compare with the baseline and keep one regression issue: opened or updated on a regression,
// closed on a clean night, and on an incomplete night (an outage, not the model) left as it is with
// a "run incomplete: <cause>" comment, while the step fails. The decisions are src/eval's; this
// file reads inputs, calls the jobs, and writes outputs, the summary and the issue.
import { mkdir, writeFile } from "node:fs/promises";
import { join, relative, resolve } from "node:path";
import fg from "fast-glob";
import { count } from "../engine/progress.ts";
import type { SolveOptions } from "../engine/index.ts";
import {
  evalProgressLine,
  formatP,
  incompleteComment,
  MergeError,
  parseShard,
  readResultsFile,
  regressionIssue,
  runCompareJob,
  runEvalJob,
  runIncompleteness,
  runMergeJob,
  type CompareJobResult,
  type Comparison,
} from "../eval/index.ts";
import { createOctokit, GitHubHelper, markerFor } from "../github/github.ts";
import { renderEvalHtml } from "../report/html/index.ts";
import { htmlReportLink, publishHtmlReport, type HtmlArtifact } from "./html-artifact.ts";
import type { ModelClient } from "../model/types.ts";
import type { Sandbox } from "../sandbox/types.ts";
import { formatSpecError, loadSpecs } from "../spec/index.ts";
import type { ActionContext } from "./context.ts";
import { costOutputs, spendOfEval, spendSummary } from "./cost.ts";
import type { ActionInputs } from "./inputs.ts";
import type { ActionIO, ActionResult, ScheduleOutputs } from "./outcome.ts";

export const REGRESSION_KEY = "regression";
export const REGRESSION_LABEL = "sstar-regression";
/** The sticky "run incomplete" comment on the regression issue: one, updated each incomplete night. */
const INCOMPLETE_KEY = "regression-incomplete";

export interface Solvers {
  model: ModelClient;
  sandbox: Sandbox;
  options: Omit<SolveOptions, "onProgress">;
  /** Closes the sandbox and, with `model: local`, stops the model server (and saves the Actions cache). */
  close(): Promise<void>;
}

/** How schedule mode gets its model and sandbox (the action's own setup, with or without the reply cache). */
export type OpenSolvers = (cacheDir: string | null) => Promise<Solvers>;

/** A rate as the outputs give it: a fraction with four decimals ("0.8125"). */
function rateText(rate: number): string {
  return rate.toFixed(4);
}

export async function runSchedule(inputs: ActionInputs, ctx: ActionContext, io: ActionIO, result: ActionResult, clean: (s: string) => string, openSolvers: OpenSolvers): Promise<ActionResult> {
  const resultDir = resolve(ctx.workspace, inputs.resultDir);
  await mkdir(resultDir, { recursive: true });
  const resultsPath = join(resultDir, inputs.shard !== undefined ? `results-${inputs.shard.replace("/", "-of-")}.json` : "results.json");
  if (inputs.results !== undefined) {
    const files = (await fg(inputs.results, { cwd: ctx.workspace, onlyFiles: true, absolute: true })).sort();
    if (files.length === 0) throw new Error(`input "results": no file matches ${inputs.results}`);
    io.startGroup(`merge ${files.length} results files`);
    try {
      await runMergeJob(files, resultsPath);
    } catch (error) {
      // A shard that died (cancelled, timed out) leaves its part missing or unfinished: the night
      // is incomplete, which says nothing about the model.
      if (!(error instanceof MergeError)) throw error;
      return incomplete(inputs, ctx, io, result, clean, `the shard results do not make a whole run: ${error.message}`, null);
    } finally {
      io.endGroup();
    }
  } else {
    const loaded = await loadSpecs([join(ctx.workspace, inputs.problems)]);
    for (const e of loaded.errors) io.error(formatSpecError(e), relative(ctx.workspace, e.file));
    // The reply cache lets a rerun of a failed shard replay the calls it already made.
    const shared = await openSolvers(join(ctx.workspace, ".sstar-cache", "model"));
    // --confirm's retries must be fresh samples: a second client, without the cache (its sandbox
    // is not needed: the retries run in the shared one).
    const confirm = inputs.confirm > 0 ? await openSolvers(null) : undefined;
    await confirm?.close();
    try {
      io.startGroup(`evaluate ${count(loaded.specs.length, "problem")}${inputs.shard !== undefined ? ` (shard ${inputs.shard})` : ""}`);
      await runEvalJob({
        specs: loaded.specs,
        model: shared.model,
        sandbox: shared.sandbox,
        solve: shared.options,
        out: resultsPath,
        ...(inputs.shard !== undefined ? { shard: parseShard(inputs.shard, 'input "shard"') } : {}),
        ...(confirm ? { confirm: { times: inputs.confirm, baselineFile: join(ctx.workspace, inputs.baselinePath), model: confirm.model } } : {}),
        ...(inputs.calibrate ? { calibrate: {} } : {}),
        onCalibrated: (c) => io.info(`time calibration: ${c.measuredMs} ms here, ${c.referenceMs} ms on the reference runner: time limits × ${c.scale}`),
        onProgress: (e) => {
          const line = evalProgressLine(e);
          if (line !== null) io.info(clean(line));
        },
      });
      io.endGroup();
    } finally {
      await shared.close();
    }
    if (inputs.shard !== undefined) {
      // A shard only evaluates (and confirms); the final job merges, compares and decides.
      const shard = await readResultsFile(resultsPath);
      const cause = runIncompleteness(shard, inputs.maxNotAttempted);
      const spend = spendOfEval(shard.summary.usage);
      await io.appendSummary(clean(`## sstar evaluation, shard ${inputs.shard}\n\n${spendSummary(spend)}\n`));
      Object.assign(result.outputs, costOutputs(spend), {
        "report-path": resultsPath,
        "pass-rate": rateText(shard.summary.solveRate),
        "pass-rate-low": rateText(shard.summary.solveRateLow),
        "pass-rate-high": rateText(shard.summary.solveRateHigh),
        incomplete: String(cause !== null),
        regression: "false",
        results: JSON.stringify({ shard: inputs.shard, summary: shard.summary }),
      });
      if (cause !== null) io.warning(clean(`shard ${inputs.shard} incomplete: ${cause}; the final job will not call this night a regression`));
      return result;
    }
  }

  // What the night spent (every problem, graded or not), whatever the comparison decides.
  const spend = spendOfEval((await readResultsFile(resultsPath)).summary.usage);
  Object.assign(result.outputs, costOutputs(spend));
  const { compared, html } = await compareAndReport(inputs, ctx, io, clean, resultDir, resultsPath, spendSummary(spend));
  Object.assign(result.outputs, decisionOutputs(compared), { "report-path": resultDir, solved: String(compared.decision === "no-regression"), "html-report": html.path, "html-report-url": html.url ?? "" });
  if (compared.incomplete) return incomplete(inputs, ctx, io, result, clean, compared.cause ?? "unknown cause", compared);

  const c = compared.comparison;
  const failure = c ? regressionLine(c) : "";
  // The step fails on a regression whether or not a token lets it open the issue.
  if (compared.regression) result.failure = clean(failure);
  if (inputs.githubToken === "") {
    if (compared.regression) io.warning('no regression issue opened: input "github-token" is empty (needs issues: write)');
    return result;
  }
  const github = new GitHubHelper(createOctokit(inputs.githubToken, ctx.apiUrl), ctx.repo);
  if (compared.regression && c !== null) {
    const issue = regressionIssue(c, { ...(ctx.runUrl !== undefined ? { runUrl: ctx.runUrl } : {}), commit: ctx.sha });
    const body = `${markerFor(REGRESSION_KEY)}\n${issue.body}\n${htmlReportLink(html)}\n`;
    const ref = await github.upsertIssue({ key: REGRESSION_KEY, title: clean(issue.title), body: clean(body), labels: [REGRESSION_LABEL] });
    io.warning(`regression: issue #${ref.number} ${ref.created ? "opened" : "updated"}`);
    result.outputs["issue-number"] = String(ref.number);
    result.failure = clean(`${failure} (issue #${ref.number})`);
  } else if (!compared.regression) {
    const closed = await github.closeIssue({ key: REGRESSION_KEY, label: REGRESSION_LABEL, comment: `The latest nightly run shows no regression${ctx.runUrl !== undefined ? ` ([workflow run](${ctx.runUrl}))` : ""}. Closing.` });
    if (closed !== undefined) {
      io.info(`no regression: closed issue #${closed}`);
      result.outputs["issue-number"] = String(closed);
    }
  }
  return result;
}

/** Compares with the baseline (appending the trend), writes report.md, the summary and the HTML report (uploaded as an artifact when possible). */
async function compareAndReport(inputs: ActionInputs, ctx: ActionContext, io: ActionIO, clean: (s: string) => string, resultDir: string, resultsPath: string, spendLine: string): Promise<{ compared: CompareJobResult; html: HtmlArtifact }> {
  const compared = await runCompareJob({
    current: resultsPath,
    baseline: join(ctx.workspace, inputs.baselinePath),
    allowMissingBaseline: true,
    maxDropPct: inputs.maxDrop,
    alpha: inputs.alpha,
    maxNotAttemptedPct: inputs.maxNotAttempted,
    ...(inputs.trend !== undefined ? { trend: join(ctx.workspace, inputs.trend) } : {}),
    commit: ctx.sha,
  });
  const html = await publishHtmlReport(
    join(resultDir, "report.html"),
    renderEvalHtml({ results: compared.results, ...(compared.comparison ? { comparison: compared.comparison } : {}), ...(compared.trend ? { trend: compared.trend } : {}) }),
    ctx.runUrl,
    (line) => io.warning(clean(line)),
  );
  const markdown = `${compared.markdown}\n${htmlReportLink(html)}\n`;
  await writeFile(join(resultDir, "report.md"), clean(markdown));
  await io.appendSummary(clean(`${markdown.trimEnd()}\n\n${spendLine}\n`));
  return { compared, html };
}

/** The step's failure line on a regression, by the rule that decided it. */
function regressionLine(c: Comparison): string {
  const ids = c.newlyFailing.map((p) => p.id).join(", ");
  if (c.rule === "per-problem") return `regression: ${ids} passed in the baseline and fail${c.newlyFailing.length === 1 ? "s" : ""} now (per-problem rule: ${c.paired.shared} problems graded in both, too few to test statistically)`;
  return `regression: pass rate ${signedPoints(c.paired.deltaPp)} on ${c.paired.shared} problems (McNemar exact p = ${formatP(c.paired.pValue)}); newly failing: ${ids}`;
}

function signedPoints(pp: number): string {
  return `${pp > 0 ? "+" : pp < 0 ? "−" : "±"}${Math.abs(pp)} points`;
}

/** The outputs a decided (or undecidable) comparison sets. */
export function decisionOutputs(compared: CompareJobResult): Partial<ScheduleOutputs> {
  const c = compared.comparison;
  const results = {
    decision: compared.decision,
    cause: compared.cause,
    passRate: compared.passRate,
    passRateLow: compared.passRateLow,
    passRateHigh: compared.passRateHigh,
    baselinePassRate: compared.baselinePassRate,
    ...(c
      ? {
          rule: c.rule,
          ruleReason: c.ruleReason,
          timingSensitive: c.timingSensitive.map((p) => p.id),
          calibration: c.calibration.map((k) => ({ shard: k.shard, scale: k.scale, measuredMs: k.measuredMs, referenceMs: k.referenceMs })),
          pValue: c.paired.pValue,
          paired: c.paired,
          maxDropPct: c.maxDropPct,
          alpha: c.alpha,
          newlyFailing: c.newlyFailing.map((p) => p.id),
          newlyPassing: c.newlyPassing.map((p) => p.id),
          flaky: c.flaky.map((p) => p.id),
          notAttempted: c.notAttempted.map((p) => ({ id: p.id, cause: p.cause })),
          costUsd: c.cost.current,
          baselineCostUsd: c.cost.baseline,
          wallMs: c.wall.currentMs,
        }
      : {}),
  };
  return {
    "pass-rate": rateText(compared.passRate),
    "pass-rate-low": rateText(compared.passRateLow),
    "pass-rate-high": rateText(compared.passRateHigh),
    "baseline-pass-rate": compared.baselinePassRate === null ? "" : rateText(compared.baselinePassRate),
    "p-value": c ? String(Number(c.paired.pValue.toPrecision(12))) : "",
    regression: String(compared.regression),
    incomplete: String(compared.incomplete),
    results: JSON.stringify(results),
  };
}

/**
 * An incomplete night: no regression issue is opened; an open one gets the "run incomplete" comment
 * (it stays open: nothing was decided); the step fails, naming the cause.
 */
async function incomplete(
  inputs: ActionInputs,
  ctx: ActionContext,
  io: ActionIO,
  result: ActionResult,
  clean: (s: string) => string,
  cause: string,
  compared: CompareJobResult | null,
): Promise<ActionResult> {
  Object.assign(result.outputs, { incomplete: "true", regression: "false", solved: "false", "report-path": resolve(ctx.workspace, inputs.resultDir) });
  if (compared === null) result.outputs.results = JSON.stringify({ decision: "incomplete", cause });
  result.failure = clean(`run incomplete: ${cause}`);
  if (compared === null) await io.appendSummary(clean(`## sstar evaluation: ⚠️ run incomplete\n\n${cause}\n`));
  if (inputs.githubToken === "") return result;
  const github = new GitHubHelper(createOctokit(inputs.githubToken, ctx.apiUrl), ctx.repo);
  const open = await github.findOpenIssue(REGRESSION_KEY, REGRESSION_LABEL);
  if (open === undefined) {
    io.info("run incomplete: no regression issue is open, none opened");
    return result;
  }
  await github.upsertComment(open.number, INCOMPLETE_KEY, clean(`${markerFor(INCOMPLETE_KEY)}\n${incompleteComment(compared?.comparison ?? null, cause, ctx.runUrl)}`));
  io.warning(`run incomplete: commented on the open regression issue #${open.number}`);
  result.outputs["issue-number"] = String(open.number);
  return result;
}
