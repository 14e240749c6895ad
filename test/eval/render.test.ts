import { describe, expect, it } from "vitest";
import { compareResults } from "../../src/eval/compare.ts";
import { regressionIssue, REGRESSION_ISSUE_MARKER, renderComparisonMarkdown, renderResultsMarkdown } from "../../src/eval/render.ts";
import { appendTrend, emptyTrend } from "../../src/eval/trend.ts";
import { config, problem, results } from "./helpers.ts";

const ids = ["a", "b", "c", "d"];
const baseline = results(ids.map((id) => problem({ id, passed: true })), config(ids));
const current = results(
  [problem({ id: "a" }), problem({ id: "b", passed: false, title: "Evil | <img src=x> @team [link](http://x)" }), problem({ id: "c" }), problem({ id: "d", passed: false, oracle: true })],
  config(ids),
);

describe("renderComparisonMarkdown", () => {
  const comparison = compareResults(current, baseline, { maxDropPct: 10 });

  it("leads with the verdict and the rates, then newly failing before newly passing", () => {
    const md = renderComparisonMarkdown(comparison);
    expect(md).toMatch(/^## sstar evaluation: ❌ regression\n/);
    expect(md).toContain("| solve rate (hidden tests) | 100.0% (4/4) | 50.0% (2/4) | −50 pp on 4 common |");
    expect(md).toContain("| 95% interval (Wilson) |");
    expect(md).toContain("| baseline `first` |");
    expect(md.indexOf("### Newly failing (2)")).toBeLessThan(md.indexOf("### Newly passing (0)"));
    expect(md).toContain("- `d` Problem d: now fails 2/5 (hidden-4: wrong-answer); before passes 5/5");
    expect(md).toContain("more than 10 percentage points");
  });

  it("escapes titles so they cannot break the table, open HTML, links or mentions", () => {
    const md = renderComparisonMarkdown(comparison);
    expect(md).toContain("Evil \\| \\<img src=x\\> @\u200bteam \\[link\\](http://x)");
    expect(md).not.toMatch(/[^\\]<img/);
  });

  it("adds the trend chart when given", () => {
    const trend = appendTrend(emptyTrend(), { date: "2025-03-01T00:00:00Z", commit: "abc", model: "m", rate: 0.5, solved: 2, problems: 4, costUsd: 0.04 });
    expect(renderComparisonMarkdown(comparison, trend)).toContain("xychart-beta");
  });

  it("builds the regression issue with its marker and the run link", () => {
    const issue = regressionIssue(comparison, { runUrl: "https://github.com/o/r/actions/runs/1", commit: "0123456789abcdef" });
    expect(issue.title).toBe("sstar nightly: solve-rate regression");
    expect(issue.body.startsWith(REGRESSION_ISSUE_MARKER)).toBe(true);
    expect(issue.body).toContain("at `0123456789ab` found a regression ([workflow run](https://github.com/o/r/actions/runs/1))");
    expect(issue.body).toContain("### Newly failing (2)");
  });
});

describe("renderResultsMarkdown", () => {
  it("summarizes one run and marks selection misses", () => {
    const md = renderResultsMarkdown(current);
    expect(md).toContain("| solve rate (hidden tests) | 50.0% (2/4), 95% interval");
    expect(md).toContain("<summary>Not solved (2)</summary>");
    expect(md).toContain("`d` Problem d: fails 2/5 (hidden-4: wrong-answer) (some candidate passes: a selection miss)");
  });
});
