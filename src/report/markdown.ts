// Markdown rendering of a solve report: the pull-request comment, the job summary and the
// terminal all use it. Pure and deterministic. What matters comes first (status, the selected
// candidate and why, the distinguishing inputs, the pass results per cluster); details are folded
// in <details> and are the first thing trimmed to fit `maxChars`.
//
// Everything that came from a model, a program or an issue (titles, inputs, outputs, reasoning,
// code) is untrusted: it is shown only inside code spans or fences it cannot close, never as
// Markdown or HTML.
import type { SolveReport } from "../engine/report.ts";
import { confidencePhrase } from "./confidence.ts";
import { codeCell, details, escapeInline, fenced } from "./inert.ts";
import { disagreementTables, firstSentence, otherClustersCode, selectionFacts, splitFootnote, voteName } from "./comment-sections.ts";

export type MarkdownVariant = "comment" | "summary" | "terminal";

export interface RenderOptions {
  variant: MarkdownVariant;
  /** Upper bound on the rendered length (GitHub comments: 65,536). */
  maxChars?: number;
}

export const GITHUB_COMMENT_MAX_CHARS = 65_536;

const DEFAULT_MAX: Record<MarkdownVariant, number> = {
  comment: GITHUB_COMMENT_MAX_CHARS,
  // Job summaries allow 1 MiB per step; keep them readable.
  summary: 200_000,
  terminal: 20_000,
};

type Match = SolveReport["matches"][number];

// Escaping lives in ./inert.ts, the one place text becomes Markdown.
export { codeCell, escapeInline, fenced } from "./inert.ts";

function cut(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)}\n… [${text.length - max} characters cut]`;
}

// ---------- facts derived from the report (pure) ----------

export interface ClusterRow {
  id: string;
  members: number[];
  publicPassed: number;
  publicTotal: number;
  /** Candidates that agree with this cluster on every trusted synthesized input. */
  agreeing: number;
  clustered: number;
  wins: number;
  played: number;
  selected: boolean;
}

export function clusterRows(report: SolveReport): ClusterRow[] {
  const clustered = report.clusters.reduce((n, c) => n + c.members.length, 0);
  return report.clusters.map((c) => {
    const rep = report.samples.find((s) => s.index === c.representative);
    let wins = 0;
    let played = 0;
    for (const m of report.matches) {
      if (m.a !== c.id && m.b !== c.id) continue;
      played++;
      if ((m.winner === "a" && m.a === c.id) || (m.winner === "b" && m.b === c.id)) wins++;
    }
    return {
      id: c.id,
      members: c.members,
      publicPassed: rep?.publicPassed ?? 0,
      publicTotal: rep?.publicTotal ?? 0,
      agreeing: c.members.length,
      clustered,
      wins,
      played,
      selected: report.selection.selectedCluster === c.id,
    };
  });
}

function statusWord(report: SolveReport): string {
  switch (report.status) {
    case "solved": return "✅ solved";
    case "uncertain": return "❔ uncertain (needs a human)";
    case "unsolved": return "❌ unsolved";
    default: return "⚠️ error";
  }
}

/** ", confidence 0.93" (nothing without a confidence). */
function withConfidence(report: SolveReport): string {
  const phrase = confidencePhrase(report);
  return phrase === undefined ? "" : `, ${phrase}`;
}

function voteWord(choice: string, m: Match): string {
  return escapeInline(voteName(choice, m));
}

function totalCalls(report: SolveReport): string {
  const parts = Object.entries(report.usage.byStage)
    .filter(([, u]) => u.calls > 0)
    .map(([stage, u]) => `${escapeInline(stage)} ${u.calls}`);
  return `${report.usage.total.calls} model calls${parts.length > 0 ? ` (${parts.join(", ")})` : ""}`;
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

// ---------- Markdown (comment, summary) ----------

function header(report: SolveReport): string[] {
  const lines: string[] = [];
  lines.push(`### S* ${statusWord(report)}: ${escapeInline(report.problem.title)} (${codeCell(report.problem.id, 100)})`);
  if (report.settings.replay) {
    lines.push(
      "",
      "> **Replay run.** Answers came from a local replay model (recorded programs and a scripted judge), not a live model. The numbers show the pipeline, not a model's skill.",
    );
  }
  if (report.settings.cassette !== undefined) lines.push("", `> **Replayed** from the cassette ${codeCell(report.settings.cassette, 100)}: no model was called for the recorded requests.`);
  const interrupted = interruptedLine(report);
  if (interrupted !== undefined) lines.push("", `> **Interrupted.** ${escapeInline(interrupted)}`);
  lines.push("");
  const s = report.selection;
  const passed = report.selected
    ? ` Public tests passed ${report.selected.publicPassed}/${report.selected.publicTotal}${report.hidden ? `, hidden tests passed ${report.hidden.passed}/${report.hidden.total}` : ""}.`
    : "";
  const confidence = confidencePhrase(report);
  lines.push(`${firstSentence(selectionFacts(report))}${confidence === undefined ? "" : ` ${confidence[0]!.toUpperCase()}${confidence.slice(1)}.`}${passed}`);
  if (s.fallback) lines.push("", `**Fallback:** ${escapeInline(s.fallback)}`);
  if (report.error) lines.push("", `**Error:** ${escapeInline(report.error)}`);
  if (report.stopped) lines.push("", `**Stopped early:** ${escapeInline(report.stopped)}. This report holds what the run had by then.`);
  const sampling = samplingLine(report);
  if (sampling !== undefined) lines.push("", `**Adaptive sampling:** ${escapeInline(sampling)}`);
  lines.push(
    "",
    `${report.settings.samples} samples × up to ${report.settings.rounds} debugging rounds · selection \`${report.settings.selection}\` · ` +
      `model ${codeCell(report.settings.model)}${report.settings.judgeModel !== report.settings.model ? ` · judge ${codeCell(report.settings.judgeModel)}` : ""} · ` +
      `${totalCalls(report)} · ${seconds(report.timings.totalMs)}`,
  );
  return lines;
}

