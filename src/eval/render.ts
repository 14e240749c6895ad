// Markdown for the job summary and the regression issue.
import { formatP, type Comparison, type Interval, type NotAttemptedProblem, type ProblemChange } from "./compare.ts";
import { CAUSE_TEXT } from "./outcome.ts";
import { count } from "../engine/progress.ts";
import { code, escapeMarkdown } from "./markdown.ts";
import type { Calibration, EvalResults } from "./results.ts";
import { renderTrendMarkdown, type Trend } from "./trend.ts";

/** Changes listed in full up to this many; the rest are counted. */
const MAX_LISTED = 50;

function pct(rate: number): string {
  return `${(Math.round(rate * 1000) / 10).toFixed(1)}%`;
}

function ci(interval: Interval): string {
  return `${pct(interval.low)}–${pct(interval.high)}`;
}

function usd(x: number): string {
  return `$${x.toFixed(x !== 0 && Math.abs(x) < 0.1 ? 4 : 2)}`;
}

function signed(x: number, unit: string): string {
  return `${x > 0 ? "+" : x < 0 ? "−" : "±"}${Math.abs(x)}${unit}`;
}

function changeList(changes: readonly ProblemChange[]): string[] {
  const lines = changes.slice(0, MAX_LISTED).map((c) => `- ${code(c.id)} ${escapeMarkdown(c.title)}: now ${escapeMarkdown(c.now)}; before ${escapeMarkdown(c.before)}`);
  if (changes.length > MAX_LISTED) lines.push(`- … and ${changes.length - MAX_LISTED} more (see the results files)`);
  return lines;
}

const RULE_TEXT: Record<Comparison["rule"], string> = {
  mcnemar: "McNemar's paired test",
  "per-problem": "the per-problem rule",
  none: "no rule (incomplete)",
};

const HEADLINE: Record<Comparison["decision"], string> = {
  regression: "❌ regression",
  "no-regression": "✅ no regression",
  incomplete: "⚠️ run incomplete",
};

function duration(ms: number): string {
  const s = Math.round(ms / 1000);
  return s < 120 ? `${s} s` : `${Math.round(s / 60)} min`;
}

function notAttemptedList(problems: readonly NotAttemptedProblem[]): string[] {
  const lines = problems.slice(0, MAX_LISTED).map((p) => `- ${code(p.id)}: ${escapeMarkdown(p.cause === "unknown" ? "unknown cause" : CAUSE_TEXT[p.cause])} (${escapeMarkdown(p.detail)})`);
  if (problems.length > MAX_LISTED) lines.push(`- … and ${problems.length - MAX_LISTED} more (see the results files)`);
  return lines;
}

/** One line per runner: how its time limits were scaled (nothing when the run was not calibrated). */
function calibrationLines(calibration: readonly Calibration[]): string[] {
  if (calibration.length === 0) return [];
  const line = (k: Calibration): string =>
    `- ${k.shard === null ? "the runner" : `shard ${k.shard}`}: time limits × ${k.scale} (${escapeMarkdown(k.program)}: ${k.measuredMs} ms here, ${k.referenceMs} ms on the reference runner)`;
  return ["### Time calibration", "", ...calibration.map(line), ""];
}

/** The paired table: both rates on the shared problems, the 2x2 of outcomes, the test. */
function pairedSection(c: Comparison): string[] {
  const p = c.paired;
  const share = (k: number): string => (p.shared === 0 ? "–" : `${pct(k / p.shared)} (${k}/${p.shared})`);
  return [
    `### Paired comparison on the ${count(p.shared, "problem")} graded in both runs`,
    "",
    "| | baseline | current | change |",
    "|---|---|---|---|",
    `| pass rate | ${share(p.baselinePassed)} | ${share(p.currentPassed)} | ${signed(p.deltaPp, " pp")} |`,
    "",
    "| | passes now | fails now |",
    "|---|---|---|",
    `| **passed before** | ${p.bothPassed} | **${p.newlyFailing}** newly failing |`,
    `| **failed before** | **${p.newlyPassing}** newly passing | ${p.bothFailed} |`,
    "",
    `McNemar's exact test on the ${p.newlyFailing + p.newlyPassing} discordant pairs: **p = ${formatP(p.pValue)}** (alpha ${c.alpha}; allowed drop ${c.maxDropPct} points)${c.flaky.length > 0 ? `; ${c.flaky.length} flaky problem${c.flaky.length === 1 ? "" : "s"} left out` : ""}.`,
    "",
  ];
}

