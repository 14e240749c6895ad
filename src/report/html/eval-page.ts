// The HTML report of an evaluation (`sstar eval` results), or of a comparison with its baseline
// (`sstar compare`), with the trend of the nights before: rates with their 95% intervals, the
// trend chart, the problems that flipped and why, cost per solved problem, shards and their time
// calibration, every problem. Pure: data in, one HTML string out.
import type { Comparison, ProblemChange } from "../../eval/compare.ts";
import { CAUSE_TEXT } from "../../eval/outcome.ts";
import type { EvalResults } from "../../eval/results.ts";
import type { Trend, TrendPoint } from "../../eval/trend.ts";
import { esc, htmlPage, ms, pct, table, usd } from "./page.ts";

export interface EvalHtmlInput {
  results: EvalResults;
  comparison?: Comparison;
  trend?: Trend;
}

// Words, not emoji: a runner's browser may have no emoji font.
const DECISION_TEXT = { regression: "regression", "no-regression": "no regression", incomplete: "run incomplete" } as const;

/** Dollars per solved problem; null when nothing was solved. */
export function costPerSolved(costUsd: number, solved: number): number | null {
  return solved > 0 ? costUsd / solved : null;
}

function perSolved(costUsd: number, solved: number): string {
  const x = costPerSolved(costUsd, solved);
  return x === null ? "–" : usd(x);
}

function ratesSection(r: EvalResults, c: Comparison | undefined): string {
  const s = r.summary;
  const cols = c ? ["", "baseline", "this run"] : ["", "this run"];
  const both = (f: (x: Comparison["current"]) => string, own: string): string[] => (c ? [f(c.baseline), f(c.current)] : [own]);
  const rows: string[][] = [
    ["problems graded", ...both((x) => `${x.graded} of ${x.problems}`, `${s.graded} of ${s.problems}`)],
    ["pass rate (hidden tests)", ...both((x) => `${pct(x.rate)} (${x.solved}/${x.graded})`, `${pct(s.solveRate)} (${s.solved}/${s.graded})`)],
    ["95% interval (Wilson)", ...both((x) => `${pct(x.ci.low)} – ${pct(x.ci.high)}`, `${pct(s.solveRateLow)} – ${pct(s.solveRateHigh)}`)],
    ["oracle (some candidate passes)", ...both((x) => pct(x.oracleRate), s.graded === 0 ? "–" : pct(s.oracle / s.graded))],
    ["cost", ...both((x) => usd(x.costUsd), usd(s.usage.costUsd))],
    ["cost per solved problem", ...both((x) => perSolved(x.costUsd, x.solved), perSolved(s.usage.costUsd, s.solved))],
    ["model calls", ...both((x) => String(x.calls), String(s.usage.calls))],
    ["wall time (solve + grading, summed)", ...both((x) => ms(x.wallMs), ms(s.wallMs))],
    ["model", ...both((x) => esc(x.model), esc(r.config.model))],
  ];
  return `<h2>Rates</h2>\n${table("rates", cols, rows)}`;
}

function trendPointCost(p: TrendPoint): string {
  if (typeof p.costPerSolvedUsd === "number") return usd(p.costPerSolvedUsd);
  return perSolved(p.costUsd, p.solved);
}

function trendSection(trend: Trend | undefined): string {
  if (!trend || trend.points.length === 0) return `<h2>Trend</h2>\n<p class="empty" id="trend-none">No trend file: pass --trend FILE to chart the pass rate night by night.</p>`;
  const rows = trend.points.map((p) => [
    esc(p.date.slice(0, 16).replace("T", " ")),
    `<code>${esc(p.commit.slice(0, 12))}</code>`,
    esc(p.model),
    `<span class="num">${pct(p.rate)}</span>`,
    p.rateLow !== undefined && p.rateHigh !== undefined ? `${pct(p.rateLow)} – ${pct(p.rateHigh)}` : "–",
    `${p.solved}/${p.problems}`,
    usd(p.costUsd),
    trendPointCost(p),
  ]);
  return [
    `<h2>Trend: pass rate over the last ${trend.points.length} run${trend.points.length === 1 ? "" : "s"}</h2>`,
    `<div id="trend-chart" role="img" aria-label="pass rate per run with its 95% interval"></div>`,
    `<details open><summary>The runs</summary>`,
    table("trend-table", ["date", "commit", "model", "pass rate", "95% interval", "solved", "cost", "cost per solved"], rows),
    "</details>",
  ].join("\n");
}

function flippedSection(c: Comparison | undefined): string {
  if (!c) return "";
  const row = (kind: string, cls: string, p: ProblemChange): string[] => [`<span class="${cls}">${esc(kind)}</span>`, `<code>${esc(p.id)}</code>`, esc(p.title), esc(p.now), esc(p.before)];
  const rows = [
    ...c.newlyFailing.map((p) => row("newly failing", "fail", p)),
    ...c.newlyPassing.map((p) => row("newly passing", "pass", p)),
    ...c.flaky.map((p) => row("flaky (passed on a retry, not counted)", "warn", p)),
    ...c.timingSensitive.map((p) => row("timing-sensitive (passed with the scaled limit, not counted)", "warn", p)),
  ];
  return `<h2>Problems that flipped (${rows.length})</h2>\n${table("flipped", ["change", "problem", "title", "now", "before"], rows, "No problem changed between the runs.")}`;
}

