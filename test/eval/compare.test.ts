import { describe, expect, it } from "vitest";
import { compareResults, runIncompleteness, wilsonInterval } from "../../src/eval/compare.ts";
import { mcnemarExactP, minDiscordantToReject } from "../../src/eval/mcnemar.ts";
import type { ProblemOpts } from "./helpers.ts";
import { config, problem, results } from "./helpers.ts";

describe("wilsonInterval", () => {
  it("matches published values", () => {
    const half = wilsonInterval(5, 10);
    expect(half.low).toBeCloseTo(0.2366, 4);
    expect(half.high).toBeCloseTo(0.7634, 4);
    const none = wilsonInterval(0, 10);
    expect(none.low).toBe(0);
    expect(none.high).toBeCloseTo(0.2775, 4);
    const all = wilsonInterval(20, 20);
    expect(all.high).toBe(1);
    expect(all.low).toBeCloseTo(0.8389, 4);
  });
  it("is [0, 1] with no data and narrows with more", () => {
    expect(wilsonInterval(0, 0)).toEqual({ low: 0, high: 1 });
    const small = wilsonInterval(5, 10);
    const big = wilsonInterval(500, 1000);
    expect(big.high - big.low).toBeLessThan(small.high - small.low);
  });
});

describe("McNemar's exact test", () => {
  it("matches known values (R: binom.test(min(b, c), b + c)$p.value; scipy.stats.binomtest)", () => {
    expect(mcnemarExactP(10, 2)).toBeCloseTo(0.03857422, 8); // 2 * (1 + 12 + 66) / 4096
    expect(mcnemarExactP(2, 10)).toBeCloseTo(0.03857422, 8); // two-sided: symmetric
    expect(mcnemarExactP(6, 0)).toBe(0.03125); // 2 / 64, exactly
    expect(mcnemarExactP(5, 0)).toBeCloseTo(0.0625, 10);
    expect(mcnemarExactP(8, 3)).toBeCloseTo(0.2265625, 8); // 2 * (1 + 11 + 55 + 165) / 2048
    expect(mcnemarExactP(25, 10)).toBeCloseTo(0.0166738478, 9); // exact rational: 2 * sum(C(35, i), i <= 10) / 2^35
    expect(mcnemarExactP(3, 3)).toBe(1);
    expect(mcnemarExactP(1, 0)).toBe(1);
    expect(mcnemarExactP(0, 0)).toBe(1);
  });
  it("stays exact for large counts (log space), and refuses bad counts", () => {
    expect(mcnemarExactP(600, 500)).toBeCloseTo(0.00281954499, 10); // exact rational, as above
    expect(mcnemarExactP(1000, 900)).toBeCloseTo(0.0231088451, 9); // log space past n = 1000
    expect(mcnemarExactP(2000, 0)).toBe(0);
    expect(() => mcnemarExactP(-1, 2)).toThrow(/whole numbers/);
    expect(() => mcnemarExactP(1.5, 2)).toThrow(/whole numbers/);
  });
  it("knows the fewest one-way discordant pairs that can reject", () => {
    expect(minDiscordantToReject(0.05)).toBe(6);
    expect(minDiscordantToReject(0.01)).toBe(8);
    expect(minDiscordantToReject(0.5)).toBe(2); // 2 / 4 = 0.5 <= alpha
  });
});

/** A run over ids "p01".."pNN": `pass` lists which pass, extra options per id. */
function run(n: number, passing: (i: number) => boolean, extra: Record<string, Partial<ProblemOpts>> = {}, over: Parameters<typeof config>[1] = {}, cost = 0.01) {
  const ids = Array.from({ length: n }, (_, i) => `p${String(i + 1).padStart(2, "0")}`);
  return results(ids.map((id, i) => problem({ id, passed: passing(i), costUsd: cost, ...extra[id] })), config(ids, over));
}

