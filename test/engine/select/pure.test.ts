import { describe, expect, it } from "vitest";
import { publicFilter } from "../../../src/engine/select/filter.ts";
import { classifyInputs, SUSPECT_ERROR_SHARE } from "../../../src/engine/select/inputs.ts";
import { clusterRows, distinguishingInputs } from "../../../src/engine/select/cluster.ts";
import { argmax, bestMatch, jointWeights, matchValue, posterior, sizePrior } from "../../../src/engine/select/posterior.ts";
import { scoreVerdicts } from "../../../src/engine/select/reference.ts";
import { codetPick } from "../../../bench/selection/codet.ts";
import type { Cell } from "../../../src/engine/select/index.ts";

const ok = (output: string): Cell => ({ ok: true, output });
const err: Cell = { ok: false, output: "error: IndexError" };
const eq = (x: string, y: string) => x === y;

describe("publicFilter", () => {
  it("keeps the candidates passing every public test", () => {
    const r = publicFilter([
      { index: 0, code: "a", publicPassed: 1, publicTotal: 2 },
      { index: 1, code: "b", publicPassed: 2, publicTotal: 2 },
    ]);
    expect(r.kept.map((c) => c.index)).toEqual([1]);
    expect(r.fallback).toBeUndefined();
  });
  it("falls back to the best pass rate and says so", () => {
    const r = publicFilter([
      { index: 0, code: "a", publicPassed: 0, publicTotal: 3 },
      { index: 1, code: "b", publicPassed: 2, publicTotal: 3 },
      { index: 2, code: "c", publicPassed: 2, publicTotal: 3 },
    ]);
    expect(r.kept.map((c) => c.index)).toEqual([1, 2]);
    expect(r.fallback).toMatch(/no candidate passed every public test.*2\/3/);
  });
  it("keeps everyone when there are no public tests", () => {
    const r = publicFilter([{ index: 0, code: "a", publicPassed: 0, publicTotal: 0 }]);
    expect(r.kept).toHaveLength(1);
    expect(r.fallback).toBeUndefined();
  });
});

describe("classifyInputs", () => {
  it("marks an input as suspect when at least the threshold share of candidates errors", () => {
    // input 0: all run; input 1: 3 of 4 error; input 2: 1 of 4 errors; input 3: everyone errors
    const cells = [
      [ok("1"), err, ok("a"), err],
      [ok("1"), err, ok("a"), err],
      [ok("1"), err, err, err],
      [ok("2"), ok("z"), ok("a"), err],
    ];
    const r = classifyInputs(cells, 4);
    expect(r.trusted).toEqual([0, 2]);
    expect(r.suspect.map((s) => s.index)).toEqual([1, 3]);
    expect(r.suspect[1]!.reason).toMatch(/every candidate errored/);
    expect(classifyInputs(cells, 4, 1).trusted).toEqual([0, 1, 2]);
    expect(SUSPECT_ERROR_SHARE).toBeGreaterThan(0);
  });
});

describe("clusterRows and distinguishingInputs", () => {
  const rows = [
    [ok("1"), ok("2"), err],
    [ok("1"), ok("3"), err],
    [ok("1"), ok("2"), err],
    [ok("9"), ok("2"), ok("0")],
  ];
  it("clusters on the whole vector, largest first, errors equal to errors", () => {
    expect(clusterRows(rows, [0, 1, 2], eq)).toEqual([[0, 2], [1], [3]]);
  });
  it("clusters only on the given inputs", () => {
    expect(clusterRows(rows, [0], eq)).toEqual([[0, 1, 2], [3]]);
  });
  it("orders distinguishing inputs shortest first", () => {
    const text = ["long input", "mid", "x"];
    expect(distinguishingInputs(rows[0]!, rows[3]!, [0, 1, 2], text, eq)).toEqual([2, 0]);
    expect(distinguishingInputs(rows[0]!, rows[2]!, [0, 1, 2], text, eq)).toEqual([]);
  });
});

