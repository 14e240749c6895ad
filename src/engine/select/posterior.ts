// Combining execution evidence with a noisy judge. Hypothesis H_c: "cluster c is the correct one".
// Prior from execution agreement: P(H_c) ∝ size_c^alpha. A judge vote between clusters c and d is
// right with probability q; under H_x with x outside {c, d} it is a coin flip. q is unknown, so the
// likelihood is integrated over a grid of plausible accuracies (shared by all votes of a problem).
// Ties and invalid answers carry no evidence.

export const JUDGE_ACCURACY_GRID: readonly number[] = [0.6, 0.7, 0.8, 0.9];

export interface Vote {
  /** Cluster positions. */
  winner: number;
  loser: number;
}

export function posterior(
  prior: readonly number[],
  votes: readonly Vote[],
  grid: readonly number[] = JUDGE_ACCURACY_GRID,
): number[] {
  const k = prior.length;
  const marginal = new Array<number>(k).fill(0);
  for (const q of grid) {
    for (let x = 0; x < k; x++) {
      let l = 1;
      for (const v of votes) l *= v.winner === x ? q : v.loser === x ? 1 - q : 0.5;
      marginal[x]! += l / grid.length;
    }
  }
  const joint = prior.map((p, x) => p * marginal[x]!);
  const total = joint.reduce((s, v) => s + v, 0);
  return total > 0 ? joint.map((v) => v / total) : prior.map(() => 1 / Math.max(1, k));
}

/**
 * Prior weights from cluster sizes: size^exponent, times exp(-errorPenalty) per input on which
 * the cluster errors while most candidates produce output.
 */
export function sizePrior(sizes: readonly number[], exponent: number, errorsAgainstMajority: readonly number[] = [], errorPenalty = 0): number[] {
  const w = sizes.map((s, g) => Math.pow(s, exponent) * Math.exp(-errorPenalty * (errorsAgainstMajority[g] ?? 0)));
  const total = w.reduce((s, v) => s + v, 0);
  return w.map((v) => v / total);
}

/** Index of the maximum; ties to the earlier position (clusters are ordered largest first). */
export function argmax(values: readonly number[]): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i]! > values[best]! + 1e-12) best = i;
  return best;
}

/** Joint weights w[x][j] ∝ P(H_x) · P(votes | H_x, q = grid[j]) (normalized to sum 1). */
export function jointWeights(prior: readonly number[], votes: readonly Vote[], grid: readonly number[] = JUDGE_ACCURACY_GRID): number[][] {
  const w = prior.map((p, x) =>
    grid.map((q) => {
      let l = p / grid.length;
      for (const v of votes) l *= v.winner === x ? q : v.loser === x ? 1 - q : 0.5;
      return l;
    }),
  );
  const total = w.reduce((s, row) => s + row.reduce((a, b) => a + b, 0), 0);
  return total > 0 ? w.map((row) => row.map((v) => v / total)) : w.map((row) => row.map(() => 1 / (prior.length * grid.length)));
}

/**
 * Value of one match (two votes, both orders) between clusters a and b: the expected probability
 * that the most probable cluster is right after the match, minus that probability now. A match
 * whose every outcome leaves the pick unchanged is worth 0: the scheduler spends calls only where
 * they can change the decision, not on coin-flip matches between clusters that can't win.
 */
export function matchValue(
  w: readonly (readonly number[])[],
  a: number,
  b: number,
  grid: readonly number[] = JUDGE_ACCURACY_GRID,
  voteCount = 2,
): number {
  const k = w.length;
  const now = Math.max(...w.map((row) => row.reduce((s, v) => s + v, 0)));
  // P(a wins one vote | H_x, q)
  const pa = (x: number, q: number): number => (x === a ? q : x === b ? 1 - q : 0.5);
  let expected = 0;
  for (let winsA = 0; winsA <= voteCount; winsA++) {
    const ways = binomial(voteCount, winsA);
    const post = new Array<number>(k).fill(0);
    for (let x = 0; x < k; x++) {
      for (let j = 0; j < grid.length; j++) {
        const p = pa(x, grid[j]!);
        post[x]! += w[x]![j]! * ways * Math.pow(p, winsA) * Math.pow(1 - p, voteCount - winsA);
      }
    }
    // Σ_outcomes P(outcome) · max_x P(H_x | outcome) = Σ_outcomes max_x P(H_x, outcome)
    expected += Math.max(...post);
  }
  return expected - now;
}

function binomial(n: number, k: number): number {
  let r = 1;
  for (let i = 1; i <= k; i++) r = (r * (n - k + i)) / i;
  return r;
}

/**
 * The most valuable match among the playable pairs, or null when none is worth more than minGain
 * per match. One match often can't overturn a clearly larger cluster while two can, so a pair is
 * valued at its best gain per match over 1..lookahead consecutive matches (a myopic one-match
 * value would never let a small, right cluster catch up).
 */
export function bestMatch(
  w: readonly (readonly number[])[],
  pairs: readonly (readonly [number, number])[],
  minGain: number,
  lookahead = 1,
  grid: readonly number[] = JUDGE_ACCURACY_GRID,
): { a: number; b: number; gain: number } | null {
  let best: { a: number; b: number; gain: number } | null = null;
  for (const [a, b] of pairs) {
    let gain = 0;
    for (let m = 1; m <= Math.max(1, lookahead); m++) gain = Math.max(gain, matchValue(w, a, b, grid, 2 * m) / m);
    if (gain > minGain + 1e-12 && (best === null || gain > best.gain + 1e-12)) best = { a, b, gain };
  }
  return best;
}