describe("compareResults: the paired decision", () => {
  const baseline = run(40, (i) => i < 36); // 36/40 = 90%

  it("is a regression when the drop is at least --max-drop AND McNemar rejects at alpha", () => {
    // 7 newly failing, 1 newly passing: 36 -> 30 of 40, -15 points; p = 2 * (1 + 8) / 256 = 0.0703
    const current = run(40, (i) => (i >= 7 && i < 36) || i === 36);
    const c = compareResults(current, baseline, { maxDropPct: 5 });
    expect(c.paired).toMatchObject({ shared: 40, baselinePassed: 36, currentPassed: 30, newlyFailing: 7, newlyPassing: 1, deltaPp: -15 });
    expect(c.paired.pValue).toBeCloseTo(0.0703125, 6);
    expect(c.decision).toBe("no-regression"); // a big drop, but within noise at alpha 0.05
    expect(c.verdict).toMatch(/dropped 15 points .* not significant at alpha 0.05/);
    expect(compareResults(current, baseline, { maxDropPct: 5, alpha: 0.1 }).decision).toBe("regression");

    // 8 newly failing, none passing: p = 2/256 = 0.0078
    const worse = run(40, (i) => i >= 8 && i < 36);
    const w = compareResults(worse, baseline, { maxDropPct: 5 });
    expect(w.decision).toBe("regression");
    expect(w.regression).toBe(true);
    expect(w.paired.pValue).toBeCloseTo(0.0078125, 7);
    expect(w.newlyFailing.map((p) => p.id)).toEqual(["p01", "p02", "p03", "p04", "p05", "p06", "p07", "p08"]);
    expect(w.newlyFailing[0]).toMatchObject({ now: "fails: hidden 3/5 passed (hidden-4: wrong-answer)", before: "passes: hidden 5/5 passed" });
    expect(w.verdict).toMatch(/^Regression: the pass rate dropped 20 points on the 40 problems graded in both \(8 newly failing, 0 newly passing; McNemar exact p = 0.00781\)/);
    // Significant, but smaller than the allowed drop: not a regression. "At least" includes equality.
    expect(compareResults(worse, baseline, { maxDropPct: 25 }).decision).toBe("no-regression");
    expect(compareResults(worse, baseline, { maxDropPct: 20 }).decision).toBe("regression");
  });

  it("the same run twice is no regression, p = 1", () => {
    const c = compareResults(baseline, baseline, { maxDropPct: 0 });
    expect(c.decision).toBe("no-regression");
    expect(c.paired.pValue).toBe(1);
    expect(c.verdict).toMatch(/is unchanged/);
  });

  it("leaves flaky problems (passed on a --confirm retry) out of the decision and lists them", () => {
    const extra: Record<string, Partial<ProblemOpts>> = {};
    for (const id of ["p01", "p02", "p03"]) extra[id] = { confirm: [true] };
    for (const id of ["p04", "p05", "p06", "p07", "p08"]) extra[id] = { confirm: [false] };
    const current = run(40, (i) => i >= 8 && i < 36, extra);
    const c = compareResults(current, baseline, { maxDropPct: 5 });
    expect(c.flaky.map((p) => p.id)).toEqual(["p01", "p02", "p03"]);
    expect(c.flaky[0]!.now).toBe("fails: hidden 3/5 passed (hidden-4: wrong-answer), then passes on retry 1");
    expect(c.newlyFailing.map((p) => p.id)).toEqual(["p04", "p05", "p06", "p07", "p08"]);
    expect(c.newlyFailing[0]!.now).toBe("fails: hidden 3/5 passed (hidden-4: wrong-answer), and on 1 retry");
    expect(c.paired).toMatchObject({ shared: 37, newlyFailing: 5, newlyPassing: 0 });
    expect(c.decision).toBe("no-regression"); // 5 one way: p = 0.0625
  });

  it("measures on common problems only: added or removed problems never look like a regression", () => {
    const current = run(43, (i) => i < 36);
    const c = compareResults(current, baseline, { maxDropPct: 0 });
    expect(c.current.rate).toBeCloseTo(36 / 43);
    expect(c.paired.deltaPp).toBe(0);
    expect(c.decision).toBe("no-regression");
    expect(c.added).toEqual(["p41", "p42", "p43"]);
    const fewer = run(30, () => true);
    const d = compareResults(fewer, baseline, { maxDropPct: 0 });
    expect(d.removed).toHaveLength(10);
    expect(d.common).toBe(30);
    expect(d.decision).toBe("no-regression");
  });

  it("reports cost, wall time, baselines' rates, the interval, and configuration changes", () => {
    const current = run(40, (i) => i < 36, {}, { model: "new-model", settings: { samples: 16, rounds: 2, selection: "sstar", temperature: 0.7 } }, 0.02);
    const c = compareResults(current, baseline, { maxDropPct: 5 });
    expect(c.cost).toEqual({ current: 0.8, baseline: 0.4, deltaUsd: 0.4, deltaPct: 100 });
    expect(c.wall).toEqual({ currentMs: 44000, baselineMs: 44000 });
    expect(c.current.baselines).toEqual({ first: 0.9, majority: 0.9 });
    expect(c.current.ci.low).toBeCloseTo(wilsonInterval(36, 40).low);
    expect(c.configChanges).toEqual(["model: gpt-test → new-model", "samples: 8 → 16"]);
  });

  it("refuses bad thresholds with the flag's name", () => {
    expect(() => compareResults(baseline, baseline, { maxDropPct: -1 })).toThrow(/--max-drop/);
    expect(() => compareResults(baseline, baseline, { maxDropPct: 1, alpha: 0 })).toThrow(/--alpha/);
    expect(() => compareResults(baseline, baseline, { maxDropPct: 1, maxNotAttemptedPct: 101 })).toThrow(/--max-not-attempted/);
  });
});