describe("posterior", () => {
  it("is the size prior without votes", () => {
    const prior = sizePrior([6, 2], 1);
    expect(posterior(prior, [])).toEqual([0.75, 0.25]);
  });
  it("two agreeing votes overturn a 3:1 size prior; a split does not", () => {
    const prior = sizePrior([6, 2], 1);
    const agree = posterior(prior, [
      { winner: 1, loser: 0 },
      { winner: 1, loser: 0 },
    ]);
    expect(argmax(agree)).toBe(1);
    const split = posterior(prior, [
      { winner: 1, loser: 0 },
      { winner: 0, loser: 1 },
    ]);
    expect(argmax(split)).toBe(0);
    expect(split[0]).toBeCloseTo(0.75);
  });
  it("a vote between two clusters says nothing about a third beyond a coin flip", () => {
    const p = posterior([1 / 3, 1 / 3, 1 / 3], [{ winner: 0, loser: 1 }]);
    expect(p[0]).toBeGreaterThan(p[2]!);
    expect(p[2]).toBeGreaterThan(p[1]!);
  });
});

describe("reference scoring", () => {
  it("scores consistent wins, double ties and contradictions as the reference does", () => {
    expect(scoreVerdicts("first", "second")).toEqual({ a: 1, b: 0 });
    expect(scoreVerdicts("second", "first")).toEqual({ a: 0, b: 1 });
    expect(scoreVerdicts("tie", "tie")).toEqual({ a: 0.5, b: 0.5 });
    expect(scoreVerdicts("first", "first")).toEqual({ a: 0, b: 0 });
    expect(scoreVerdicts("first", "tie")).toEqual({ a: 0, b: 0 });
  });
});

describe("codetPick (benchmark baseline)", () => {
  it("scores groups by size x tests passed", () => {
    // group "110" (2 programs x 2 tests = 4) beats "111" (1 x 3 = 3) and "000"
    expect(codetPick([
      { index: 0, passes: "111" },
      { index: 1, passes: "110" },
      { index: 2, passes: "110" },
      { index: 3, passes: "000" },
    ])).toBe(1);
    expect(codetPick([])).toBeNull();
  });
});

describe("match value", () => {
  it("joint weights marginalize to the posterior", () => {
    const prior = [0.5, 0.3, 0.2];
    const votes = [{ winner: 1, loser: 0 }, { winner: 1, loser: 0 }, { winner: 2, loser: 1 }];
    const w = jointWeights(prior, votes);
    const post = posterior(prior, votes);
    w.forEach((row, x) => expect(row.reduce((s, v) => s + v, 0)).toBeCloseTo(post[x]!, 12));
  });
  it("is never negative, and zero when no outcome can change the pick", () => {
    // A dominant leader: two votes against it can't overturn it.
    const w = jointWeights([0.9, 0.05, 0.05], []);
    expect(matchValue(w, 0, 1)).toBeCloseTo(0, 12);
    expect(matchValue(w, 1, 2)).toBeCloseTo(0, 12);
    // More votes (two matches in a row) can.
    expect(matchValue(w, 0, 1, undefined, 8)).toBeGreaterThan(0);
  });
  it("prefers the match between the two contenders to a match between outsiders", () => {
    const w = jointWeights([0.4, 0.35, 0.15, 0.1], []);
    const best = bestMatch(w, [[0, 1], [2, 3], [0, 3]], 0);
    expect(best).not.toBeNull();
    expect([best!.a, best!.b]).toEqual([0, 1]);
    expect(best!.gain).toBeCloseTo(matchValue(w, 0, 1), 12);
  });
  it("returns null when no match is worth more than minGain", () => {
    const w = jointWeights([0.9, 0.05, 0.05], []);
    expect(bestMatch(w, [[0, 1], [1, 2]], 0, 1)).toBeNull();
    expect(bestMatch(w, [[0, 1]], 0, 4)).not.toBeNull();
  });
});
