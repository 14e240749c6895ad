// Markdown for the job summary and the regression issue.
import { wilsonInterval, type Comparison, type Interval, type ProblemChange } from "./compare.ts";
import { code, escapeMarkdown } from "./markdown.ts";
import type { EvalResults } from "./results.ts";
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

export function renderComparisonMarkdown(c: Comparison, trend?: Trend): string {
  const out: string[] = [];
  out.push(`## sstar evaluation: ${c.regression ? "❌ regression" : "✅ no regression"}`, "", escapeMarkdown(c.verdict), "");

  const strategies = [...new Set([...Object.keys(c.baseline.baselines), ...Object.keys(c.current.baselines)])].sort();
  out.push("| | baseline | current | change |", "|---|---|---|---|");
  out.push(
    `| solve rate (hidden tests) | ${pct(c.baseline.rate)} (${c.baseline.solved}/${c.baseline.problems}) | ${pct(c.current.rate)} (${c.current.solved}/${c.current.problems}) | ${signed(c.commonRate.deltaPp, " pp")} on ${c.common} common |`,
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
    `| model calls | ${c.baseline.calls} | ${c.current.calls} | |`,
    `| tokens | ${c.baseline.tokens} | ${c.current.tokens} | |`,
    `| model | ${escapeMarkdown(c.baseline.model)} | ${escapeMarkdown(c.current.model)} | |`,
    "",
  );

  out.push(`### Newly failing (${c.newlyFailing.length})`, "");
  out.push(...(c.newlyFailing.length > 0 ? changeList(c.newlyFailing) : ["None."]), "");
  out.push(`### Newly passing (${c.newlyPassing.length})`, "");
  out.push(...(c.newlyPassing.length > 0 ? changeList(c.newlyPassing) : ["None."]), "");
  if (c.added.length > 0 || c.removed.length > 0) {
    out.push("### Problem set changes", "");
    if (c.added.length > 0) out.push(`- Only in this run (${c.added.length}): ${c.added.slice(0, MAX_LISTED).map(code).join(", ")}`);
    if (c.removed.length > 0) out.push(`- Only in the baseline (${c.removed.length}): ${c.removed.slice(0, MAX_LISTED).map(code).join(", ")}`);
    out.push("");
  }
  if (c.configChanges.length > 0) {
    out.push("### Configuration changes since the baseline", "");
    out.push(...c.configChanges.map((line) => `- ${escapeMarkdown(line)}`), "");
  }
  out.push(
    `<sub>Regression rule: a drop of more than ${c.maxDropPct} percentage points in solve rate on the problems both runs graded. The interval shows how much of a difference can be noise; it does not decide.</sub>`,
  );
  const trendText = trend ? renderTrendMarkdown(trend) : "";
  if (trendText) out.push("", trendText);
  return out.join("\n") + "\n";
}

/** One run on its own (no baseline yet): rates, cost, and the problems its pick failed. */
export function renderResultsMarkdown(r: EvalResults, trend?: Trend): string {
  const s = r.summary;
  const n = s.problems;
  const rate = (k: number): string => (n === 0 ? "–" : `${pct(k / n)} (${k}/${n})`);
  const out: string[] = [`## sstar evaluation: ${escapeMarkdown(r.config.model)}`, ""];
  out.push("| | |", "|---|---|");
  out.push(`| solve rate (hidden tests) | ${rate(s.solved)}, 95% interval ${ci(wilsonInterval(s.solved, n))} |`);
  for (const [strategy, k] of Object.entries(s.baselines).sort()) out.push(`| baseline \`${escapeMarkdown(strategy)}\` | ${rate(k)} |`);
  out.push(
    `| oracle (some candidate passes) | ${rate(s.oracle)} |`,
    `| cost | ${usd(s.usage.costUsd)} |`,
    `| model calls | ${s.usage.calls} (${s.usage.cachedCalls} from the cache) |`,
    `| tokens | ${s.usage.promptTokens + s.usage.completionTokens} |`,
    "",
  );
  const failing = r.problems.filter((p) => !p.selected.passed);
  if (failing.length > 0) {
    out.push(`<details><summary>Not solved (${failing.length})</summary>`, "");
    for (const p of failing.slice(0, MAX_LISTED)) {
      const why = p.selected.sample === null ? (p.error ?? "no program selected") : `fails ${p.selected.hiddenTotal - p.selected.hiddenPassed}/${p.selected.hiddenTotal}${p.selected.firstFailure ? ` (${p.selected.firstFailure})` : ""}`;
      out.push(`- ${code(p.id)} ${escapeMarkdown(p.title)}: ${escapeMarkdown(why)}${p.oracle.passed ? " (some candidate passes: a selection miss)" : ""}`);
    }
    if (failing.length > MAX_LISTED) out.push(`- … and ${failing.length - MAX_LISTED} more`);
    out.push("", "</details>");
  }
  const trendText = trend ? renderTrendMarkdown(trend) : "";
  if (trendText) out.push("", trendText);
  return out.join("\n") + "\n";
}

/** Hidden marker that identifies the one regression issue, so it is updated rather than duplicated. */
export const REGRESSION_ISSUE_MARKER = "<!-- sstar-eval-regression -->";
export const REGRESSION_ISSUE_TITLE = "sstar nightly: solve-rate regression";

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
