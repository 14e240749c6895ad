// The HTML report of one solve (report.json): the selection and its confidence, the candidates
// side by side grouped by output cluster, a line diff between the top two clusters'
// representatives (jsdiff, `diff` on npm: the standard Myers diff for JavaScript, no
// dependencies), the distinguishing inputs with each cluster's output, the judge's votes and
// reasoning, every sample's public-test verdicts, and the timeline of the run's stages.
import { diffLines } from "diff";
import type { SolveReport } from "../../engine/report.ts";
import { esc, htmlPage, ms, pct, pre, table, usd } from "./page.ts";

type Cluster = SolveReport["clusters"][number];

/** Clusters in reading order: the selected one first, then by size (ties: id). */
export function clusterOrder(report: SolveReport): Cluster[] {
  const selected = report.selection.selectedCluster;
  return [...report.clusters].sort((a, b) => Number(b.id === selected) - Number(a.id === selected) || b.members.length - a.members.length || (a.id < b.id ? -1 : 1));
}

function codeOf(report: SolveReport, sample: number): string {
  return report.samples.find((s) => s.index === sample)?.finalCode ?? "";
}

/** The confidence block, if the report carries one (selection.confidence: a number or an object of figures). */
function confidenceText(selection: SolveReport["selection"]): string {
  const c = (selection as { confidence?: unknown }).confidence;
  if (typeof c === "number") return `<p id="confidence"><b>Confidence</b>: ${pct(c)}</p>`;
  if (c === null || typeof c !== "object") return "";
  const parts = Object.entries(c as Record<string, unknown>)
    .filter(([, v]) => typeof v === "number" || typeof v === "string" || typeof v === "boolean")
    .map(([k, v]) => `${esc(k)}: ${esc(typeof v === "number" && v >= 0 && v <= 1 && !Number.isInteger(v) ? pct(v) : String(v))}`);
  return parts.length > 0 ? `<p id="confidence"><b>Confidence</b>: ${parts.join("; ")}</p>` : "";
}

function clustersSection(report: SolveReport, ordered: Cluster[]): string {
  const cards = ordered.map((c) => {
    const rep = report.samples.find((s) => s.index === c.representative);
    const chosen = c.id === report.selection.selectedCluster;
    return [
      `<div class="card cluster${chosen ? " selected" : ""}" data-cluster="${esc(c.id)}">`,
      `<h3>cluster <code>${esc(c.id)}</code>${chosen ? ' <span class="tag pass">selected</span>' : ""}</h3>`,
      `<p>${c.members.length} sample${c.members.length === 1 ? "" : "s"} (${c.members.map((m) => `#${m}`).join(", ")}); representative #${c.representative}${rep ? `, public tests ${rep.publicPassed}/${rep.publicTotal}` : ""}</p>`,
      pre(codeOf(report, c.representative), "code"),
      "</div>",
    ].join("\n");
  });
  return `<h2>Candidates by cluster (${ordered.length})</h2>\n${ordered.length === 0 ? '<p class="empty">No clusters: no candidate ran on the inputs.</p>' : `<div class="cols" id="clusters">\n${cards.join("\n")}\n</div>`}`;
}

function diffSection(report: SolveReport, ordered: Cluster[]): string {
  if (ordered.length < 2) return `<h2>Difference between the top two clusters</h2>\n<p class="empty" id="diff-none">Only ${ordered.length} cluster: nothing to compare.</p>`;
  const [top, second] = [ordered[0]!, ordered[1]!];
  const parts = diffLines(codeOf(report, second.representative), codeOf(report, top.representative));
  const html = parts.map((p) => {
    const text = esc(p.value.endsWith("\n") ? p.value.slice(0, -1) : p.value);
    return p.added ? `<ins>${text}</ins>` : p.removed ? `<del>${text}</del>` : `<span>${text}</span>\n`;
  });
  const added = parts.filter((p) => p.added).reduce((n, p) => n + (p.count ?? 0), 0);
  const removed = parts.filter((p) => p.removed).reduce((n, p) => n + (p.count ?? 0), 0);
  return [
    `<h2>Difference between the top two clusters</h2>`,
    `<p>From cluster <code>${esc(second.id)}</code> (#${second.representative}) to cluster <code>${esc(top.id)}</code> (#${top.representative}): <span class="pass">+${added}</span> <span class="fail">−${removed}</span> lines.</p>`,
    `<pre class="diff" id="diff">${html.join("")}</pre>`,
  ].join("\n");
}