export function renderComparisonMarkdown(c: Comparison, trend?: Trend): string {
  const out: string[] = [];
  out.push(`## sstar evaluation: ${HEADLINE[c.decision]}`, "", escapeMarkdown(c.verdict), "");
  out.push(`**Decided by**: ${RULE_TEXT[c.rule]}: ${escapeMarkdown(c.ruleReason)}.`, "");
  out.push(...pairedSection(c));

  const strategies = [...new Set([...Object.keys(c.baseline.baselines), ...Object.keys(c.current.baselines)])].sort();
  const graded = (r: Comparison["current"]): string => `${r.graded} of ${r.problems}${r.notAttempted > 0 ? ` (${r.notAttempted} not attempted)` : ""}`;
  out.push("### Each run on its own", "", "| | baseline | current | change |", "|---|---|---|---|");
  out.push(
    `| problems graded | ${graded(c.baseline)} | ${graded(c.current)} | |`,
    `| pass rate (hidden tests) | ${pct(c.baseline.rate)} (${c.baseline.solved}/${c.baseline.graded}) | ${pct(c.current.rate)} (${c.current.solved}/${c.current.graded}) | |`,
    `| 95% interval (Wilson) | ${ci(c.baseline.ci)} | ${ci(c.current.ci)} | |`,
  );
  for (const s of strategies) {
    const before = c.baseline.baselines[s];
    const now = c.current.baselines[s];
    out.push(`| baseline \`${escapeMarkdown(s)}\` | ${before === undefined ? "–" : pct(before)} | ${now === undefined ? "–" : pct(now)} | |`);
  }
  out.push(
    `| oracle (some candidate passes) | ${pct(c.baseline.oracleRate)} | ${pct(c.current.oracleRate)} | |`,
    `| cost | ${usd(c.cost.baseline)} | ${usd(c.cost.current)} | ${c.cost.deltaPct === null ? signed(Math.round(c.cost.deltaUsd * 100) / 100, " USD") : signed(c.cost.deltaPct, "%")} |`,
    `| wall time (solve + grading, summed) | ${duration(c.wall.baselineMs)} | ${duration(c.wall.currentMs)} | |`,
    `| model calls | ${c.baseline.calls} | ${c.current.calls} | |`,
    `| tokens | ${c.baseline.tokens} | ${c.current.tokens} | |`,
    `| model | ${escapeMarkdown(c.baseline.model)} | ${escapeMarkdown(c.current.model)} | |`,
    "",
  );

  out.push(`### Newly failing (${c.newlyFailing.length})`, "");
  out.push(...(c.newlyFailing.length > 0 ? changeList(c.newlyFailing) : ["None."]), "");
  out.push(`### Newly passing (${c.newlyPassing.length})`, "");
  out.push(...(c.newlyPassing.length > 0 ? changeList(c.newlyPassing) : ["None."]), "");
  if (c.flaky.length > 0) {
    out.push(`### Flaky: failed, then passed on a retry (${c.flaky.length}), not counted`, "", ...changeList(c.flaky), "");
  }
  if (c.timingSensitive.length > 0) {
    out.push(`### Timing-sensitive: failed by a time limit, passed with the scaled limit (${c.timingSensitive.length}), not counted`, "", ...changeList(c.timingSensitive), "");
  }
  if (c.notAttempted.length > 0) {
    out.push(`### Not attempted in this run (${c.notAttempted.length}), left out of every rate`, "", ...notAttemptedList(c.notAttempted), "");
  }
  if (c.baselineNotAttempted.length > 0) {
    out.push(`<details><summary>Not attempted in the baseline (${c.baselineNotAttempted.length})</summary>`, "", ...notAttemptedList(c.baselineNotAttempted), "", "</details>", "");
  }
  if (c.added.length > 0 || c.removed.length > 0) {
    out.push("### Problem set changes", "");
    if (c.added.length > 0) out.push(`- Only in this run (${c.added.length}): ${c.added.slice(0, MAX_LISTED).map(code).join(", ")}`);
    if (c.removed.length > 0) out.push(`- Only in the baseline (${c.removed.length}): ${c.removed.slice(0, MAX_LISTED).map(code).join(", ")}`);
    out.push("");
  }
  out.push(...calibrationLines(c.calibration));
  if (c.configChanges.length > 0) {
    out.push("### Configuration changes since the baseline", "");
    out.push(...c.configChanges.map((line) => `- ${escapeMarkdown(line)}`), "");
  }
  out.push(
    `<sub>Decision rule: incomplete (never a regression) when more than ${c.maxNotAttemptedPct}% of the problems could not be attempted or too few of the problems in both runs were graded in both; otherwise, with enough problems graded in both for McNemar's test to ever reject, a regression when their pass rate dropped by at least ${c.maxDropPct} points and McNemar's exact test gives p ≤ ${c.alpha}; with fewer, a regression when a problem that passed in the baseline fails now and on its --confirm retries. See docs/eval.md.</sub>`,
  );
  const trendText = trend ? renderTrendMarkdown(trend) : "";
  if (trendText) out.push("", trendText);
  return out.join("\n") + "\n";
}

