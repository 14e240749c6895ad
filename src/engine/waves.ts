// Adaptive sampling (`samples: "auto"`): samples are drawn in waves, and after each wave but the
// last a pure stop rule reads the evidence so far (public tests, outputs on the synthesized
// inputs) under the selection's own model and decides whether another wave could still change
// the pick. Selection then runs once, as usual, over every sample drawn.
import { clusterRows, type Equivalent } from "./select/cluster.ts";
import { classifyInputs } from "./select/inputs.ts";
import { argmax, posterior, sizePrior } from "./select/posterior.ts";
import { DEFAULT_ERROR_PENALTY } from "./select/sstar.ts";
import type { CandidateInfo, Cell } from "./select/types.ts";

/** Default bound on the samples adaptive sampling may draw (`--max-samples`). */
export const DEFAULT_MAX_SAMPLES = 16;
/** Bounds of `--max-samples` (the same as `--samples`). */
export const MAX_SAMPLES_LIMIT = 64;
/** Size of the first wave. */
export const FIRST_WAVE = 4;
/**
 * Sampling stops once the leading cluster's posterior (over the public-passing samples) reaches
 * this, with at least two public-passing members: 4 of 4 agreeing stop after the first wave, 3 of
 * 4 (0.75) draw another, 7 of 8 (0.875) stop after the second. Measured on bench:cost (HumanEval,
 * 30 problems): 0.85 with rivals allowed drew 5.0 samples on the easy problems against 16, at the
 * same share selected correctly as fixed N=16; requiring no rival at all drew 10.0 (12 problems).
 */
export const STOP_POSTERIOR = 0.85;

/**
 * Wave sizes for at most `maxSamples` samples: 4, then 4, then 8, each wave doubling the samples
 * drawn so far (4, 8, 16, 32, 64 in all), the last one trimmed to the bound.
 */
export function wavePlan(maxSamples: number): number[] {
  const waves: number[] = [];
  let drawn = 0;
  while (drawn < maxSamples) {
    const size = Math.min(drawn === 0 ? FIRST_WAVE : drawn, maxSamples - drawn);
    waves.push(size);
    drawn += size;
  }
  return waves;
}

export interface WaveEvidence {
  /** Every sample drawn so far that produced a program. */
  candidates: readonly CandidateInfo[];
  /** cells[p][i]: candidate p's result on synthesized input i. */
  cells: readonly (readonly Cell[])[];
  inputCount: number;
  equivalent: Equivalent;
}

export interface WaveDecision {
  stop: boolean;
  /** One line: the evidence and the rule's verdict on it. */
  reason: string;
  /** The leading cluster's posterior (null when there was nothing to cluster). */
  posterior: number | null;
}

const passes = (c: CandidateInfo): boolean => c.publicPassed === c.publicTotal;

/**
 * The stop rule after wave `wave` (1-based) of `waves`. Candidates are clustered as selection
 * clusters them (whole output vectors on the trusted synthesized inputs), over the samples that
 * pass every public test (the ones selection keeps); each cluster's posterior is the selection's
 * prior (size, times the error penalty) with no judge votes yet. Stop when the leading cluster's
 * posterior reaches STOP_POSTERIOR and it holds at least two public-passing samples.
 */
export function waveDecision(evidence: WaveEvidence, wave: number, waves: number): WaveDecision {
  const at = `after wave ${wave} of ${waves}`;
  const goOn = (why: string, post: number | null = null): WaveDecision => ({ stop: false, reason: `${at}: ${why}`, posterior: post });
  const { candidates, cells, inputCount, equivalent } = evidence;
  const passing = candidates.filter(passes).length;
  if (passing < 2) return goOn(`${passing} sample${passing === 1 ? "" : "s"} pass${passing === 1 ? "es" : ""} every public test, fewer than 2`);
  const { trusted } = classifyInputs(cells, inputCount);
  if (trusted.length === 0) return goOn("no trusted synthesized input to compare the samples on");
  // Selection keeps only the public-passing samples (its public filter), so the posterior is over
  // their clusters: a sample that fails a public test is no rival, and waiting for it to be
  // outvoted would only buy samples that cannot change the pick.
  const kept = candidates.flatMap((c, p) => (passes(c) ? [p] : []));
  const clusters = clusterRows(kept.map((p) => cells[p]!), trusted, equivalent).map((g) => g.map((i) => kept[i]!));
  clusters.sort((x, y) => y.length - x.length || x[0]! - y[0]!);
  const ran = trusted.map((i) => kept.filter((p) => cells[p]![i]?.ok === true).length / kept.length);
  const errors = clusters.map((g) => trusted.filter((i, k) => cells[g[0]!]![i]?.ok !== true && ran[k]! > 0.5).length);
  const post = posterior(sizePrior(clusters.map((g) => g.length), 1, errors, DEFAULT_ERROR_PENALTY), []);
  const lead = argmax(post);
  const leadPassing = clusters[lead]!.filter((p) => passes(candidates[p]!)).length;
  const others = clusters.filter((g, i) => i !== lead && g.some((p) => passes(candidates[p]!))).length;
  const value = post[lead]!;
  const holds = `the leading cluster holds ${leadPassing} of ${passing} public-passing samples (${clusters.length} cluster${clusters.length === 1 ? "" : "s"} of ${candidates.length})`;
  // Two decimals, rounded towards the verdict (0.899 is not shown as 0.90 < 0.9).
  const shown = (value >= STOP_POSTERIOR ? value : Math.floor(value * 100) / 100).toFixed(2);
  if (leadPassing < 2) return goOn(`${holds}, fewer than 2`, value);
  const rivals = others === 0 ? "" : `; ${others} other cluster${others === 1 ? "" : "s"} pass${others === 1 ? "es" : ""} the public tests too`;
  if (value < STOP_POSTERIOR) return goOn(`${holds}${rivals}, posterior ${shown} < ${STOP_POSTERIOR}`, value);
  return { stop: true, reason: `${at}: ${holds}${rivals}, posterior ${shown} ≥ ${STOP_POSTERIOR}`, posterior: value };
}
