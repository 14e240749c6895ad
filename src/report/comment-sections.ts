// The parts of the report a reviewer reads first: one plain sentence saying what was picked and
// on what evidence, then where the clusters disagree (columns named by cluster, the output the
// judge took as right), a footnote on split votes, and the losing clusters' code folded. Each is
// a pure function of the report; the sentence is built from `selectionFacts`, the same counts the
// tables show, so the two cannot disagree. Untrusted text goes through ./inert.ts only.
import type { SolveReport } from "../engine/report.ts";
import { codeCell, details, escapeInline, fenced } from "./inert.ts";
import { count } from "../engine/progress.ts";

type Match = SolveReport["matches"][number];

/** The counts behind the first sentence, all taken from the report's tables. */
export interface SelectionFacts {
  picked: number | null;
  /** Samples drawn. */
  samples: number;
  /** The picked cluster's id (null without clusters). */
  cluster: string | null;
  clusters: number;
  /** Samples in the picked cluster, and in all clusters (the public-filtered samples). */
  agree: number;
  clustered: number;
  /** Distinguishing inputs in the matches the picked cluster played. */
  disagreeInputs: number;
  /** Judge votes naming the picked cluster, and naming its rival, in those matches. */
  votesFor: number;
  votesAgainst: number;
  /** Those matches whose votes named both sides (one per order). */
  splitMatches: number;
  judged: boolean;
  /** The selection rule (sstar, majority, first, ...). */
  strategy: string;
  status: SolveReport["status"];
}

/** True when a match's votes named both sides: the judge changed its mind when the order changed. */
export function isSplit(m: Match): boolean {
  return m.votes.some((v) => v.choice === "a") && m.votes.some((v) => v.choice === "b");
}

export function selectionFacts(report: SolveReport): SelectionFacts {
  const cluster = report.selection.selectedCluster;
  const mine = cluster === null ? [] : report.matches.filter((m) => m.a === cluster || m.b === cluster);
  let votesFor = 0;
  let votesAgainst = 0;
  for (const m of mine) {
    const side = m.a === cluster ? "a" : "b";
    for (const v of m.votes) {
      if (v.choice === side) votesFor++;
      else if (v.choice === "a" || v.choice === "b") votesAgainst++;
    }
  }
  return {
    picked: report.selected?.sample ?? null,
    samples: report.samples.length,
    cluster,
    clusters: report.clusters.length,
    agree: report.clusters.find((c) => c.id === cluster)?.members.length ?? 0,
    clustered: report.clusters.reduce((n, c) => n + c.members.length, 0),
    disagreeInputs: mine.reduce((n, m) => n + m.inputs.length, 0),
    votesFor,
    votesAgainst,
    splitMatches: mine.filter(isSplit).length,
    judged: mine.some((m) => m.votes.length > 0),
    strategy: report.selection.strategy,
    status: report.status,
  };
}

function times(n: number): string {
  return n === 0 ? "never" : n === 1 ? "once" : n === 2 ? "twice" : `${n} times`;
}

/** "1 match", "2 matches": the project's `count`, with the plural of words ending in "ch". */
function plural(n: number, word: string): string {
  return count(n, word, word.endsWith("ch") ? `${word}es` : `${word}s`);
}

/**
 * The comment's first sentence, plain words: what was picked, from how many samples, and the
 * strongest evidence. Markdown-safe: the only text from the report is the cluster id, escaped.
 */
export function firstSentence(f: SelectionFacts): string {
  const from = `from ${plural(f.samples, "sample")}`;
  if (f.picked === null) {
    return f.status === "error" ? `**Nothing picked** ${from}: the run failed (see the error below).` : `**Nothing picked** ${from}: none passed every public test.`;
  }
  const head = `**Picked sample ${f.picked}** ${from}`;
  if (f.cluster === null || f.clusters === 0) return `${head} by the \`${f.strategy}\` rule (no output clusters to compare).`;
  const id = escapeInline(f.cluster);
  if (f.clusters === 1) return `${head}: all ${f.clustered} samples that pass the public tests give the same outputs on every synthesized input.`;
  const agree = `${head}: ${f.agree} of the ${f.clustered} samples that pass the public tests agree with it (cluster ${id})`;
  if (!f.judged) return `${agree}; the judge was not asked (\`${f.strategy}\` rule).`;
  const split = f.splitMatches > 0 ? `; ${plural(f.splitMatches, "match")} split¹` : "";
  return `${agree}; on ${plural(f.disagreeInputs, "input")} where the clusters disagree, the judge sided with it ${times(f.votesFor)} and ${f.votesAgainst === 0 ? "never against it" : `against it ${times(f.votesAgainst)}`}${split}.`;
}

function clusterLabel(report: SolveReport, id: string): string {
  const c = report.clusters.find((x) => x.id === id);
  const picked = report.selection.selectedCluster === id ? " ✔" : "";
  const members = c === undefined ? "" : ` (sample${c.members.length === 1 ? "" : "s"} ${c.members.join(", ")})`;
  return `${escapeInline(id)}${picked}${members}`;
}

