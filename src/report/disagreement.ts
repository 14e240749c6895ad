// The disagreement a person needs to decide an `uncertain` pick in a minute: the top two
// clusters' programs, the inputs where they differ with each one's output, the judge's votes
// between them. Pure; program text and outputs are fenced or code spans (inert).
import type { SolveReport } from "../engine/report.ts";
import { codeCell, escapeInline, fenced } from "./markdown.ts";

const MAX_INPUT_ROWS = 8;
const MAX_PROGRAM_CHARS = 4000;

/**
 * The disagreement between the two largest clusters: each one's representative program, the
 * synthesized inputs where their outputs differ (with both outputs), and the judge's votes in
 * their matches. Empty when the report has fewer than two clusters.
 */
export function disagreementMarkdown(report: Pick<SolveReport, "clusters" | "matches" | "samples" | "inputs" | "problem">): string[] {
  const [a, b] = report.clusters;
  if (a === undefined || b === undefined) return ["Every candidate kept agrees on every input tried: the doubt is about all of them (see the report below)."];
  const out: string[] = ["#### Where the top two clusters disagree", ""];
  const share = (n: number) => `${n} of ${report.clusters.reduce((s, c) => s + c.members.length, 0)} candidates`;
  const language = report.problem.language === "cpp" ? "cpp" : report.problem.language;
  for (const c of [a, b]) {
    const code = report.samples.find((s) => s.index === c.representative)?.finalCode ?? "";
    const shown = code.length <= MAX_PROGRAM_CHARS ? code : `${code.slice(0, MAX_PROGRAM_CHARS)}\n… [${code.length - MAX_PROGRAM_CHARS} characters cut]`;
    out.push(`**Cluster ${codeCell(c.id)}** (${share(c.members.length)}; sample ${c.representative}):`, "", fenced(shown, language), "");
  }
  const kept = report.inputs.filter((i) => i.dropped === undefined);
  const differing = kept.filter((i) => a.outputs[i.id] !== undefined && b.outputs[i.id] !== undefined && a.outputs[i.id] !== b.outputs[i.id]);
  if (differing.length === 0) out.push("No input tried tells them apart.", "");
  else {
    out.push(`| input | ${a.id} output | ${b.id} output |`, "|---|---|---|");
    for (const i of differing.slice(0, MAX_INPUT_ROWS)) out.push(`| ${codeCell(i.input, 80)} | ${codeCell(a.outputs[i.id]!, 60)} | ${codeCell(b.outputs[i.id]!, 60)} |`);
    if (differing.length > MAX_INPUT_ROWS) out.push("", `*${differing.length - MAX_INPUT_ROWS} more differing inputs in report.json.*`);
    out.push("");
  }
  const between = report.matches.filter((m) => (m.a === a.id && m.b === b.id) || (m.a === b.id && m.b === a.id));
  const votes = between.flatMap((m) => m.votes.map((v) => (v.choice === "a" ? m.a : v.choice === "b" ? m.b : v.choice)));
  const tally = [a.id, b.id, "tie", "invalid"].map((k) => [k, votes.filter((v) => v === k).length] as const).filter(([, n]) => n > 0);
  out.push(
    between.length === 0
      ? "The judge did not compare these two clusters."
      : `Judge votes between them over ${between.length} match${between.length === 1 ? "" : "es"}: ${tally.map(([k, n]) => `${escapeInline(k)} ${n}`).join(", ")}.`,
  );
  return out;
}