describe("compareResults: incomplete runs never report a regression", () => {
  const baseline = run(20, () => true);

  it("more than --max-not-attempted of the run not attempted: incomplete, with the cause", () => {
    const extra: Record<string, Partial<ProblemOpts>> = {};
    for (let i = 1; i <= 20; i++) extra[`p${String(i).padStart(2, "0")}`] = { notAttempted: "endpoint-unreachable" };
    const c = compareResults(run(20, () => false, extra), baseline, { maxDropPct: 5 });
    expect(c.decision).toBe("incomplete");
    expect(c.regression).toBe(false);
    expect(c.incomplete).toBe(true);
    expect(c.missing[0]).toBe("20 of 20 problems (100%) could not be attempted, more than the allowed 10%: 20 model endpoint unreachable (endpoint-unreachable (test))");
    expect(c.verdict).toMatch(/^Incomplete: 20 of 20 problems/);
    expect(c.notAttempted).toHaveLength(20);
    expect(c.current.graded).toBe(0);
    expect(c.newlyFailing).toEqual([]); // not attempted is not failing
  });

  it("within the allowance, not-attempted problems are left out and the rest decides", () => {
    // 2 of 20 not attempted (10%, allowed), 7 newly failing among the 18 graded.
    const extra: Record<string, Partial<ProblemOpts>> = { p19: { notAttempted: "sandbox-unavailable" }, p20: { notAttempted: "budget-exhausted" } };
    const c = compareResults(run(20, (i) => i >= 7, extra), baseline, { maxDropPct: 5 });
    expect(c.incomplete).toBe(false);
    expect(c.paired).toMatchObject({ shared: 18, newlyFailing: 7, newlyPassing: 0 });
    expect(c.decision).toBe("regression");
    expect(c.notAttempted.map((p) => [p.id, p.cause])).toEqual([["p19", "sandbox-unavailable"], ["p20", "budget-exhausted"]]);
    // 3 of 20 is more than 10%.
    const more = compareResults(run(20, (i) => i >= 7, { ...extra, p18: { notAttempted: "deadline" } }), baseline, { maxDropPct: 5 });
    expect(more.decision).toBe("incomplete");
    expect(more.missing[0]).toMatch(/^3 of 20 problems \(15%\) could not be attempted, more than the allowed 10%: 1 model budget exhausted \(budget-exhausted \(test\)\), 1 evaluation deadline reached/);
  });

  it("too few problems graded in both runs: the baseline's own gaps count too", () => {
    const extra: Record<string, Partial<ProblemOpts>> = {};
    for (const id of ["p01", "p02", "p03"]) extra[id] = { notAttempted: "interrupted" };
    const holed = run(20, () => true, extra);
    const c = compareResults(run(20, () => true), holed, { maxDropPct: 5 });
    expect(c.decision).toBe("incomplete");
    expect(c.missing[0]).toBe("only 17 of the 20 problems in both runs were graded in both (at least 90% needed); the baseline could not attempt 3: 3 run interrupted (interrupted (test))");
  });

  it("no problem in both runs: incomplete, naming why", () => {
    const other = results([problem({ id: "zz" })], config(["zz"]));
    expect(compareResults(other, run(4, () => true), { maxDropPct: 5 }).missing).toEqual(["no problem was evaluated in both this run and the baseline"]);
  });

  it("a run on its own is incomplete beyond the allowance", () => {
    const extra = { p01: { notAttempted: "authentication" as const }, p02: { notAttempted: "authentication" as const } };
    expect(runIncompleteness(run(10, () => true, extra))).toBe("2 of 10 problems (20%) could not be attempted, more than the allowed 10%: 2 model endpoint refused the credentials (authentication (test))");
    expect(runIncompleteness(run(10, () => true, extra), 20)).toBeNull();
    expect(runIncompleteness(run(10, () => true))).toBeNull();
  });
});

