import { describe, expect, it } from "vitest";
import { costPerSolved } from "../../src/eval/results.ts";
import { appendTrend, emptyTrend, parseTrend, renderTrendMarkdown, sparkline, trendMermaid, type TrendPoint } from "../../src/eval/trend.ts";

const point = (day: number, rate: number, commit = `c${day}`): TrendPoint => ({
  date: `2025-03-${String(day).padStart(2, "0")}T03:00:00.000Z`,
  commit,
  model: "gpt-test",
  rate,
  solved: Math.round(rate * 20),
  problems: 20,
  costUsd: 1.5,
});

describe("trend", () => {
  it("appends one point per run and keeps the newest maxPoints", () => {
    let t = emptyTrend();
    for (let d = 1; d <= 7; d++) t = appendTrend(t, point(d, d / 10), 5);
    expect(t.points.map((p) => p.commit)).toEqual(["c3", "c4", "c5", "c6", "c7"]);
    expect(parseTrend(JSON.parse(JSON.stringify(t)), "trend.json")).toEqual(t);
  });

  it("replaces the last point when the same run is recorded again", () => {
    const t = appendTrend(appendTrend(emptyTrend(), point(1, 0.5)), point(1, 0.6));
    expect(t.points).toEqual([point(1, 0.6)]);
  });

  it("refuses a broken trend file with a message naming it", () => {
    expect(() => parseTrend({ points: 3 }, ".sstar/trend.json")).toThrow(/^\.sstar\/trend\.json: not an sstar trend file/);
  });

  it("draws a sparkline scaled between min and max", () => {
    expect(sparkline([0.1, 0.5, 0.9])).toBe("▁▅█");
    expect(sparkline([0.4, 0.4])).toBe("▄▄");
    expect(sparkline([])).toBe("");
  });

  it("renders a Mermaid xychart with one label and value per point, and a plain-text fallback", () => {
    const points = [point(1, 0.5), point(2, 0.55, 'abc"1234567')];
    const chart = trendMermaid(points);
    expect(chart).toContain("xychart-beta");
    expect(chart).toContain('x-axis ["03-01 c1", "03-02 abc1234"]');
    expect(chart).toContain("line [50.0, 55.0]");
    const md = renderTrendMarkdown({ ...emptyTrend(), points });
    expect(md).toContain("```mermaid");
    expect(md).toContain("`▁█` 50.0% – 55.0%");
    expect(renderTrendMarkdown(emptyTrend())).toBe("");
  });

  it("records the night's cost per solved problem and shows it on the latest line", () => {
    expect(costPerSolved({ solved: 8, usage: { calls: 0, cachedCalls: 0, promptTokens: 0, completionTokens: 0, costUsd: 1.5 } })).toBe(0.1875);
    expect(costPerSolved({ solved: 0, usage: { calls: 0, cachedCalls: 0, promptTokens: 0, completionTokens: 0, costUsd: 1.5 } })).toBeNull();
    const t = appendTrend(emptyTrend(), { ...point(1, 0.4), costPerSolvedUsd: 0.1875 });
    expect(parseTrend(JSON.parse(JSON.stringify(t)), "trend.json").points[0]!.costPerSolvedUsd).toBe(0.1875);
    expect(renderTrendMarkdown(t)).toContain("$1.50, $0.1875 per solved problem, gpt-test");
    expect(renderTrendMarkdown(appendTrend(emptyTrend(), { ...point(1, 0), costPerSolvedUsd: null }))).toContain("$1.50, none solved, gpt-test");
    // Points written before the field existed still read, and show no figure.
    expect(renderTrendMarkdown(appendTrend(emptyTrend(), point(1, 0.4)))).toContain("$1.50, gpt-test");
  });
});
