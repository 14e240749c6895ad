// The words the action writes on GitHub: pull-request titles and bodies, the sticky comment and
// refusal comments. Pure functions over plain data. Text from issues and models is untrusted: it
// is escaped (titles) or left to the report renderer, which fences it.
import type { SolveReport } from "../engine/report.ts";
import { escapeInline, renderReportMarkdown } from "../report/markdown.ts";
import { markerFor, MAX_COMMENT_CHARS } from "./github.ts";

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
}

/** One line of plain text: control characters and newlines removed, cut to `max`. */
export function plainLine(text: string, max: number): string {
  // eslint-disable-next-line no-control-regex -- removing control characters is the point
  const line = text.replace(/[\u0000-\u001f\u007f\u200b-\u200f\u2028-\u202e\u2060-\u2064\ufeff]+/g, " ").replace(/\s+/g, " ").trim();
  return line.length <= max ? line : `${line.slice(0, max - 1)}…`;
}

function problemName(p: ProblemRef): string {
  return p.kind === "issue" ? `#${p.issueNumber}` : p.problemId;
}

export function pullRequestTitle(p: ProblemRef): string {
  return plainLine(`sstar: solve ${problemName(p)}: ${p.problemTitle}`, 200);
}

export function pullRequestBody(p: ProblemRef, report: SolveReport, facts: GitHubFacts): string {
  const lines: string[] = [];
  const what =
    p.kind === "issue"
      ? `the kata in issue #${p.issueNumber} (${escapeInline(plainLine(p.problemTitle, 120))})`
      : `the problem \`${p.problemId}\`${p.specPath !== undefined ? ` (\`${p.specPath}\`)` : ""}`;
  lines.push(`Solution to ${what}, selected by [sstar-action](https://github.com/sstar-action/sstar-action) with S*.`, "");
  if (report.selected !== null) {
    const hidden = report.hidden !== undefined ? `, hidden tests ${report.hidden.passed}/${report.hidden.total}` : "";
    lines.push(`- Selected: sample ${report.selected.sample}, public tests ${report.selected.publicPassed}/${report.selected.publicTotal}${hidden}`);
  }
  lines.push(`- Settings: ${report.settings.samples} samples, ${report.settings.rounds} debugging rounds, selection \`${report.settings.selection}\`, model \`${plainLine(report.settings.model, 80).replace(/`/g, "")}\``);
  if (facts.files !== undefined && facts.files.length > 0) lines.push(`- Files: ${facts.files.map((f) => `\`${f}\``).join(", ")}`);
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
  if (!solved) {
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
  if (facts.runUrl !== undefined) head.push(`<sub>[workflow run](${facts.runUrl})</sub>`);
  const top = `${head.join("\n\n")}\n\n`;
  const body = renderReportMarkdown(report, { variant: "comment", maxChars: Math.max(1000, maxChars - top.length) });
  const text = top + body;
  return text.length <= maxChars ? text : text.slice(0, maxChars);
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
