// Calibration and abstention figures for bench:selection and fit:confidence (pure): expected
// calibration error over 10 bins, the reliability diagram's bins and its SVG, precision at each
// coverage (the risk-coverage curve), the figures at one threshold, and the logistic fit.
import { Matrix, solve } from "ml-matrix";

/** One pick: its confidence and whether the picked program is correct (false when no program is). */
export interface Scored {
  p: number;
  hit: boolean;
}

export interface Bin {
  lo: number;
  hi: number;
  count: number;
  meanConfidence: number;
  accuracy: number;
}

/** Equal-width bins over [0, 1] (the last one closed), empty ones included. */
export function reliabilityBins(points: readonly Scored[], bins = 10): Bin[] {
  const out: Bin[] = Array.from({ length: bins }, (_, b) => ({ lo: b / bins, hi: (b + 1) / bins, count: 0, meanConfidence: 0, accuracy: 0 }));
  for (const { p, hit } of points) {
    const b = out[Math.min(bins - 1, Math.max(0, Math.floor(p * bins)))]!;
    b.count++;
    b.meanConfidence += p;
    b.accuracy += hit ? 1 : 0;
  }
  for (const b of out) {
    if (b.count > 0) {
      b.meanConfidence /= b.count;
      b.accuracy /= b.count;
    }
  }
  return out;
}

/** Expected calibration error: Σ_bins (count / n) · |accuracy − mean confidence|. */
export function expectedCalibrationError(points: readonly Scored[], bins = 10): number {
  if (points.length === 0) return 0;
  return reliabilityBins(points, bins).reduce((s, b) => s + (b.count / points.length) * Math.abs(b.accuracy - b.meanConfidence), 0);
}

/**
 * Precision at each coverage: answer only the share `c` of the picks with the highest confidence
 * (ties keep their order), precision = correct among those answered. Coverage 1 = no abstaining.
 */
export function riskCoverage(points: readonly Scored[], coverages: readonly number[]): { coverage: number; precision: number }[] {
  const order = points.map((pt, i) => ({ ...pt, i })).sort((a, b) => b.p - a.p || a.i - b.i);
  return coverages.map((coverage) => {
    const n = Math.max(1, Math.round(coverage * order.length));
    const top = order.slice(0, n);
    return { coverage, precision: top.length === 0 ? 0 : top.filter((x) => x.hit).length / top.length };
  });
}

export interface ThresholdFigures {
  threshold: number;
  /** Share of picks answered (confidence ≥ threshold). */
  coverage: number;
  /** Correct among the answered. */
  precision: number;
  /** Wrong among the answered, and among all picks (no abstaining). */
  wrongAnswered: number;
  wrongAll: number;
  /** Share of the correct picks abstained on. */
  abstainedCorrect: number;
}

export function atThreshold(points: readonly Scored[], threshold: number): ThresholdFigures {
  const answered = points.filter((x) => x.p >= threshold);
  const correct = points.filter((x) => x.hit);
  const share = (xs: readonly Scored[], of: number) => (of === 0 ? 0 : xs.length / of);
  return {
    threshold,
    coverage: share(answered, points.length),
    precision: share(answered.filter((x) => x.hit), answered.length),
    wrongAnswered: share(answered.filter((x) => !x.hit), answered.length),
    wrongAll: share(points.filter((x) => !x.hit), points.length),
    abstainedCorrect: share(correct.filter((x) => x.p < threshold), correct.length),
  };
}

export interface LogisticFit {
  intercept: number;
  weights: number[];
  iterations: number;
}

/**
 * Logistic regression by Newton's method (iteratively reweighted least squares) with an L2
 * penalty `l2` on the weights (not the intercept), on standardized features. Converges in a few
 * iterations on a handful of features; the penalty keeps separable data finite.
 */
