// Adaptive sampling's wave plan and stop rule (pure functions).
import { describe, expect, it } from "vitest";
import { confidenceOf, FEATURE_NAMES, type ConfidenceModel, type FeatureName } from "../../src/engine/select/confidence.ts";
import type { CandidateInfo, Cell } from "../../src/engine/select/types.ts";
import { STOP_CONFIDENCE, waveDecision, waveEvidence, wavePlan } from "../../src/engine/waves.ts";

const ok = (output: string): Cell => ({ ok: true, output });
const crash: Cell = { ok: false, output: "runtime-error" };
const same = (x: string, y: string) => x === y;

/** Candidates from (passes the public tests?, outputs on the inputs). */
function evidence(rows: [boolean, Cell[]][]) {
  const candidates: CandidateInfo[] = rows.map(([pass], index) => ({ index, code: `p${index}`, publicPassed: pass ? 2 : 1, publicTotal: 2 }));
  return { candidates, cells: rows.map(([, cells]) => cells), inputCount: rows[0]?.[1].length ?? 0, equivalent: same };
}

const zeros = Object.fromEntries(FEATURE_NAMES.map((n) => [n, 0])) as Record<FeatureName, number>;
const ones = Object.fromEntries(FEATURE_NAMES.map((n) => [n, 1])) as Record<FeatureName, number>;
/** A model whose confidence is the chosen cluster's posterior (logit in, logit out): the rule's arithmetic alone. */
const posteriorModel: ConfidenceModel = { intercept: 0, coefficients: { ...zeros, posteriorLogit: 1 }, mean: zeros, scale: ones };

describe("wavePlan", () => {
  it("is 4, 4, 8 for the default 16, doubles the samples drawn after that, and trims the last wave to the bound", () => {
    expect(wavePlan(16)).toEqual([4, 4, 8]);
    expect(wavePlan(64)).toEqual([4, 4, 8, 16, 32]);
    expect(wavePlan(10)).toEqual([4, 4, 2]);
    expect(wavePlan(3)).toEqual([3]);
    expect(wavePlan(1)).toEqual([1]);
  });
});

describe("waveEvidence: the evidence read exactly as selection will read it", () => {
  const agree = (pass = true): [boolean, Cell[]] => [pass, [ok("1"), ok("2")]];
  const other = (pass = true): [boolean, Cell[]] => [pass, [ok("1"), ok("3")]];

  it("counts every sample drawn, keeps the public-passing ones, clusters them and takes the most probable cluster", () => {
    expect(waveEvidence(evidence([agree(), agree(), agree(), other(), agree(false)]))).toEqual({
      candidates: 5,
      kept: 4,
      fallback: false,
      clusterSizes: [3, 1],
      chosenSize: 3,
      posterior: 0.75,
      votesFor: 0,
      votesAgainst: 0,
      matches: 0,
      splitMatches: 0,
      distinctPrograms: 3,
      trusted: 2,
      suspect: 0,
      chosenErrors: 0,
    });
  });

  it("regression: classifies inputs over the public-passing samples only, as selection does", () => {
    // Input 2 crashes 3 of 5 samples, but only 1 of the 3 that pass the public tests: selection
    // (over the kept 3) trusts it and sees two clusters of the kept samples; classifying over all
    // 5 (60% < 75%) would agree here, so take a case where it does not: 4 failing samples crash.
    const rows: [boolean, Cell[]][] = [
      [true, [ok("1"), ok("a")]],
      [true, [ok("1"), ok("a")]],
      [true, [ok("1"), crash]],
      [false, [ok("1"), crash]],
      [false, [ok("1"), crash]],
      [false, [ok("1"), crash]],
      [false, [ok("1"), crash]],
    ];
    // Over all 7, input 2 crashes 5 (71%)... and 6 of 8 below: suspect over all, trusted over the kept.
    rows.push([false, [ok("1"), crash]]);
    const e = waveEvidence(evidence(rows));
    expect(typeof e).toBe("object");
    if (typeof e === "string") return;
    expect(e.trusted).toBe(2);
    expect(e.suspect).toBe(0);
    expect(e.clusterSizes).toEqual([2, 1]);
  });

  it("has nothing to read when no sample passes every public test", () => {
    expect(waveEvidence(evidence([agree(false), agree(false)]))).toBe("no sample passes every public test");
  });
});

describe("waveDecision", () => {
  const agree = (pass = true): [boolean, Cell[]] => [pass, [ok("1"), ok("2")]];
  const other = (pass = true): [boolean, Cell[]] => [pass, [ok("1"), ok("3")]];

  it("stops when the confidence reaches the target and says so", () => {
    const d = waveDecision(evidence([agree(), agree(), agree(), agree()]), 1, 3, 0.9, posteriorModel);
    expect(d.stop).toBe(true);
    expect(d.reason).toBe("after wave 1 of 3: the would-be pick's cluster holds 4 of 4 public-passing samples (1 cluster; 4 drawn), confidence 1.00 ≥ 0.9");
  });

  it("goes on below the target, the shown value rounded towards the verdict", () => {
    const d = waveDecision(evidence([agree(), agree(), agree(), other()]), 1, 3, 0.9, posteriorModel);
    expect(d.stop).toBe(false);
    expect(d.confidence).toBeCloseTo(0.75);
    expect(d.reason).toBe("after wave 1 of 3: the would-be pick's cluster holds 3 of 4 public-passing samples (2 clusters; 4 drawn), confidence 0.75 < 0.9");
  });

  it("reads the shipped model by default: its confidence is confidenceOf the evidence", () => {
    const ev = evidence([agree(), agree(), agree(), other()]);
    const e = waveEvidence(ev);
    if (typeof e === "string") throw new Error(e);
    expect(waveDecision(ev, 1, 3).confidence).toBeCloseTo(confidenceOf(e));
  });

  it("regression: two agreeing samples among four drawn are not a sure pick (the old rule said posterior 1.00 and stopped)", () => {
    const d = waveDecision(evidence([agree(), agree(), agree(false), agree(false)]), 1, 3);
    expect(d.stop).toBe(false);
    expect(d.confidence).toBeLessThan(STOP_CONFIDENCE);
  });

  it("needs two samples in the pick's cluster and a trusted input to compare them on", () => {
    expect(waveDecision(evidence([agree(), other(), agree(false)]), 1, 3, 0, posteriorModel).reason).toMatch(/holds 1 of 2 public-passing samples .*, fewer than 2$/);
    expect(waveDecision({ ...evidence([agree(), agree()]), cells: [[], []], inputCount: 0 }, 1, 3, 0, posteriorModel).reason).toBe(
      "after wave 1 of 3: no trusted synthesized input to compare the samples on",
    );
    // Inputs on which (nearly) every kept sample crashes are suspect, as in selection.
    const crashed = waveDecision(evidence([[true, [crash]], [true, [crash]], [true, [crash]], [true, [crash]]]), 1, 3, 0, posteriorModel);
    expect(crashed.reason).toBe("after wave 1 of 3: no trusted synthesized input to compare the samples on");
  });

  it("goes on when no sample passes every public test", () => {
    expect(waveDecision(evidence([agree(false), agree(false)]), 2, 3).reason).toBe("after wave 2 of 3: no sample passes every public test");
  });
});
