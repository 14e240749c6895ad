// The Wilson score interval: the 95% range a pass rate of k out of n is read with. Used on every
// rate the evaluation reports (a run's results, a merge, the trend, compare, the action's outputs).

export interface Interval {
  low: number;
  high: number;
}

/** Wilson score interval for `successes` of `n` at normal quantile `z` (1.96: 95%). n = 0: [0, 1]. */
export function wilsonInterval(successes: number, n: number, z = 1.96): Interval {
  if (n <= 0) return { low: 0, high: 1 };
  const p = successes / n;
  const z2 = z * z;
  const denom = 1 + z2 / n;
  const center = (p + z2 / (2 * n)) / denom;
  const half = (z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / denom;
  return { low: Math.max(0, center - half), high: Math.min(1, center + half) };
}
