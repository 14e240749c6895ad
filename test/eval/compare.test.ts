import { describe, expect, it } from "vitest";
import { compareResults, wilsonInterval } from "../../src/eval/compare.ts";
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

function run(pass: Record<string, boolean>, over: Parameters<typeof config>[1] = {}, cost = 0.01) {
  const ids = Object.keys(pass);
  return results(ids.map((id) => problem({ id, passed: pass[id], costUsd: cost })), config(ids, over));
}

describe("compareResults", () => {
  const baseline = run({ a: true, b: true, c: true, d: false, e: true, f: false, g: true, h: true, i: true, j: true });

  it("lists newly failing first-class, sorted, and newly passing, with their hidden-test results", () => {
    const current = run({ a: true, b: false, c: false, d: true, e: true, f: false, g: true, h: true, i: true, j: true });
    const c = compareResults(current, baseline, { maxDropPct: 5 });
    expect(c.newlyFailing.map((x) => x.id)).toEqual(["b", "c"]);
    expect(c.newlyFailing[0]).toMatchObject({ now: "fails 2/5 (hidden-4: wrong-answer)", before: "passes 5/5" });
    expect(c.newlyPassing.map((x) => x.id)).toEqual(["d"]);
    expect(c.commonRate.deltaPp).toBe(-10);
    expect(c.regression).toBe(true);
    expect(c.verdict).toMatch(/dropped 10 points on 10 common problems \(allowed: 5\)/);
  });

  it("is a regression only for a drop strictly beyond the threshold", () => {
    const current = run({ a: true, b: false, c: true, d: false, e: true, f: false, g: true, h: true, i: true, j: true });
    expect(compareResults(current, baseline, { maxDropPct: 10 }).regression).toBe(false);
    expect(compareResults(current, baseline, { maxDropPct: 9.99 }).regression).toBe(true);
    expect(compareResults(baseline, baseline, { maxDropPct: 0 }).regression).toBe(false);
  });

  it("measures the drop on common problems only: added or removed problems never look like a regression", () => {
    const current = run({ a: true, b: true, c: true, d: false, e: true, f: false, g: true, h: true, i: true, j: true, k: false, l: false, m: false });
    const c = compareResults(current, baseline, { maxDropPct: 0 });
    expect(c.current.rate).toBeCloseTo(8 / 13);
    expect(c.commonRate.deltaPp).toBe(0);
    expect(c.regression).toBe(false);
    expect(c.added).toEqual(["k", "l", "m"]);
    const fewer = run({ a: true, b: true });
    const d = compareResults(fewer, baseline, { maxDropPct: 0 });
    expect(d.removed).toEqual(["c", "d", "e", "f", "g", "h", "i", "j"]);
    expect(d.common).toBe(2);
    expect(d.regression).toBe(false);
  });

  it("reports cost change, baselines' rates, the interval, and configuration changes", () => {
    const current = run({ a: true, b: true, c: true, d: false, e: true, f: false, g: true, h: true, i: true, j: true }, { model: "new-model", settings: { samples: 16, rounds: 2, selection: "sstar", temperature: 0.7 } }, 0.02);
    const c = compareResults(current, baseline, { maxDropPct: 5 });
    expect(c.cost).toEqual({ current: 0.2, baseline: 0.1, deltaUsd: 0.1, deltaPct: 100 });
    expect(c.current.baselines).toEqual({ first: 0.8, majority: 0.8 });
    expect(c.current.ci.low).toBeCloseTo(wilsonInterval(8, 10).low);
    expect(c.configChanges).toEqual(["model: gpt-test → new-model", "samples: 8 → 16"]);
  });

  it("refuses a negative threshold", () => {
    expect(() => compareResults(baseline, baseline, { maxDropPct: -1 })).toThrow(/--max-drop/);
  });
});
