// McNemar's exact test for two runs graded on the same problems: only the discordant pairs (solved
// in one run, not in the other) carry information. Under "no change" each discordant problem is
// equally likely to go either way, so the count that went one way is Binomial(b + c, 1/2).

/** Two-sided exact p-value for `b` pairs changed one way and `c` the other (1 when there are none). */
export function mcnemarExactP(b: number, c: number): number {
  if (!Number.isInteger(b) || !Number.isInteger(c) || b < 0 || c < 0) throw new Error(`discordant counts must be whole numbers >= 0, got ${b} and ${c}`);
  const n = b + c;
  if (n === 0) return 1;
  // P(X <= min(b, c)) for X ~ Binomial(n, 1/2). Term by term from 2^-n (exact for small n); in log
  // space once 2^-n would underflow.
  const k = Math.min(b, c);
  let tail = 0;
  if (n <= 1000) {
    let term = 0.5 ** n;
    for (let i = 0; i <= k; i++) {
      tail += term;
      term = (term * (n - i)) / (i + 1);
    }
  } else {
    const logHalfN = -n * Math.LN2;
    let logChoose = 0;
    for (let i = 0; i <= k; i++) {
      if (i > 0) logChoose += Math.log(n - i + 1) - Math.log(i);
      tail += Math.exp(logChoose + logHalfN);
    }
  }
  return Math.min(1, 2 * tail);
}

/** The fewest discordant pairs, all one way, for which the test can reject at `alpha`. */
export function minDiscordantToReject(alpha: number): number {
  if (!(alpha > 0 && alpha < 1)) throw new Error(`alpha must be between 0 and 1, got ${alpha}`);
  // All n one way: p = 2 / 2^n.
  let n = 1;
  while (2 / 2 ** n > alpha) n++;
  return n;
}
