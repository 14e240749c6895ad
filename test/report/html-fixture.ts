// Inputs for the HTML report tests: an evaluation of `count` problems with a hostile title, two
// shards with their time calibration, a baseline that differs on a few problems, and a trend of
// several nights. Plain data, as the files would hold it.
import { compareResults } from "../../src/eval/compare.ts";
import { mergeResults } from "../../src/eval/merge.ts";
import type { EvalResults } from "../../src/eval/results.ts";
import { appendTrend, emptyTrend, type Trend } from "../../src/eval/trend.ts";
import { wilsonInterval } from "../../src/eval/interval.ts";
import { config, problem, results, shards } from "../eval/helpers.ts";

/** A title that would fetch an image and log an error if it were ever rendered as markup. */
export const HOSTILE = `<img src="http://127.0.0.1:9/x.png" onerror="console.error('injected')"></script><script>console.error('injected')</script>`;

export function evalFixture(count = 100): { current: EvalResults; baseline: EvalResults; trend: Trend; flipped: number } {
  const ids = Array.from({ length: count }, (_, i) => `p${String(i + 1).padStart(3, "0")}`);
  const failingNow = new Set(ids.filter((_, i) => i % 10 === 3)); // 10 of 100
  const failingBefore = new Set(ids.filter((_, i) => i % 10 === 3 && i < 40).concat(ids.filter((_, i) => i % 25 === 7)));
  const now = ids.map((id, i) => problem({ id, passed: !failingNow.has(id), ...(i === 0 ? { title: HOSTILE } : {}), ...(failingNow.has(id) && !failingBefore.has(id) ? { confirm: [false] } : {}) }));
  const half = [ids.slice(0, count / 2), ids.slice(count / 2)];
  const parts = shards(now, half).map((r, i) => ({ ...r, meta: { ...r.meta, calibration: [{ shard: i + 1, program: "python: 1.5M modular multiply-adds", referenceMs: 400, measuredMs: 400 + 300 * i, runs: [400 + 300 * i], scale: i === 0 ? 1 : 1.75 }] } }));
  const current = mergeResults(parts, ["results-1-of-2.json", "results-2-of-2.json"]);
  const baseline = results(ids.map((id) => problem({ id, passed: !failingBefore.has(id) })), config(ids));
  let trend = emptyTrend();
  const nights = [0.88, 0.9, 0.86, 0.91, 0.89, 0.9];
  for (const [i, rate] of nights.entries()) {
    const solved = Math.round(rate * count);
    const ci = wilsonInterval(solved, count);
    trend = appendTrend(trend, { date: `2026-11-${String(20 + i).padStart(2, "0")}T03:17:00.000Z`, commit: `c0ffee${i}`, model: "gpt-test", rate: solved / count, rateLow: ci.low, rateHigh: ci.high, solved, problems: count, costUsd: 1 + i / 10 });
  }
  trend = appendTrend(trend, { date: "2026-11-26T03:17:00.000Z", commit: "c0ffee6", model: "gpt-test", rate: current.summary.solveRate, rateLow: current.summary.solveRateLow, rateHigh: current.summary.solveRateHigh, solved: current.summary.solved, problems: current.summary.graded, costUsd: current.summary.usage.costUsd });
  const c = compareResults(current, baseline, { maxDropPct: 5 });
  return { current, baseline, trend, flipped: c.newlyFailing.length + c.newlyPassing.length + c.flaky.length + c.timingSensitive.length };
}