function clusterTable(report: SolveReport): string[] {
  const rows = clusterRows(report);
  const out = ["", "#### Candidates", ""];
  if (rows.length > 0) {
    out.push("| cluster | samples | public tests | synthesized agreement | judge wins |", "|---|---|---|---|---|");
    for (const r of rows) {
      out.push(
        `| ${r.selected ? `**${escapeInline(r.id)}** ✔` : escapeInline(r.id)} | ${r.members.join(", ")} | ${r.publicPassed}/${r.publicTotal} | ` +
          `${r.agreeing} of ${r.clustered} candidates | ${r.played > 0 ? `${r.wins} of ${r.played}` : "–"} |`,
      );
    }
  } else {
    out.push("| sample | public tests |", "|---|---|");
    for (const s of report.samples) out.push(`| ${s.index} | ${s.publicPassed}/${s.publicTotal} |`);
  }
  const usable = report.inputs.filter((i) => !i.dropped).length;
  out.push("", `Clusters group candidates that gave the same outputs on all ${usable} usable synthesized inputs. How the \`${report.selection.strategy}\` rule decided: ${escapeInline(report.selection.reason)}.`);
  if (report.baselines.length > 0) {
    out.push(
      "",
      `Baselines from the same samples: ${report.baselines.map((b) => `\`${b.strategy}\` → ${b.selectedSample === null ? "none" : `sample ${b.selectedSample}`}`).join(", ")}.`,
    );
  }
  return out;
}

interface Section {
  full: string;
  /** A shorter version tried before dropping the section. */
  compact?: string;
}

function matchesSection(report: SolveReport, reasoningChars: number): string {
  const parts = report.matches.map((m) => {
    const [a, b] = [escapeInline(m.a), escapeInline(m.b)];
    const lines = [`**${a} vs ${b}** → ${voteWord(m.winner, m)}${m.note ? ` (${escapeInline(m.note)})` : ""}`];
    for (const inp of m.inputs) {
      lines.push("", `Input ${codeCell(inp.inputId)}:`, fenced(cut(inp.input, 1000)), `Output of ${a}:`, fenced(cut(inp.outputA, 1000)), `Output of ${b}:`, fenced(cut(inp.outputB, 1000)));
    }
    for (const v of m.votes) {
      lines.push("", `Judge, ${v.order === "ab" ? a : b} shown first: **${voteWord(v.choice, m)}**`);
      if (v.reasoning && reasoningChars > 0) lines.push(fenced(cut(v.reasoning, reasoningChars), "text"));
    }
    return lines.join("\n");
  });
  return details(`Matches and the judge's reasoning (${report.matches.length})`, parts.join("\n\n---\n\n"));
}

