// Public-test filter: keep the candidates that pass every public test; if none does, fall back to
// those with the best pass rate (and say so).
import type { CandidateInfo } from "./types.ts";

export interface FilterResult {
  kept: CandidateInfo[];
  /** Set when no candidate passed every public test. */
  fallback?: string;
}

function rate(c: CandidateInfo): number {
  // No public tests at all: everybody "passes" (nothing to filter on).
  return c.publicTotal === 0 ? 1 : c.publicPassed / c.publicTotal;
}

export function publicFilter(candidates: readonly CandidateInfo[]): FilterResult {
  if (candidates.length === 0) return { kept: [] };
  const passing = candidates.filter((c) => rate(c) === 1);
  if (passing.length > 0) return { kept: passing };
  const best = Math.max(...candidates.map(rate));
  const kept = candidates.filter((c) => rate(c) === best);
  const first = kept[0]!;
  return {
    kept,
    fallback: `no candidate passed every public test; kept the ${kept.length} with the best pass rate (${first.publicPassed}/${first.publicTotal})`,
  };
}

/** The reference's `first`: lowest index among the best public pass rate. */
export function firstByPublic(candidates: readonly CandidateInfo[]): CandidateInfo | undefined {
  let best: CandidateInfo | undefined;
  for (const c of [...candidates].sort((x, y) => x.index - y.index)) {
    if (best === undefined || rate(c) > rate(best)) best = c;
  }
  return best;
}