function judgeLine(m: Match): string {
  if (m.votes.length === 0) return m.note !== undefined ? `no judge vote (${escapeInline(m.note)})` : "no judge vote";
  if (isSplit(m)) return `judge split¹ (${m.votes.map((v) => `${escapeInline(v.order === "ab" ? m.a : m.b)} shown first: ${escapeInline(voteName(v.choice, m))}`).join("; ")})`;
  const named = m.votes.filter((v) => v.choice === "a" || v.choice === "b");
  if (named.length === 0) return `judge: no side (${m.votes.map((v) => v.choice).join(", ")})`;
  const side = escapeInline(voteName(named[0]!.choice, m));
  return `judge: ${side}, ${named.length} of ${m.votes.length} vote${m.votes.length === 1 ? "" : "s"}`;
}

export function voteName(choice: string, m: Match): string {
  if (choice === "a") return m.a;
  if (choice === "b") return m.b;
  return choice;
}

/** A match between two samples of one cluster (the code review), not between clusters. */
function isReview(report: SolveReport, m: Match): boolean {
  return !report.clusters.some((c) => c.id === m.a || c.id === m.b) && /^s\d+$/.test(m.a) && /^s\d+$/.test(m.b);
}

/** The code review inside the picked cluster, one line per match (it chose among identical-output programs). */
function reviewLines(report: SolveReport): string[] {
  return report.matches
    .filter((m) => isReview(report, m))
    .map((m) => `- sample ${escapeInline(m.a.slice(1))} vs sample ${escapeInline(m.b.slice(1))}${m.note !== undefined ? ` (${escapeInline(m.note)})` : ""}: ${judgeLine(m)}`);
}

/** The picked cluster's matches first, then the others; each as a small table with named columns. */
export function disagreementTables(report: SolveReport, maxRows: number): string[] {
  const picked = report.selection.selectedCluster;
  const reviews = reviewLines(report);
  const matches = report.matches.filter((m) => !isReview(report, m)).sort((x, y) => Number(y.a === picked || y.b === picked) - Number(x.a === picked || x.b === picked));
  const out: string[] = [];
  let rows = 0;
  let hidden = 0;
  for (const m of matches) {
    if (m.inputs.length === 0 && m.votes.length === 0) continue;
    if (rows >= maxRows) {
      hidden += Math.max(1, m.inputs.length);
      continue;
    }
    out.push("", `**${clusterLabel(report, m.a)} vs ${clusterLabel(report, m.b)}** · ${judgeLine(m)}`);
    if (m.inputs.length === 0) {
      out.push("", "*(no input tells them apart: the judge compared the code)*");
      rows++;
      continue;
    }
    const expected = m.winner !== "tie" && !isSplit(m) ? m.winner : undefined;
    out.push("", `| input | output of ${escapeInline(m.a)} | output of ${escapeInline(m.b)} | expected (judge) |`, "|---|---|---|---|");
    const shown = m.inputs.slice(0, Math.max(1, maxRows - rows));
    for (const inp of shown) {
      const exp = expected === undefined ? "–" : codeCell(expected === "a" ? inp.outputA : inp.outputB, 40);
      out.push(`| ${codeCell(inp.input)} | ${codeCell(inp.outputA, 40)} | ${codeCell(inp.outputB, 40)} | ${exp} |`);
    }
    rows += shown.length;
    hidden += m.inputs.length - shown.length;
  }
  if (hidden > 0) out.push("", `*${hidden} more rows in report.json.*`);
  if (reviews.length > 0) out.push("", "Inside the picked cluster (same outputs, different code):", "", ...reviews);
  if (out.length === 0) return [];
  return ["", "#### Where the clusters disagree", ...out];
}

/** Said once, under the tables, when any match's votes split. */
export function splitFootnote(report: SolveReport): string[] {
  if (!report.matches.some(isSplit)) return [];
  return ["", "<sub>¹ Split: the judge named a different program when the two were shown in the other order, so those votes cancel out.</sub>"];
}

/** The code of every cluster that was not picked, folded, each under its cluster's name. */
export function otherClustersCode(report: SolveReport, maxCode: number): string {
  const others = report.clusters.filter((c) => c.id !== report.selection.selectedCluster);
  if (others.length === 0 || report.selected === null) return "";
  const parts = others.map((c) => {
    const rep = report.samples.find((s) => s.index === c.representative);
    const code = rep?.finalCode ?? "";
    const cut = code.length <= maxCode ? code : `${code.slice(0, maxCode)}\n… [${code.length - maxCode} characters cut]`;
    return `**${clusterLabel(report, c.id)}**, public tests passed ${rep?.publicPassed ?? 0}/${rep?.publicTotal ?? 0}:\n\n${fenced(cut, report.problem.language)}`;
  });
  return details(`Code of the other clusters (${others.length})`, parts.join("\n\n"));
}