function samplesSection(report: SolveReport): string {
  const lines = ["| sample | public tests by round | candidate | notes |", "|---|---|---|---|"];
  for (const s of report.samples) {
    const progress = s.rounds.map((r) => (r.code === "" ? "–" : `${r.publicPassed}/${r.publicTotal}`)).join(" → ");
    const notes = s.rounds.filter((r) => r.note).map((r) => `round ${r.round}: ${r.note}`).join("; ");
    lines.push(`| ${s.index} | ${progress || "–"} | ${s.finalCode === "" ? "none" : `${s.publicPassed}/${s.publicTotal}`} | ${escapeInline(notes)} |`);
  }
  return details(`Samples and debugging rounds (${report.samples.length})`, lines.join("\n"));
}

function inputsSection(report: SolveReport, maxInputs: number): string {
  const lines = ["| id | origin | input | note |", "|---|---|---|---|"];
  for (const i of report.inputs.slice(0, maxInputs)) {
    lines.push(`| ${codeCell(i.id)} | ${i.origin} | ${i.input === "" ? "" : codeCell(i.input, 80)} | ${i.dropped ? `dropped: ${escapeInline(i.dropped)}` : ""} |`);
  }
  if (report.inputs.length > maxInputs) lines.push("", `*${report.inputs.length - maxInputs} more in report.json.*`);
  return details(`Synthesized inputs (${report.inputs.length})`, lines.join("\n"));
}

function codeSection(report: SolveReport, maxCode: number): string {
  if (!report.selected) return "";
  return details(`Selected program (sample ${report.selected.sample})`, fenced(cut(report.selected.code, maxCode), report.problem.language));
}

function usageSection(report: SolveReport): string {
  // "cached" counts replies from sstar's own cache; "cached prompt tokens" are the provider's prompt-cache hits.
  const lines = ["| stage | calls | requests | retries | cached | prompt tokens | cached prompt tokens | completion tokens | cost (USD) | wall time |", "|---|---|---|---|---|---|---|---|---|---|"];
  const unknown = report.usage.costNote !== undefined;
  const row = (name: string, u: SolveReport["usage"]["total"], wall: string) =>
    `| ${name} | ${u.calls}${u.failedCalls ? ` (+${u.failedCalls} failed)` : ""} | ${u.requests ?? ""} | ${u.retries ?? ""} | ${u.cachedCalls} | ${u.promptTokens} | ${u.cachedPromptTokens ?? 0} | ${u.completionTokens} | ${unknown ? "unknown" : u.costUsd.toFixed(4)} | ${wall} |`;
  for (const [stage, u] of Object.entries(report.usage.byStage)) lines.push(row(escapeInline(stage), u, u.wallMs !== undefined ? seconds(u.wallMs) : ""));
  lines.push(row("**total**", report.usage.total, seconds(report.timings.totalMs)));
  if (report.usage.costNote !== undefined) lines.push("", `Cost unknown: ${escapeInline(report.usage.costNote)}.`);
  // Keys are the engine's stage names; a report read back from a bundle is escaped all the same.
  const other = Object.entries(report.timings.byStageMs).map(([k, v]) => `${escapeInline(k)} ${seconds(v)}`).join(", ");
  if (other) lines.push("", `Wall time per stage (stages overlap): ${other}.`);
  return details("Usage and time", lines.join("\n"));
}

