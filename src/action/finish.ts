// The end of every problem mode: the result folder (reports, and the bundle in solve mode), the
// job summary, the outputs, and whether the step fails.
import { join } from "node:path";
import { redactDeep } from "../model/redact.ts";
import type { SolveReport } from "../engine/report.ts";
import { isSolved } from "../github/publish.ts";
import { escapeInline } from "../report/inert.ts";
import { renderReportMarkdown } from "../report/markdown.ts";
import { prepareResultDir, reportFileFor, writeBundle, writeResultFile, type Bundle } from "./bundle.ts";
import { costOutputs, spendOfReports, spendSummary } from "./cost.ts";
import type { ActionResult } from "./outcome.ts";
import { problemResults } from "./results.ts";
import type { ActionRun, Plan } from "./run-state.ts";

/**
 * Secrets never leave the run in a report: everything after this (pull request, comment, the
 * files in result-dir, the bundle) is made from the masked copies.
 */
export function maskReports(run: ActionRun, reports: Map<string, SolveReport>): Map<string, SolveReport> {
  for (const [key, report] of reports) reports.set(key, redactDeep(report, run.clean));
  return reports;
}

export async function finish(run: ActionRun, plan: Plan, reports: Map<string, SolveReport>): Promise<ActionResult> {
  await writeResults(run, plan, reports);
  setOutputs(run, plan, reports);
  const unsolved = plan.problems.filter((p) => reports.has(p.ref.key) && !isSolved(reports.get(p.ref.key)!));
  if (unsolved.length > 0) {
    const line = `no candidate passed every public test for ${unsolved.map((p) => p.ref.key).join(", ")}`;
    if (run.inputs.failOnUnsolved) run.failures.push(line);
    else run.io.warning(`${line} (the step still succeeds; set fail-on-unsolved: true to fail it)`);
  }
  if (run.failures.length > 0) run.result.failure = run.clean(run.failures.join("; "));
  return run.result;
}

/** The result folder (reports, bundle) and the job summary. */
async function writeResults(run: ActionRun, plan: Plan, reports: Map<string, SolveReport>): Promise<void> {
  const { inputs, ctx, clean, resultDir } = run;
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
  if (reports.size > 0) summaryParts.push(spendSummary(spendOfReports(reports.values())));
  // Refusal reasons quote the issue (a missing part, a bad value): escaped like every posted text.
  for (const r of run.result.refusals) summaryParts.push(`### sstar-action refused\n\n${escapeInline(r.reason)}${r.details ? `\n\n${r.details.map((d) => `- ${escapeInline(d)}`).join("\n")}` : ""}`);
  const summary = summaryParts.join("\n\n---\n\n");
  if (summary !== "") {
    await writeResultFile(join(resultDir, "report.md"), clean(summary));
    await run.io.appendSummary(clean(summary));
  }
}

/** Outputs: one value per problem, newline-separated when the run had several. */
function setOutputs(run: ActionRun, plan: Plan, reports: Map<string, SolveReport>): void {
  const { result } = run;
  const solvedAll = plan.problems.length > 0 && plan.problems.every((p) => reports.has(p.ref.key) && isSolved(reports.get(p.ref.key)!));
  result.outputs.solved = String(solvedAll);
  Object.assign(result.outputs, costOutputs(spendOfReports(reports.values())));
  const list = (values: (string | undefined)[]) => values.filter((v): v is string => v !== undefined && v !== "").join("\n");
  if (run.writes) {
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
    failures: run.problemFailures,
    refusals: result.refusals,
    stopped: result.stopped !== undefined,
  });
  result.outputs.results = JSON.stringify(result.results);
}

