// bench:selection's calibration and abstention figures, and the logistic fit behind the confidence.
import { describe, expect, it } from "vitest";
import { atThreshold, expectedCalibrationError, fitLogistic, reliabilityBins, reliabilitySvg, riskCoverage, sigmoid } from "../../bench/selection/calibration.ts";
import { confidenceRows } from "../../bench/selection/confidence-report.ts";
import { rng } from "../../bench/selection/sim.ts";

describe("expected calibration error", () => {
  it("is 0 when each bin's share correct equals its mean confidence, and the weighted gap otherwise", () => {
    // 0.85 confidence, 9 of 10 right: |0.9 - 0.85| = 0.05; 0.9 and 9 of 10: 0.
    expect(expectedCalibrationError(Array.from({ length: 10 }, (_, i) => ({ p: 0.85, hit: i !== 0 })))).toBeCloseTo(0.05);
    expect(expectedCalibrationError(Array.from({ length: 10 }, (_, i) => ({ p: 0.9, hit: i !== 0 })))).toBeCloseTo(0);
    const points = [
      { p: 0.15, hit: false },
      { p: 0.15, hit: false },
      { p: 0.95, hit: true },
      { p: 0.95, hit: false },
    ];
    // Bin 1: confidence 0.15, accuracy 0 (gap 0.15); bin 9: 0.95 vs 0.5 (gap 0.45); each half the points.
    expect(expectedCalibrationError(points)).toBeCloseTo(0.5 * 0.15 + 0.5 * 0.45);
    expect(expectedCalibrationError([])).toBe(0);
  });

  it("bins 1.0 into the last bin and reports empty bins as empty", () => {
    const bins = reliabilityBins([{ p: 1, hit: true }, { p: 0, hit: false }]);
    expect(bins).toHaveLength(10);
    expect(bins[9]).toMatchObject({ count: 1, meanConfidence: 1, accuracy: 1 });
    expect(bins[0]).toMatchObject({ count: 1, meanConfidence: 0, accuracy: 0 });
    expect(bins.slice(1, 9).every((b) => b.count === 0)).toBe(true);
  });
});

describe("risk-coverage and the figures at a threshold", () => {
  const points = [
    { p: 0.9, hit: true },
    { p: 0.8, hit: true },
    { p: 0.7, hit: false },
    { p: 0.4, hit: true },
    { p: 0.2, hit: false },
  ];
  it("answers the most confident share and measures precision among them", () => {
    expect(riskCoverage(points, [0.4, 0.6, 1])).toEqual([
      { coverage: 0.4, precision: 1 },
      { coverage: 0.6, precision: 2 / 3 },
      { coverage: 1, precision: 0.6 },
    ]);
  });
  it("at a threshold: coverage, precision, wrong answered against wrong overall, correct picks abstained on", () => {
    expect(atThreshold(points, 0.5)).toEqual({ threshold: 0.5, coverage: 0.6, precision: 2 / 3, wrongAnswered: 1 / 3, wrongAll: 0.4, abstainedCorrect: 1 / 3 });
    expect(atThreshold(points, 0)).toMatchObject({ coverage: 1, precision: 0.6 });
  });
  it("groups bench records per data set, strategy and judge accuracy, leaving out strategies without a confidence", () => {
    const base = { dataset: "d", accuracy: 0.8, task: "t", draw: 0, eligible: true, easy: false, drawn: 16 };
    const rows = confidenceRows(
      [
        { ...base, strategy: "sstar", hit: true, confidence: 0.9 },
        { ...base, strategy: "sstar", hit: false, confidence: 0.3 },
        { ...base, strategy: "codet", hit: true, confidence: null },
      ],
      0.5,
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ strategy: "sstar", draws: 2, correctAll: 0.5, atDefault: { coverage: 0.5, precision: 1 } });
  });
});

describe("fitLogistic", () => {
  it("recovers the coefficients of a logistic world", () => {
    const r = rng(7);
    const x: number[][] = [];
    const y: boolean[] = [];
    for (let i = 0; i < 4000; i++) {
      const a = r() * 4 - 2;
      const b = r() * 4 - 2;
      x.push([a, b]);
      y.push(r() < sigmoid(0.5 + 1.5 * a - 1 * b));
    }
    const fit = fitLogistic(x, y, 0);
    expect(fit.intercept).toBeCloseTo(0.5, 0);
    expect(fit.weights[0]).toBeCloseTo(1.5, 0);
    expect(fit.weights[1]).toBeCloseTo(-1, 0);
    // Its predictions are calibrated on its own world.
    const p = x.map((row) => sigmoid(fit.intercept + fit.weights[0]! * row[0]! + fit.weights[1]! * row[1]!));
    expect(expectedCalibrationError(p.map((v, i) => ({ p: v, hit: y[i]! })))).toBeLessThan(0.03);
  });

  it("stays finite on separable data (the L2 penalty)", () => {
    const fit = fitLogistic([[-1], [-0.5], [0.5], [1]], [false, false, true, true], 1);
    expect(Number.isFinite(fit.weights[0])).toBe(true);
    expect(fit.weights[0]).toBeGreaterThan(0);
  });
});

describe("reliabilitySvg", () => {
  it("draws one series per judge accuracy over the diagonal, labels escaped", () => {
    const svg = reliabilitySvg([{ label: "judge <0.8>", bins: reliabilityBins([{ p: 0.75, hit: true }]) }], "t & u");
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    expect(svg).toContain("judge &lt;0.8&gt;");
    expect(svg).toContain("t &amp; u");
    expect(svg.match(/<polyline/g)).toHaveLength(1);
    expect(svg.match(/<circle/g)).toHaveLength(1);
  });
});