function markdown(report: SolveReport, maxChars: number): string {
  const head = [...header(report), ...disagreementTables(report, 30), ...splitFootnote(report), ...clusterTable(report)].join("\n");
  // In order of importance; trimmed from the end.
  const sections: Section[] = [
    { full: usageSection(report) },
    { full: codeSection(report, 20_000), compact: codeSection(report, 3000) },
    { full: otherClustersCode(report, 6000), compact: otherClustersCode(report, 1000) },
    { full: matchesSection(report, 3000), compact: matchesSection(report, 0) },
    { full: samplesSection(report) },
    { full: inputsSection(report, 200), compact: inputsSection(report, 20) },
  ].filter((s) => s.full !== "" && !(s.full.includes("(0)</summary>")));
  const footer = "\n\n<sub>sstar-action · full trace in report.json</sub>\n";
  const compose = (parts: string[]) => `${head}\n${parts.join("\n")}${footer}`;
  // Try: everything full; then compact versions from the least important up; then drop sections.
  const chosen = sections.map((s) => s.full);
  let text = compose(chosen);
  for (let i = sections.length - 1; i >= 0 && text.length > maxChars; i--) {
    const compact = sections[i]!.compact;
    if (compact !== undefined) {
      chosen[i] = compact;
      text = compose(chosen);
    }
  }
  for (let i = sections.length - 1; i >= 0 && text.length > maxChars; i--) {
    chosen[i] = "";
    text = compose(chosen.filter((c) => c !== ""));
  }
  if (text.length > maxChars) {
    // Even the head is too long (huge tables): cut it and say so; no folded block is left open.
    const note = "\n\n*(cut to fit; the full trace is in report.json)*\n";
    text = text.slice(0, Math.max(0, maxChars - note.length)) + note;
    text = text.slice(0, maxChars);
  }
  return text;
}

// ---------- terminal ----------

function pad(s: string, n: number): string {
  return s.length >= n ? s : s + " ".repeat(n - s.length);
}

function plainOneLine(value: string, max: number): string {
  // Terminal output: control characters (escape sequences from a program's output) are made visible.
  let v = value.replace(/\r?\n$/, "").replace(/\r?\n/g, "↵").replace(/[\u0000-\u001f\u007f]/g, "?"); // eslint-disable-line no-control-regex -- defusing them is the point
  if (v.length > max) v = `${v.slice(0, max - 1)}…`;
  return v;
}

/** How many samples adaptive sampling drew, after which wave it stopped, and why (undefined with a fixed N). */
export function samplingLine(report: SolveReport): string | undefined {
  const a = report.sampling;
  if (a === undefined) return undefined;
  const waves = `${a.wavesDrawn} of ${a.waves.length} wave${a.waves.length === 1 ? "" : "s"}`;
  return `drew ${a.drawn} of at most ${a.maxSamples} samples in ${waves} (${a.waves.join(", ")}); ${a.stoppedEarly ? "stopped early" : "no early stop"}: ${a.reason}.`;
}

/** What interrupted the run, where it was, and how the pick was made (undefined when it ran to the end). */
export function interruptedLine(report: SolveReport): string | undefined {
  const i = report.interrupted;
  if (i === undefined) return undefined;
  const by = i.by === "SIGINT" ? "Ctrl-C" : i.by.startsWith("deadline") ? `the ${i.by.replace(/^deadline /, "")} deadline` : i.by;
  const where =
    i.during === "selection"
      ? `during selection, after ${i.judgeCalls} judge call${i.judgeCalls === 1 ? "" : "s"} (${i.samplesDone} of ${i.samples} samples done)`
      : `while sampling and debugging (${i.samplesDone} of ${i.samples} samples done)`;
  const how =
    i.pickedBy === null
      ? "nothing to pick from"
      : i.pickedBy === "posterior"
        ? "picked by the posterior so far"
        : i.pickedBy === "majority"
          ? "picked the largest cluster on the inputs already run (majority)"
          : "picked the first candidate with the best public pass rate (first)";
  return `Stopped by ${by} ${where}; no model call after that; ${how}.`;
}