function inputsSection(report: SolveReport, ordered: Cluster[]): string {
  // Distinguishing: the clusters do not all print the same thing on it.
  const distinguishing = report.inputs.filter((i) => i.dropped === undefined && new Set(ordered.map((c) => c.outputs[i.id] ?? "")).size > 1);
  const rows = distinguishing.map((i) => [`<code>${esc(i.id)}</code> <span class="muted">${esc(i.origin)}</span>`, pre(i.input), ...ordered.map((c) => pre(c.outputs[i.id] ?? "(no output)"))]);
  return `<h2>Distinguishing inputs (${distinguishing.length} of ${report.inputs.length})</h2>\n${table("inputs", ["input", "text", ...ordered.map((c) => `cluster ${c.id}`)], rows, "No input told the clusters apart.")}`;
}

function matchesSection(report: SolveReport): string {
  const rows = report.matches.map((m) => [
    `<code>${esc(m.a)}</code> vs <code>${esc(m.b)}</code>`,
    esc(m.winner === "tie" ? "tie" : m.winner === "a" ? m.a : m.b),
    m.votes.map((v) => `<p><b>${esc(v.choice === "a" ? m.a : v.choice === "b" ? m.b : v.choice)}</b> <span class="muted">(shown ${esc(v.order)})</span></p>${v.reasoning ? pre(v.reasoning, "reasoning") : ""}`).join(""),
    esc(m.note ?? ""),
  ]);
  return `<h2>The judge (${report.matches.length} match${report.matches.length === 1 ? "" : "es"})</h2>\n${table("matches", ["match", "winner", "votes and reasoning", "note"], rows, "No judge match: selection did not need one.")}`;
}

function verdictsSection(report: SolveReport): string {
  const rows = report.samples.map((s) => {
    const last = s.rounds.at(-1);
    const verdicts = (last?.publicResults ?? []).map((t) => `<span class="${t.verdict === "accepted" ? "pass" : "fail"}" title="${esc(t.message ?? "")}">${esc(t.test)}: ${esc(t.verdict)}</span>`).join("<br>");
    return [`#${s.index}${s.index === report.selection.selectedSample ? ' <span class="tag pass">selected</span>' : ""}`, String(s.rounds.length - 1), `<span class="num">${s.publicPassed}/${s.publicTotal}</span>`, verdicts];
  });
  return `<h2>Verdicts on the public tests (${report.samples.length} samples)</h2>\n${table("verdicts", ["sample", "debug rounds", "public passed", "final round's verdicts"], rows)}`;
}

function timelineSection(report: SolveReport): string {
  const stages = Object.entries(report.timings.byStageMs);
  const total = Math.max(report.timings.totalMs, 1);
  const rows = stages.map(([stage, t]) => {
    const u = report.usage.byStage[stage];
    return [esc(stage), `<span class="num">${ms(t)}</span>`, `<span class="bar" style="width:${Math.max(1, Math.round((300 * t) / total))}px"></span>`, u ? `${u.calls} calls, ${usd(u.costUsd)}` : ""];
  });
  return `<h2>Timeline (${ms(report.timings.totalMs)} in all, from ${esc(report.startedAt)})</h2>\n${table("timeline", ["stage", "time", "", "model use"], rows)}`;
}

export function renderSolveHtml(report: SolveReport): string {
  const ordered = clusterOrder(report);
  const s = report.settings;
  const statusCls = report.status === "solved" ? "pass" : report.status === "error" ? "fail" : "warn";
  const body = [
    `<h1>${esc(report.problem.title)} <span class="tag ${statusCls}" id="status">${esc(report.status)}</span></h1>`,
    `<p class="muted">Problem <code>${esc(report.problem.id)}</code> (${esc(report.problem.language)}, ${esc(report.problem.io)}); model ${esc(s.model)}, judge ${esc(s.judgeModel)}, ${s.samples} samples, ${s.rounds} rounds, selection ${esc(s.selection)}, sandbox ${esc(s.sandbox)}${s.replay ? " (replayed answers)" : ""}; ${report.usage.total.calls} model calls, ${usd(report.usage.total.costUsd)}.</p>`,
    report.error ? `<p class="fail">${esc(report.error)}</p>` : "",
    report.stopped ? `<p class="warn">Stopped early: ${esc(report.stopped)}</p>` : "",
    `<h2>Selection</h2>`,
    `<p id="selection">${esc(report.selection.strategy)} picked ${report.selection.selectedSample === null ? "no sample" : `sample #${report.selection.selectedSample}`}${report.selection.selectedCluster ? ` (cluster <code>${esc(report.selection.selectedCluster)}</code>)` : ""}: ${esc(report.selection.reason)}${report.selection.fallback ? ` <span class="warn">${esc(report.selection.fallback)}</span>` : ""}</p>`,
    confidenceText(report.selection),
    report.hidden ? `<p id="hidden">Hidden tests: ${report.hidden.passed}/${report.hidden.total}</p>` : "",
    clustersSection(report, ordered),
    diffSection(report, ordered),
    inputsSection(report, ordered),
    matchesSection(report),
    verdictsSection(report),
    timelineSection(report),
  ].join("\n");
  return htmlPage({ title: `sstar solve: ${report.problem.title}`, body });
}
