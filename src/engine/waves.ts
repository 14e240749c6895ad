// Adaptive sampling (`samples: "auto"`): samples are drawn in waves, and after each wave but the
// last a pure stop rule reads the evidence so far (public tests, outputs on the synthesized
// inputs) exactly as selection will, and stops once the would-be pick's calibrated confidence
// reaches the target. Selection then runs once, as usual, over every sample drawn.
import { clusterRows, type Equivalent } from "./select/cluster.ts";
import { CONFIDENCE_MODEL, confidenceOf, type ConfidenceModel, type PickEvidence } from "./select/confidence.ts";
import { publicFilter } from "./select/filter.ts";
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
 * Sampling stops once the calibrated confidence of the would-be pick (select/confidence.ts, the
 * same model that grades the final pick, read with no judge vote yet) reaches this. Chosen on
 * `npm run bench:selection -- --strategies sstar,sstar-adaptive` (BENCHMARKS.md, "Adaptive
 * sampling"): it keeps the share selected correctly within 0.5 points of fixed N=16 on both
 * development sets while drawing far fewer samples on the easy problems.
 */
export const STOP_CONFIDENCE = 0.9;
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
  /** The would-be pick's calibrated confidence (null when there was nothing to pick from). */
  confidence: number | null;
}

/**
 * The evidence a would-be pick rests on, read exactly as selection will read it: the public filter
 * (selection keeps only the samples passing every public test), inputs classified trusted or
 * suspect over the kept samples only, clusters of whole output vectors on the trusted inputs, the
 * prior from sizes and errors, the most probable cluster; no judge vote yet. A string when no
 * sample passes every public test (nothing to stop on).
 */
export function waveEvidence(evidence: WaveEvidence): PickEvidence | string {
  const { candidates, cells, inputCount, equivalent } = evidence;
  const { kept: keptCandidates, fallback } = publicFilter(candidates);
  if (fallback !== undefined || keptCandidates.length === 0) return "no sample passes every public test";
  const kept = keptCandidates.map((c) => candidates.indexOf(c));
  const keptCells = kept.map((p) => cells[p]!);
  const { trusted, suspect } = classifyInputs(keptCells, inputCount);
  const groups = clusterRows(keptCells, trusted, equivalent);
  groups.sort((x, y) => y.length - x.length || x[0]! - y[0]!);
  const ran = trusted.map((i) => keptCells.filter((row) => row[i]?.ok === true).length / kept.length);
  const errors = groups.map((g) => trusted.filter((i, k) => keptCells[g[0]!]![i]?.ok !== true && ran[k]! > 0.5).length);
  const post = posterior(sizePrior(groups.map((g) => g.length), 1, errors, DEFAULT_ERROR_PENALTY), []);
  const lead = argmax(post);
  return {
    candidates: candidates.length,
    kept: kept.length,
    fallback: false,
    clusterSizes: groups.map((g) => g.length),
    chosenSize: groups[lead]!.length,
    posterior: post[lead]!,
    ...{ votesFor: 0, votesAgainst: 0, matches: 0, splitMatches: 0 },
    distinctPrograms: new Set(groups[lead]!.map((p) => candidates[kept[p]!]!.code)).size,
    trusted: trusted.length,
    suspect: suspect.length,
    chosenErrors: trusted.filter((i) => keptCells[groups[lead]![0]!]![i]?.ok !== true).length,
  };
}

/**
 * The stop rule after wave `wave` (1-based) of `waves`: stop when the would-be pick's calibrated
 * confidence (waveEvidence, read by `model`) reaches `target`. Two floors come first, as agreement
 * needs something to agree on: a trusted synthesized input, and two samples in the pick's cluster.
 */
export function waveDecision(evidence: WaveEvidence, wave: number, waves: number, target: number = STOP_CONFIDENCE, model: ConfidenceModel = CONFIDENCE_MODEL): WaveDecision {
  const at = `after wave ${wave} of ${waves}`;
  const e = waveEvidence(evidence);
  if (typeof e === "string") return { stop: false, reason: `${at}: ${e}`, confidence: null };
  if (e.trusted === 0) return { stop: false, reason: `${at}: no trusted synthesized input to compare the samples on`, confidence: null };
  const confidence = confidenceOf(e, model);
  const clusters = e.clusterSizes.length;
  const holds = `the would-be pick's cluster holds ${e.chosenSize} of ${e.kept} public-passing samples (${clusters} cluster${clusters === 1 ? "" : "s"}; ${e.candidates} drawn)`;
  // Two decimals, rounded towards the verdict (0.899 is not shown as 0.90 < 0.9).
  const shown = (confidence >= target ? confidence : Math.floor(confidence * 100 + 1e-9) / 100).toFixed(2);
  if (e.chosenSize < 2) return { stop: false, reason: `${at}: ${holds}, fewer than 2`, confidence };
  if (confidence < target) return { stop: false, reason: `${at}: ${holds}, confidence ${shown} < ${target}`, confidence };
  return { stop: true, reason: `${at}: ${holds}, confidence ${shown} ≥ ${target}`, confidence };
}