function shardsSection(r: EvalResults): string {
  const merged = r.meta.mergedFrom ?? [];
  const cal = r.meta.calibration ?? [];
  const rows = cal.map((k) => [k.shard === null ? "whole set" : `shard ${k.shard}`, esc(k.program), `<span class="num">${ms(k.referenceMs)}</span>`, `<span class="num">${ms(k.measuredMs)}</span>`, `<span class="num">× ${k.scale.toFixed(2)}</span>`]);
  return [
    "<h2>Shards and time calibration</h2>",
    merged.length > 0 ? `<p>Merged from ${merged.length} file${merged.length === 1 ? "" : "s"}: ${merged.map((f) => `<code>${esc(f)}</code>`).join(", ")}.</p>` : `<p>${r.config.shard ? `Shard ${r.config.shard.index} of ${r.config.shard.count}.` : "One unsharded run."}</p>`,
    table("calibration", ["runner", "calibration program", "reference time", "measured here", "time limits scaled"], rows, "No time calibration recorded: time limits were used as the specs give them."),
  ].join("\n");
}

function problemsSection(r: EvalResults): string {
  const rows = r.problems.map((p) => {
    const cls = p.outcome === "passed" ? "pass" : p.outcome === "failed" ? "fail" : "warn";
    const why = p.outcome === "not-attempted" ? `${CAUSE_TEXT[p.notAttempted?.cause ?? "endpoint-unreachable"]}: ${p.notAttempted?.detail ?? ""}` : (p.selected.firstFailure ?? p.error ?? "");
    return [
      `<code>${esc(p.id)}</code>`,
      esc(p.title),
      `<span class="${cls}">${esc(p.outcome)}${p.selected.timingSensitive ? " (timing-sensitive)" : ""}</span>`,
      `<span class="num">${p.selected.hiddenPassed}/${p.selected.hiddenTotal}</span>`,
      esc(why),
      p.oracle.passed ? "yes" : "no",
      `<span class="num">${usd(p.usage.costUsd)}</span>`,
      `<span class="num">${ms(p.wallMs + p.gradeMs)}</span>`,
    ];
  });
  // A long list is folded: the flipped problems above are what a reader looks at first.
  return `<h2>Every problem (${r.problems.length})</h2>\n<details${r.problems.length <= 20 ? " open" : ""}><summary>${r.problems.length} problems</summary>\n${table("problems", ["problem", "title", "outcome", "hidden", "first failure / cause", "oracle", "cost", "time"], rows)}\n</details>`;
}

/** Draws the trend: the pass rate and its interval, one x step per run; dates on the axis. */
const TREND_SCRIPT = `(function () {
  var el = document.getElementById("trend-chart");
  var data = JSON.parse(document.getElementById("chart-data").textContent);
  if (!el || !data || data.x.length === 0) return;
  var labels = data.labels;
  var opts = {
    width: Math.max(320, el.clientWidth || 900), height: 300,
    scales: { x: { time: false }, y: { range: [0, 100] } },
    axes: [{ values: function (u, ticks) { return ticks.map(function (t) { return labels[t] === undefined ? "" : labels[t]; }); } }, { label: "pass rate (%)" }],
    series: [{}, { label: "pass rate", stroke: "#0969da", width: 2, points: { show: true, size: 6 } },
      { label: "95% low", stroke: "#8c959f", dash: [4, 4] }, { label: "95% high", stroke: "#8c959f", dash: [4, 4] }],
    bands: [{ series: [3, 2], fill: "rgba(9,105,218,0.12)" }]
  };
  new uPlot(opts, [data.x, data.rate, data.low, data.high], el);
})();`;

function trendData(trend: Trend | undefined): unknown {
  const points = trend?.points ?? [];
  const round = (x: number | undefined): number | null => (x === undefined ? null : Math.round(x * 1000) / 10);
  return {
    x: points.map((_, i) => i),
    labels: points.map((p) => p.date.slice(5, 10)),
    rate: points.map((p) => round(p.rate)),
    low: points.map((p) => round(p.rateLow)),
    high: points.map((p) => round(p.rateHigh)),
  };
}

export function renderEvalHtml(input: EvalHtmlInput): string {
  const { results: r, comparison: c, trend } = input;
  const title = `sstar evaluation: ${r.config.model}${c ? ` (${DECISION_TEXT[c.decision]})` : ""}`;
  const head = c
    ? [`<h1>sstar evaluation: <span class="${c.decision}" id="decision">${esc(DECISION_TEXT[c.decision])}</span></h1>`, `<p class="verdict" id="verdict">${esc(c.verdict)}</p>`, `<p id="rule"><b>Decided by</b> ${esc(c.rule === "mcnemar" ? "McNemar's paired test" : c.rule === "per-problem" ? "the per-problem rule" : "no rule (incomplete)")}: ${esc(c.ruleReason)}.</p>`]
    : [`<h1>sstar evaluation: ${esc(r.config.model)}</h1>`, `<p class="muted">${esc(r.summary.graded)} problems graded on hidden tests; no baseline given, so nothing is decided.</p>`];
  const notAttempted = r.problems.filter((p) => p.outcome === "not-attempted");
  const body = [
    ...head,
    `<p class="muted">Started ${esc(r.meta.startedAt)}, updated ${esc(r.meta.updatedAt)}; sstar ${esc(r.config.tool.version)}, sandbox ${esc(r.config.sandbox)}, judge ${esc(r.config.judgeModel)}.</p>`,
    ratesSection(r, c),
    trendSection(trend),
    flippedSection(c),
    notAttempted.length > 0 ? `<h2>Not attempted (${notAttempted.length}), left out of every rate</h2>\n${table("not-attempted", ["problem", "cause", "detail"], notAttempted.map((p) => [`<code>${esc(p.id)}</code>`, esc(p.notAttempted?.cause ?? "unknown"), esc(p.notAttempted?.detail ?? "")]))}` : "",
    shardsSection(r),
    problemsSection(r),
  ].join("\n");
  return htmlPage({ title, body, ...(trend && trend.points.length > 0 ? { chart: { data: trendData(trend), script: TREND_SCRIPT } } : {}) });
}
