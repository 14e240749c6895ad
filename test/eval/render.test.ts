import { describe, expect, it } from "vitest";
import { compareResults } from "../../src/eval/compare.ts";
import { regressionIssue, REGRESSION_ISSUE_MARKER, renderComparisonMarkdown, renderResultsMarkdown } from "../../src/eval/render.ts";
import { appendTrend, emptyTrend } from "../../src/eval/trend.ts";
import { config, problem, results } from "./helpers.ts";

const ids = ["a", "b", "c", "d", "e", "f", "g", "h", "i", "j"];
const baseline = results(ids.map((id) => problem({ id, passed: true })), config(ids));
const failing = new Set(["b", "c", "d", "e", "f", "g"]);
const current = results(
  ids.map((id) =>
    id === "b"
      ? problem({ id, passed: false, title: "Evil | <img src=x> @team [link](http://x)" })
      : id === "d"
        ? problem({ id, passed: false, oracle: true })
        : id === "h"
          ? problem({ id, passed: false, confirm: [false, true] })
          : id === "j"
            ? problem({ id, notAttempted: "sandbox-unavailable" })
            : problem({ id, passed: !failing.has(id) }),
  ),
  config(ids),
);

describe("renderComparisonMarkdown", () => {
  const comparison = compareResults(current, baseline, { maxDropPct: 10 });

  it("leads with the verdict and the paired table, then each run, newly failing before newly passing", () => {
    const md = renderComparisonMarkdown(comparison);
    expect(md).toMatch(/^## sstar evaluation: ❌ regression\n/);
    expect(md).toContain("### Paired comparison on the 8 problems graded in both runs");
    expect(md).toContain("| pass rate | 100.0% (8/8) | 25.0% (2/8) | −75 pp |");
    expect(md).toContain("| **passed before** | 2 | **6** newly failing |");
    expect(md).toContain("| **failed before** | **0** newly passing | 0 |");
    expect(md).toContain("McNemar's exact test on the 6 discordant pairs: **p = 0.0313** (alpha 0.05; allowed drop 10 points); 1 flaky problem left out.");
    expect(md).toContain("| problems graded | 10 of 10 | 9 of 10 (1 not attempted) | |");
    expect(md).toContain("| 95% interval (Wilson) |");
    expect(md).toContain("| baseline `first` |");
    expect(md).toContain("| wall time (solve + grading, summed) | 11 s | 10 s | |");
    expect(md.indexOf("### Newly failing (6)")).toBeLessThan(md.indexOf("### Newly passing (0)"));
    expect(md).toContain("- `d` Problem d: now fails: hidden 3/5 passed (hidden-4: wrong-answer); before passes: hidden 5/5 passed");
    expect(md).toContain("### Flaky: failed, then passed on a retry (1), not counted");
    expect(md).toContain("- `h` Problem h: now fails: hidden 3/5 passed (hidden-4: wrong-answer), then passes on retry 2; before passes: hidden 5/5 passed");
    expect(md).toContain("### Not attempted in this run (1), left out of every rate");
    expect(md).toContain("- `j`: sandbox unavailable (sandbox-unavailable (test))");
    expect(md).toContain("dropped by at least 10 points and McNemar's exact test gives p ≤ 0.05");
  });

  it("says an incomplete run is incomplete, and why", () => {
    const out = results(ids.map((id) => problem({ id, notAttempted: "endpoint-unreachable" })), config(ids));
    const md = renderComparisonMarkdown(compareResults(out, baseline, { maxDropPct: 5 }));
    expect(md).toMatch(/^## sstar evaluation: ⚠️ run incomplete\n\nIncomplete: 10 of 10 problems \(100%\) could not be attempted/);
    expect(md).toContain("### Not attempted in this run (10)");
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
    expect(issue.body).toContain("### Newly failing (6)");
  });
});

describe("renderResultsMarkdown", () => {
  it("summarizes one run and marks selection misses", () => {
    const md = renderResultsMarkdown(current);
    expect(md).toContain("| problems graded | 9 of 10 (1 not attempted) |");
    expect(md).toContain("| pass rate (hidden tests) | 22.2% (2/9), 95% interval");
    expect(md).toContain("<summary>Not solved (7)</summary>");
    expect(md).toContain("`d` Problem d: hidden 3/5 passed (hidden-4: wrong-answer) (some candidate passes: a selection miss)");
    expect(md).toContain("### Not attempted (1), left out of every rate");
    expect(renderResultsMarkdown(current, undefined, "9 of 10 problems could not be attempted")).toContain("Incomplete: 9 of 10 problems could not be attempted.");
  });
});