export function fitLogistic(x: readonly (readonly number[])[], y: readonly boolean[], l2 = 1, maxIterations = 50): LogisticFit {
  const d = (x[0]?.length ?? 0) + 1;
  let beta = new Array<number>(d).fill(0);
  let iterations = 0;
  for (; iterations < maxIterations; iterations++) {
    const grad = new Array<number>(d).fill(0);
    const hess = Matrix.zeros(d, d);
    x.forEach((row, n) => {
      const z = [1, ...row];
      const p = sigmoid(z.reduce((s, v, j) => s + v * beta[j]!, 0));
      const w = Math.max(p * (1 - p), 1e-9);
      for (let j = 0; j < d; j++) {
        grad[j]! += ((y[n] ? 1 : 0) - p) * z[j]!;
        for (let k = 0; k < d; k++) hess.set(j, k, hess.get(j, k) + w * z[j]! * z[k]!);
      }
    });
    for (let j = 1; j < d; j++) {
      grad[j]! -= l2 * beta[j]!;
      hess.set(j, j, hess.get(j, j) + l2);
    }
    const step = solve(hess, Matrix.columnVector(grad)).to1DArray();
    beta = beta.map((b, j) => b + step[j]!);
    if (Math.max(...step.map(Math.abs)) < 1e-8) break;
  }
  return { intercept: beta[0]!, weights: beta.slice(1), iterations };
}

export const sigmoid = (z: number): number => 1 / (1 + Math.exp(-z));

/** A reliability diagram as a small self-contained SVG: one polyline per series over the diagonal. */
export function reliabilitySvg(series: readonly { label: string; bins: readonly Bin[] }[], title: string): string {
  const size = 320;
  const pad = 40;
  const plot = size - 2 * pad;
  const colors = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b"];
  const px = (v: number) => (pad + v * plot).toFixed(1);
  const py = (v: number) => (size - pad - v * plot).toFixed(1);
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${size + 160}" height="${size}" viewBox="0 0 ${size + 160} ${size}" font-family="sans-serif" font-size="11">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="${pad}" y="16">${escapeXml(title)}</text>`,
    `<rect x="${pad}" y="${pad}" width="${plot}" height="${plot}" fill="none" stroke="#888"/>`,
    `<line x1="${px(0)}" y1="${py(0)}" x2="${px(1)}" y2="${py(1)}" stroke="#bbb" stroke-dasharray="4 3"/>`,
  ];
  for (let t = 0; t <= 10; t += 2) {
    parts.push(`<text x="${px(t / 10)}" y="${size - pad + 14}" text-anchor="middle">${(t / 10).toFixed(1)}</text>`);
    parts.push(`<text x="${pad - 6}" y="${py(t / 10)}" text-anchor="end" dominant-baseline="middle">${(t / 10).toFixed(1)}</text>`);
  }
  parts.push(`<text x="${px(0.5)}" y="${size - 6}" text-anchor="middle">confidence</text>`);
  parts.push(`<text x="12" y="${py(0.5)}" transform="rotate(-90 12 ${py(0.5)})" text-anchor="middle">share correct</text>`);
  series.forEach((s, k) => {
    const color = colors[k % colors.length]!;
    const pts = s.bins.filter((b) => b.count > 0);
    parts.push(`<polyline fill="none" stroke="${color}" stroke-width="1.5" points="${pts.map((b) => `${px(b.meanConfidence)},${py(b.accuracy)}`).join(" ")}"/>`);
    for (const b of pts) parts.push(`<circle cx="${px(b.meanConfidence)}" cy="${py(b.accuracy)}" r="${Math.min(5, 1.5 + Math.log10(b.count))}" fill="${color}"/>`);
    parts.push(`<line x1="${size - pad + 12}" y1="${pad + 8 + 16 * k}" x2="${size - pad + 28}" y2="${pad + 8 + 16 * k}" stroke="${color}" stroke-width="2"/>`);
    parts.push(`<text x="${size - pad + 32}" y="${pad + 12 + 16 * k}">${escapeXml(s.label)}</text>`);
  });
  parts.push("</svg>");
  return `${parts.join("\n")}\n`;
}

function escapeXml(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}
