// The words the action writes on GitHub: pull-request titles and bodies, the sticky comment and
// refusal comments. Pure functions over plain data. Text from issues and models is untrusted: it
// is escaped (titles) or left to the report renderer, which fences it.
import type { SolveReport } from "../engine/report.ts";
import { DEFAULT_MAX_SAMPLES } from "../engine/waves.ts";
import { codeSpan, escapeInline, plainLine } from "../report/inert.ts";
import { renderReportMarkdown } from "../report/markdown.ts";
import { markerFor, MAX_COMMENT_CHARS } from "./github.ts";
import { fillTemplate, type TemplateValues } from "./template.ts";

export interface ProblemRef {
  /** Marker key of the sticky comment: "issue-7" or "spec-two-sum". */
  key: string;
  kind: "issue" | "spec";
  issueNumber?: number;
  problemId: string;
  problemTitle: string;
  /** The spec file in the repository (spec problems). */
  specPath?: string;
}

export interface GitHubFacts {
  branch?: string;
  commitSha?: string;
  pushed?: boolean;
  pullRequest?: { number: number; url: string };
  runUrl?: string;
  /** Why nothing was pushed although a candidate was selected. */
  notPushed?: string;
  files?: string[];
  /** Why the run stopped before it finished (a signal, the run's deadline): the report is partial. */
  stopped?: string;
  /** Limits the issue asked for that the run lowered to the action's caps, one sentence each. */
  clamped?: string[];
}

// One plain line and a code span that nothing inside can close: from the one escaping module.
export { codeSpan, plainLine };

function problemName(p: ProblemRef): string {
  return p.kind === "issue" ? `#${p.issueNumber}` : p.problemId;
}

/** The values a pr-title or commit-message template can use. */
export function templateValues(p: ProblemRef, report: Pick<SolveReport, "settings">): TemplateValues {
  // Each value one plain line: an issue title's newline must not start a commit body.
  return {
    problem: problemName(p),
    id: p.problemId,
    title: plainLine(p.problemTitle, 200),
    issue: p.issueNumber !== undefined ? String(p.issueNumber) : "",
    key: p.key,
    model: plainLine(report.settings.model, 80),
    selection: report.settings.selection,
    samples: String(report.settings.samples),
  };
}

export function pullRequestTitle(p: ProblemRef, template?: string, report?: Pick<SolveReport, "settings">): string {
  if (template !== undefined && report !== undefined) return plainLine(fillTemplate(template, templateValues(p, report)), 200);
  return plainLine(`sstar: solve ${problemName(p)}: ${p.problemTitle}`, 200);
}

/**
 * The commit message. Without a template: `sstar: solve <problem>`, what was selected and, for an
 * issue, `Refs #n`. With one: its first line, filled, is the subject (one plain line whatever the
 * issue says) and its other lines, filled, the body.
 */
export function commitMessage(p: ProblemRef, report: SolveReport, template?: string): string {
  if (template !== undefined) {
    const [subject = "", ...body] = fillTemplate(template, templateValues(p, report)).split(/\r?\n/);
    return [plainLine(subject, 200), ...body.map((l) => plainLine(l, 500))].join("\n").trimEnd();
  }
  const lines = [`sstar: solve ${p.kind === "issue" ? `issue #${p.issueNumber}` : p.problemId}`, ""];
  if (report.selected !== null) lines.push(`Selected sample ${report.selected.sample} (public tests ${report.selected.publicPassed}/${report.selected.publicTotal}) by ${report.settings.selection} with ${plainLine(report.settings.model, 80)}.`);
  if (p.kind === "issue") lines.push("", `Refs #${p.issueNumber}`);
  return lines.join("\n");
}

export function pullRequestBody(p: ProblemRef, report: SolveReport, facts: GitHubFacts): string {
  const lines: string[] = [];
  const what =
    p.kind === "issue"
      ? `the kata in issue #${p.issueNumber} (${escapeInline(plainLine(p.problemTitle, 120))})`
      : `the problem ${codeSpan(p.problemId)}${p.specPath !== undefined ? ` (${codeSpan(p.specPath)})` : ""}`;
  lines.push(`Solution to ${what}, selected by [sstar-action](https://github.com/sstar-action/sstar-action) with S*.`, "");
  if (report.selected !== null) {
    const hidden = report.hidden !== undefined ? `, hidden tests ${report.hidden.passed}/${report.hidden.total}` : "";
    lines.push(`- Selected: sample ${report.selected.sample}, public tests ${report.selected.publicPassed}/${report.selected.publicTotal}${hidden}`);
  }
  lines.push(`- Settings: ${report.settings.samples} samples, ${report.settings.rounds} debugging rounds, selection \`${report.settings.selection}\`, model \`${plainLine(report.settings.model, 80).replace(/`/g, "")}\``);
  if (facts.files !== undefined && facts.files.length > 0) lines.push(`- Files: ${facts.files.map(codeSpan).join(", ")}`);
  lines.push(
    p.kind === "issue"
      ? `- Details (distinguishing inputs, judge verdicts, cost): the comment on #${p.issueNumber}`
      : "- Details (distinguishing inputs, judge verdicts, cost): the comment below",
  );
  if (facts.runUrl !== undefined) lines.push(`- Workflow run: ${facts.runUrl}`);
  if (p.kind === "issue") lines.push("", `Closes #${p.issueNumber}`);
  return lines.join("\n");
}

