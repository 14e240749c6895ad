// The sticky comment of an `uncertain` outcome: the pick passed every public test but its
// confidence is below min-confidence, so no pull request was opened. It lays out the disagreement
// (report/disagreement.ts) so a person can decide in a minute, then the full report.
import type { SolveReport } from "../engine/report.ts";
import { uncertainSentence } from "../report/confidence.ts";
import { disagreementMarkdown } from "../report/disagreement.ts";
import { renderReportMarkdown } from "../report/markdown.ts";
import { markerFor, MAX_COMMENT_CHARS } from "./github.ts";
import type { GitHubFacts, ProblemRef } from "./text.ts";

export function needsHumanComment(p: ProblemRef, report: SolveReport, facts: Pick<GitHubFacts, "pullRequest" | "runUrl">, maxChars = MAX_COMMENT_CHARS): string {
  const head = [markerFor(p.key), `> [!IMPORTANT]\n> ${uncertainSentence(report)}`];
  if (facts.pullRequest !== undefined) head.push(`Pull request #${facts.pullRequest.number} keeps its earlier solution.`);
  head.push(disagreementMarkdown(report).join("\n"));
  if (facts.runUrl !== undefined) head.push(`<sub>[workflow run](${facts.runUrl})</sub>`);
  const top = `${head.join("\n\n")}\n\n`;
  const body = renderReportMarkdown(report, { variant: "comment", maxChars: Math.max(1000, maxChars - top.length) });
  const text = top + body;
  return text.length <= maxChars ? text : text.slice(0, maxChars);
}
