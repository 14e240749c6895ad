// The trend file: one point per evaluation run (date, commit, model, solve rate, cost), capped, kept
// in the repository or carried between runs as an artifact; rendered as a chart in the summary.
import { z } from "zod";
import { escapeMarkdown } from "./markdown.ts";

export const TREND_KIND = "sstar-eval-trend";
export const DEFAULT_TREND_POINTS = 90;

export const trendPointSchema = z.object({
  date: z.string().describe("ISO date-time of the run"),
  commit: z.string(),
  model: z.string(),
  rate: z.number().describe("solve rate, 0..1"),
  rateLow: z.number().optional().describe("95% Wilson interval of the rate, lower end (points written before intervals lack it)"),
  rateHigh: z.number().optional().describe("95% Wilson interval of the rate, upper end"),
  solved: z.number().int(),
  problems: z.number().int(),
  costUsd: z.number(),
  costPerSolvedUsd: z.number().nullable().optional().describe("the night's cost over the problems it solved (null: none solved); absent in points written before"),
});
export type TrendPoint = z.infer<typeof trendPointSchema>;

export const trendSchema = z.object({
  kind: z.literal(TREND_KIND),
  version: z.literal(1),
  points: z.array(trendPointSchema),
});
export type Trend = z.infer<typeof trendSchema>;

export function emptyTrend(): Trend {
  return { kind: TREND_KIND, version: 1, points: [] };
}

export function parseTrend(json: unknown, file: string): Trend {
  const parsed = trendSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Error(`${file}: not an sstar trend file (${issue.path.join(".") || "top"}: ${issue.message}); fix or delete it`);
  }
  return parsed.data;
}

/**
 * Appends a point, keeping the newest `maxPoints`. A point with the same date, commit and model as
 * the last one replaces it, so rerunning the same job does not add duplicates.
 */
export function appendTrend(trend: Trend, point: TrendPoint, maxPoints = DEFAULT_TREND_POINTS): Trend {
  if (!Number.isInteger(maxPoints) || maxPoints < 1) throw new Error(`trend length must be a positive integer, got ${maxPoints}`);
  const last = trend.points.at(-1);
  const same = last !== undefined && last.date === point.date && last.commit === point.commit && last.model === point.model;
  const points = [...(same ? trend.points.slice(0, -1) : trend.points), point];
  return { ...trend, points: points.slice(-maxPoints) };
}

/** The cost per solved problem as the trend line shows it ("" for points written before it was kept). */
function perSolved(p: TrendPoint): string {
  if (p.costPerSolvedUsd === undefined) return "";
  return p.costPerSolvedUsd === null ? ", none solved" : `, $${p.costPerSolvedUsd.toFixed(4)} per solved problem`;
}

const BARS = "▁▂▃▄▅▆▇█";

/** A one-line sparkline of the solve rates, scaled between their minimum and maximum. */
export function sparkline(rates: readonly number[]): string {
  if (rates.length === 0) return "";
  const min = Math.min(...rates);
  const max = Math.max(...rates);
  return rates
    .map((r) => {
      if (max === min) return BARS[3]!;
      const level = Math.round(((r - min) / (max - min)) * (BARS.length - 1));
      return BARS[level]!;
    })
    .join("");
}

function pct(rate: number): string {
  return (Math.round(rate * 1000) / 10).toFixed(1);
}

/** A Mermaid `xychart-beta` line chart of solve rate over time (GitHub renders it). */
export function trendMermaid(points: readonly TrendPoint[]): string {
  const labels = points.map((p) => `"${label(p)}"`);
  return [
    "```mermaid",
    "xychart-beta",
    '    title "Solve rate (%) per run"',
    `    x-axis [${labels.join(", ")}]`,
    '    y-axis "solve rate (%)" 0 --> 100',
    `    line [${points.map((p) => pct(p.rate)).join(", ")}]`,
    "```",
  ].join("\n");
}

/** "MM-DD abc1234": short, and free of characters Mermaid would choke on. */
function label(p: TrendPoint): string {
  const day = /^\d{4}-(\d{2})-(\d{2})/.exec(p.date);
  const date = day ? `${day[1]}-${day[2]}` : p.date.slice(0, 10);
  const safe = (t: string): string => t.replace(/[^A-Za-z0-9._:-]/g, "");
  const commit = safe(p.commit).slice(0, 7);
  return `${safe(date)}${commit ? ` ${commit}` : ""}`;
}

/** The trend section of the summary: the chart plus a plain-text fallback for viewers without Mermaid. */
export function renderTrendMarkdown(trend: Trend): string {
  const points = trend.points;
  if (points.length === 0) return "";
  const rates = points.map((p) => p.rate);
  const first = points[0]!;
  const last = points.at(-1)!;
  const lines = [
    `### Solve rate over the last ${points.length} run${points.length === 1 ? "" : "s"}`,
    "",
    trendMermaid(points),
    "",
    `\`${sparkline(rates)}\` ${pct(Math.min(...rates))}% – ${pct(Math.max(...rates))}% (from ${first.date.slice(0, 10)} to ${last.date.slice(0, 10)}; latest ${pct(last.rate)}%${last.rateLow !== undefined && last.rateHigh !== undefined ? ` [95% ${pct(last.rateLow)}–${pct(last.rateHigh)}]` : ""}, ${last.solved}/${last.problems}, $${last.costUsd.toFixed(2)}${perSolved(last)}, ${escapeMarkdown(last.model)})`,
  ];
  return lines.join("\n");
}