describe("compareResults: small sets decide problem by problem", () => {
  const ids = ["p1", "p2", "p3", "p4", "p5"];
  const five = (over: Record<string, Partial<ProblemOpts>> = {}) => results(ids.map((id) => problem({ id, ...over[id] })), config(ids));

  it("a problem that passed, fails now and on its --confirm retry is a regression, named with its evidence", () => {
    const c = compareResults(five({ p3: { passed: false, confirm: [false] } }), five(), { maxDropPct: 5 });
    expect(c.decision).toBe("regression");
    expect(c.incomplete).toBe(false);
    expect(c.rule).toBe("per-problem");
    expect(c.ruleReason).toBe(
      "only 5 problems are graded in both runs, too few to test statistically (McNemar's test needs at least 6 to ever reject at alpha 0.05), so each problem that passed in the baseline and fails now, and again on its --confirm retries, is a regression on its own",
    );
    expect(c.newlyFailing.map((p) => [p.id, p.confirmedBy])).toEqual([["p3", 1]]);
    expect(c.verdict).toBe(
      "Regression: 1 problem passed in the baseline and fails now: p3 (before passes: hidden 5/5 passed; now fails: hidden 3/5 passed (hidden-4: wrong-answer), and on 1 retry) (5 problems graded in both runs, too few to test statistically; decided problem by problem).",
    );
  });

  it("the same run twice is no regression, by the per-problem rule, never incomplete", () => {
    const c = compareResults(five(), five(), { maxDropPct: 5 });
    expect([c.decision, c.rule, c.missing]).toEqual(["no-regression", "per-problem", []]);
    expect(c.verdict).toBe("No regression: no problem that passed in the baseline fails now (5 problems graded in both runs, too few to test statistically; decided problem by problem).");
  });

  it("a failure that passes on its retry is flaky: no regression; an unconfirmed one still counts, and says so", () => {
    expect(compareResults(five({ p2: { passed: false, confirm: [true] } }), five(), { maxDropPct: 5 }).decision).toBe("no-regression");
    const unconfirmed = compareResults(five({ p2: { passed: false } }), five(), { maxDropPct: 5 });
    expect(unconfirmed.decision).toBe("regression");
    expect(unconfirmed.verdict).toContain("p2 (before passes: hidden 5/5 passed; now fails: hidden 3/5 passed (hidden-4: wrong-answer); not confirmed: no --confirm retry)");
  });

  it("an outage on a small set is still incomplete, with its cause", () => {
    const c = compareResults(five({ p1: { notAttempted: "endpoint-unreachable" }, p2: { notAttempted: "endpoint-unreachable" } }), five(), { maxDropPct: 5 });
    expect([c.decision, c.rule]).toEqual(["incomplete", "none"]);
    expect(c.missing[0]).toMatch(/^2 of 5 problems \(40%\) could not be attempted, more than the allowed 10%: 2 model endpoint unreachable/);
  });

  it("six or more shared problems: McNemar decides, and one newly failing problem is no regression", () => {
    const six = ["p1", "p2", "p3", "p4", "p5", "p6"];
    const mk = (fail: string[]) => results(six.map((id) => problem({ id, passed: !fail.includes(id), ...(fail.includes(id) ? { confirm: [false] } : {}) })), config(six));
    const c = compareResults(mk(["p3"]), mk([]), { maxDropPct: 5 });
    expect([c.decision, c.rule]).toEqual(["no-regression", "mcnemar"]);
  });

  it("a time limit that passes with the scaled limit on retry is timing-sensitive, not a regression", () => {
    const current = five({ p4: { passed: false } });
    const p4 = current.problems.find((p) => p.id === "p4")!;
    p4.selected = { ...p4.selected, firstFailure: "hidden-2: time-limit", timingSensitive: true };
    const c = compareResults(results(current.problems, config(ids)), five(), { maxDropPct: 5 });
    expect(c.decision).toBe("no-regression");
    expect(c.timingSensitive.map((p) => p.id)).toEqual(["p4"]);
    expect(c.newlyFailing).toEqual([]);
  });
});