/** One run on its own (no baseline yet): rates, cost, and the problems its pick failed. */
export function renderResultsMarkdown(r: EvalResults, trend?: Trend, incomplete?: string | null): string {
  const s = r.summary;
  const n = s.graded;
  const rate = (k: number): string => (n === 0 ? "–" : `${pct(k / n)} (${k}/${n})`);
  const out: string[] = [`## sstar evaluation: ${escapeMarkdown(r.config.model)}${incomplete ? ` (${HEADLINE.incomplete})` : ""}`, ""];
  if (incomplete) out.push(`Incomplete: ${escapeMarkdown(incomplete)}.`, "");
  out.push("| | |", "|---|---|");
  out.push(`| problems graded | ${n} of ${s.problems}${s.notAttempted > 0 ? ` (${s.notAttempted} not attempted)` : ""} |`);
  out.push(`| pass rate (hidden tests) | ${rate(s.solved)}, 95% interval ${ci({ low: s.solveRateLow, high: s.solveRateHigh })} |`);
  if (s.answered !== undefined && s.answeredPassed !== undefined) {
    // Coverage: problems the action would open a pull request for; precision: of those, how many are right.
    const precision = s.answered === 0 ? "–" : `${pct(s.answeredPassed / s.answered)} (${s.answeredPassed}/${s.answered})`;
    out.push(`| coverage (picks at or above --min-confidence) | ${rate(s.answered)} |`, `| precision (answered picks passing) | ${precision} |`);
  }
  for (const [strategy, k] of Object.entries(s.baselines).sort()) out.push(`| baseline \`${escapeMarkdown(strategy)}\` | ${rate(k)} |`);
  out.push(
    `| oracle (some candidate passes) | ${rate(s.oracle)} |`,
    `| cost | ${usd(s.usage.costUsd)} |`,
    `| wall time (solve + grading, summed) | ${duration(s.wallMs)} |`,
    `| model calls | ${s.usage.calls} (${s.usage.cachedCalls} from the cache) |`,
    `| tokens | ${s.usage.promptTokens + s.usage.completionTokens} |`,
    "",
  );
  const failing = r.problems.filter((p) => p.outcome === "failed");
  if (failing.length > 0) {
    out.push(`<details><summary>Not solved (${failing.length})</summary>`, "");
    for (const p of failing.slice(0, MAX_LISTED)) {
      const why = p.selected.sample === null ? (p.error ?? "no program selected") : `hidden ${p.selected.hiddenPassed}/${p.selected.hiddenTotal} passed${p.selected.firstFailure ? ` (${p.selected.firstFailure})` : ""}`;
      out.push(`- ${code(p.id)} ${escapeMarkdown(p.title)}: ${escapeMarkdown(why)}${p.oracle.passed ? " (some candidate passes: a selection miss)" : ""}`);
    }
    if (failing.length > MAX_LISTED) out.push(`- … and ${failing.length - MAX_LISTED} more`);
    out.push("", "</details>");
  }
  out.push("", ...calibrationLines(r.meta.calibration ?? []));
  const notAttempted = r.problems.filter((p) => p.outcome === "not-attempted");
  if (notAttempted.length > 0) {
    out.push("", `### Not attempted (${notAttempted.length}), left out of every rate`, "");
    out.push(...notAttemptedList(notAttempted.map((p) => ({ id: p.id, cause: p.notAttempted?.cause ?? "unknown", detail: p.notAttempted?.detail ?? p.error ?? "no detail recorded" }))));
  }
  const trendText = trend ? renderTrendMarkdown(trend) : "";
  if (trendText) out.push("", trendText);
  return out.join("\n") + "\n";
}

/** Hidden marker that identifies the one regression issue, so it is updated rather than duplicated. */
export const REGRESSION_ISSUE_MARKER = "<!-- sstar-eval-regression -->";
export const REGRESSION_ISSUE_TITLE = "sstar nightly: solve-rate regression";

/** The comment left on an open regression issue when a later night could not decide. */
export function incompleteComment(c: { verdict: string } | null, cause: string, runUrl?: string): string {
  return [
    `**run incomplete: ${escapeMarkdown(cause)}**`,
    "",
    `The latest nightly run could not decide whether the regression is still there${runUrl ? ` ([workflow run](${runUrl}))` : ""}, so this issue stays as it is.${c ? ` ${escapeMarkdown(c.verdict)}` : ""}`,
  ].join("\n");
}

/**
 * Title and body of the regression issue (open it, or update the open one found by the marker).
 * `runUrl`: link to the workflow run that found it.
 */
export function regressionIssue(c: Comparison, context: { runUrl?: string; commit?: string } = {}): { title: string; body: string; marker: string } {
  const head = [
    REGRESSION_ISSUE_MARKER,
    `The nightly evaluation${context.commit ? ` at ${code(context.commit.slice(0, 12))}` : ""} found a regression${context.runUrl ? ` ([workflow run](${context.runUrl}))` : ""}.`,
    "",
  ];
  return { title: REGRESSION_ISSUE_TITLE, body: head.join("\n") + renderComparisonMarkdown(c), marker: REGRESSION_ISSUE_MARKER };
}
