// The calibrated confidence of a pick: the probability that the selected program is correct given
// what the run saw. A logistic model over a handful of named features of the evidence (cluster
// sizes, public tests, judge votes and splits, inputs, errors, how many samples); its coefficients
// live in confidence-model.ts, fitted on the development data by `npm run fit:confidence`
// (docs/selection.md, "Confidence"). Pure: the engine, the stop rule and the benchmark all call it.
import { CONFIDENCE_MODEL as FITTED } from "./confidence-model.ts";

/** What a pick rests on, counted the same way by selection (sstar/pick.ts) and the stop rule (waves.ts). */
export interface PickEvidence {
  /** Candidates drawn that hold a program. */
  candidates: number;
  /** Of those, the ones selection kept (every public test passed; with `fallback`, the best pass rate). */
  kept: number;
  /** No candidate passed every public test. */
  fallback: boolean;
  /** Sizes of every cluster of the kept candidates. */
  clusterSizes: number[];
  /** Size of the chosen cluster. */
  chosenSize: number;
  /** The chosen cluster's posterior (sizes, errors and judge votes; with no votes, its prior). */
  posterior: number;
  /** Decisive judge votes for and against the chosen cluster in cluster matches. */
  votesFor: number;
  votesAgainst: number;
  /** Cluster matches played, and of those the ones whose verdict was a split or a tie. */
  matches: number;
  splitMatches: number;
  /** Distinct programs (by code) in the chosen cluster. */
  distinctPrograms: number;
  /** Synthesized inputs clustered on, and those dropped as suspect. */
  trusted: number;
  suspect: number;
  /** Trusted inputs on which the chosen cluster's representative errors. */
  chosenErrors: number;
}

export const FEATURE_NAMES = [
  "posteriorLogit",
  "chosenShare",
  "keptShare",
  "logKept",
  "logClusters",
  "noPublicPass",
  "judgeMargin",
  "splitShare",
  "logDistinctPrograms",
  "suspectShare",
  "chosenErrorShare",
] as const;
export type FeatureName = (typeof FEATURE_NAMES)[number];
export type Features = Record<FeatureName, number>;

export interface ConfidenceModel {
  intercept: number;
  coefficients: Record<FeatureName, number>;
  /** Feature means and standard deviations the coefficients apply to (standardized features). */
  mean: Record<FeatureName, number>;
  scale: Record<FeatureName, number>;
}

const logit = (p: number): number => {
  const q = Math.min(1 - 1e-3, Math.max(1e-3, p));
  return Math.log(q / (1 - q));
};

/** The named features of a pick's evidence (what the model reads, each a plain number). */
export function confidenceFeatures(e: PickEvidence): Features {
  const kept = Math.max(1, e.kept);
  const votes = e.votesFor + e.votesAgainst;
  const inputs = e.trusted + e.suspect;
  return {
    posteriorLogit: logit(e.posterior),
    chosenShare: e.chosenSize / kept,
    keptShare: e.candidates > 0 ? e.kept / e.candidates : 0,
    logKept: Math.log(kept),
    logClusters: Math.log(Math.max(1, e.clusterSizes.length)),
    noPublicPass: e.fallback ? 1 : 0,
    // In [-1, 1]: +1 all votes for the pick, -1 all against; 0 with no vote.
    judgeMargin: votes === 0 ? 0 : (e.votesFor - e.votesAgainst) / votes,
    splitShare: e.matches === 0 ? 0 : e.splitMatches / e.matches,
    logDistinctPrograms: Math.log(Math.max(1, e.distinctPrograms)),
    suspectShare: inputs === 0 ? 0 : e.suspect / inputs,
    chosenErrorShare: e.trusted === 0 ? 0 : e.chosenErrors / e.trusted,
  };
}

/** The shipped model: the coefficients `npm run fit:confidence` wrote. */
export const CONFIDENCE_MODEL: ConfidenceModel = FITTED;

/** The model's probability for one feature vector. */
export function predict(model: ConfidenceModel, f: Features): number {
  let z = model.intercept;
  for (const name of FEATURE_NAMES) {
    const sd = model.scale[name];
    z += model.coefficients[name] * ((f[name] - model.mean[name]) / (sd > 0 ? sd : 1));
  }
  return 1 / (1 + Math.exp(-z));
}

/** The calibrated confidence of a pick (the shipped model, confidence-model.ts). */
export function confidenceOf(e: PickEvidence, model: ConfidenceModel = CONFIDENCE_MODEL): number {
  return predict(model, confidenceFeatures(e));
}

/**
 * The default `--min-confidence`: below it the outcome is `uncertain` (no pull request). Chosen on
 * the precision/coverage curve of `npm run bench:selection` (BENCHMARKS.md, "Confidence"): on the
 * HumanEval pool at judge accuracy 0.8 (fitting draws, N=16) 0.65 answers 73% of the draws, cuts
 * the wrong picks among the answered to 0.48 of the rate without abstaining, and abstains on 5% of
 * the right picks; 0.5 cut them only to 0.57, 0.75 to 0.32 but abstained on 15% of the right ones.
 */
export const DEFAULT_MIN_CONFIDENCE = 0.65;