/** The sticky comment: marker, what happened on GitHub, then the report, within GitHub's limit. */
export function resultComment(p: ProblemRef, report: SolveReport, facts: GitHubFacts, maxChars = MAX_COMMENT_CHARS): string {
  const head: string[] = [markerFor(p.key)];
  const solved = report.status === "solved" && report.selected !== null;
  if (facts.stopped !== undefined) head.push(`> [!WARNING]\n> **The run stopped before it finished** (${escapeInline(plainLine(facts.stopped, 200))}). The report below holds what it had by then; a re-run replays the finished model calls from the reply cache.`);
  if (!solved && facts.stopped !== undefined) {
    head.push(`**Nothing was pushed:** the run stopped before a candidate was selected${facts.pullRequest !== undefined ? ` (pull request #${facts.pullRequest.number} keeps its earlier solution)` : ""}.`);
  } else if (!solved) {
    head.push(
      `> [!WARNING]\n> **No candidate passed every public test**, so nothing was pushed${facts.pullRequest !== undefined ? ` (pull request #${facts.pullRequest.number} keeps its earlier solution)` : ""}. The report below shows what was tried.`,
    );
  } else if (facts.pushed === true || facts.pullRequest !== undefined) {
    const parts: string[] = [];
    if (facts.pullRequest !== undefined) parts.push(`pull request #${facts.pullRequest.number}`);
    if (facts.branch !== undefined) parts.push(`branch \`${facts.branch}\``);
    if (facts.commitSha !== undefined) parts.push(`commit ${facts.commitSha.slice(0, 12)}${facts.pushed === false ? " (unchanged)" : ""}`);
    head.push(`**Solution:** ${parts.join(" · ")}`);
  } else if (facts.notPushed !== undefined) {
    head.push(`**Nothing pushed:** ${facts.notPushed}`);
  }
  if (facts.clamped !== undefined && facts.clamped.length > 0) head.push(clampedNote(facts.clamped));
  if (facts.runUrl !== undefined) head.push(`<sub>[workflow run](${facts.runUrl})</sub>`);
  const top = `${head.join("\n\n")}\n\n`;
  const body = renderReportMarkdown(report, { variant: "comment", maxChars: Math.max(1000, maxChars - top.length) });
  const text = top + body;
  return text.length <= maxChars ? text : text.slice(0, maxChars);
}

function clampedNote(clamped: string[]): string {
  return `> [!NOTE]\n> Limits lowered to this repository's caps: ${clamped.map((c) => escapeInline(plainLine(c, 200))).join("; ")}.`;
}

export interface WorkingFacts {
  /** A count, or "auto" (adaptive sampling, up to maxSamples). */
  samples: number | "auto";
  maxSamples?: number;
  rounds: number;
  model: string;
  runUrl?: string;
  clamped?: string[];
}

/** The comment posted before any model call, edited in place into the result when the run ends. */
export function workingComment(p: ProblemRef, w: WorkingFacts): string {
  const run = w.runUrl !== undefined ? ` · [workflow run](${w.runUrl})` : "";
  const lines = [
    markerFor(p.key),
    `⏳ **Solving ${problemName(p)}** with ${w.samples === "auto" ? `up to ${w.maxSamples ?? DEFAULT_MAX_SAMPLES} samples (drawn in waves)` : `${w.samples} samples`} and ${w.rounds} debugging rounds, model ${codeSpan(plainLine(w.model, 80))}${run}.`,
    "",
    "This comment is edited in place with the result when the run ends.",
  ];
  if (w.clamped !== undefined && w.clamped.length > 0) lines.push("", clampedNote(w.clamped));
  return lines.join("\n");
}

/** The working comment's end when the run failed for this problem: one line saying why. */
export function failureComment(p: ProblemRef, reason: string, runUrl?: string): string {
  const lines = [markerFor(p.key), "> [!CAUTION]", `> **sstar-action failed on ${problemName(p)}:** ${escapeInline(plainLine(reason, 500))}`, "", "Nothing was pushed for this run. A maintainer can see the workflow run's log, fix the cause, then run it again (remove and re-add the label)."];
  if (runUrl !== undefined) lines.push("", `<sub>[workflow run](${runUrl})</sub>`);
  return lines.join("\n");
}

export interface Refusal {
  key: string;
  /** One paragraph: what was refused and why. */
  reason: string;
  /** What to do about it (one line). */
  remedy?: string;
  /** Items (missing parts of an issue, ...), shown as a list. */
  details?: string[];
}

export function refusalComment(r: Refusal): string {
  const lines = [markerFor(r.key), "> [!CAUTION]", `> **sstar-action did not run.** ${escapeInline(plainLine(r.reason, 500))}`];
  if (r.details !== undefined && r.details.length > 0) {
    lines.push("");
    for (const d of r.details.slice(0, 30)) lines.push(`- ${escapeInline(plainLine(d, 300))}`);
  }
  if (r.remedy !== undefined) lines.push("", escapeInline(plainLine(r.remedy, 500)));
  lines.push("", "No branch was created and nothing was pushed.");
  return lines.join("\n");
}