function terminal(report: SolveReport, maxChars: number): string {
  const lines: string[] = [];
  const title = plainOneLine(report.problem.title, 80);
  lines.push(`${report.settings.replay ? "[REPLAY] " : ""}${report.problem.id}: ${title} -- ${report.status.toUpperCase()}`);
  if (report.settings.replay) lines.push("  replay run: answers from a local replay model (recorded programs, scripted judge), not a live model");
  if (report.settings.cassette !== undefined) lines.push(`  replayed from the cassette ${plainOneLine(report.settings.cassette, 100)}`);
  const interrupted = interruptedLine(report);
  if (interrupted !== undefined) lines.push(`  interrupted: ${interrupted}`);
  const s = report.selection;
  lines.push(
    report.selected
      ? `  selected sample ${report.selected.sample}${s.selectedCluster ? ` (cluster ${s.selectedCluster})` : ""}, public ${report.selected.publicPassed}/${report.selected.publicTotal}${report.hidden ? `, hidden ${report.hidden.passed}/${report.hidden.total}` : ""}${withConfidence(report)}`
      : "  nothing selected",
  );
  lines.push(`  why: ${plainOneLine(s.reason, 300)}`);
  if (s.fallback) lines.push(`  fallback: ${plainOneLine(s.fallback, 300)}`);
  if (report.error) lines.push(`  error: ${plainOneLine(report.error, 300)}`);
  if (report.stopped) lines.push(`  stopped early: ${plainOneLine(report.stopped, 300)}`);
  const sampling = samplingLine(report);
  if (sampling !== undefined) lines.push(`  sampling: ${plainOneLine(sampling, 400)}`);
  const rows = clusterRows(report);
  if (rows.length > 0) {
    lines.push("", `  ${pad("cluster", 9)}${pad("samples", 24)}${pad("public", 9)}${pad("agree", 9)}judge wins`);
    for (const r of rows) {
      lines.push(
        `  ${pad(`${r.id}${r.selected ? "*" : ""}`, 9)}${pad(plainOneLine(r.members.join(","), 22), 24)}${pad(`${r.publicPassed}/${r.publicTotal}`, 9)}${pad(`${r.agreeing}/${r.clustered}`, 9)}${r.played > 0 ? `${r.wins}/${r.played}` : "-"}`,
      );
    }
  }
  const dist = report.matches.flatMap((m) => m.inputs.map((i) => ({ m, i })));
  if (dist.length > 0) {
    lines.push("", "  distinguishing inputs:");
    for (const { m, i } of dist.slice(0, 12)) {
      lines.push(`    ${m.a} vs ${m.b}: input ${plainOneLine(i.input, 40)} -> ${plainOneLine(i.outputA, 20)} | ${plainOneLine(i.outputB, 20)}; winner ${voteName(m.winner, m)}`);
    }
    if (dist.length > 12) lines.push(`    ... ${dist.length - 12} more in report.json`);
  }
  if (report.baselines.length > 0) {
    lines.push("", `  baselines: ${report.baselines.map((b) => `${b.strategy} -> ${b.selectedSample ?? "none"}`).join(", ")}`);
  }
  lines.push(`  ${totalCalls(report)}; wall time ${seconds(report.timings.totalMs)}`);
  const text = lines.join("\n") + "\n";
  return text.length <= maxChars ? text : `${text.slice(0, Math.max(0, maxChars - 20))}\n... (cut)\n`;
}

export function renderReportMarkdown(report: SolveReport, options: RenderOptions): string {
  const maxChars = options.maxChars ?? DEFAULT_MAX[options.variant];
  return options.variant === "terminal" ? terminal(report, maxChars) : markdown(report, maxChars);
}
