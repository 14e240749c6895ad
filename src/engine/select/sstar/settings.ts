// sstar's options, resolved once into the settings every step reads (docs/selection.md, "Options").
import { SUSPECT_ERROR_SHARE } from "../inputs.ts";
import type { SelectOptions } from "../types.ts";

export const DEFAULT_MAX_INPUTS_PER_MATCH = 3;
export const DEFAULT_ERROR_PENALTY = 0.5;
/** Stop spending the leftover budget once the leader is this sure. */
export const DEFAULT_CONFIDENCE = 0.95;
/**
 * The value schedule values a pair over up to this many consecutive matches, so a small right
 * cluster can still catch up (bench:selection; a `lookahead` option was tried and removed).
 */
export const LOOKAHEAD = 2;

/**
 * Selection calls (synthesis + separate + judge) a problem may spend whatever N is: with few
 * clusters a match's two votes can't overturn a wrong majority, so a few clusters still get room
 * for rematches on fresh distinguishing inputs (and one cluster for a probe and a code review);
 * from 6 clusters on it is 3 x (clusters - 1).
 */
export const MIN_CALL_BUDGET = 15;

/** The bound the docs promise: max(15, 3 x (clusters - 1)) selection calls. */
export function defaultCallBudget(clusters: number): number {
  return clusters < 1 ? 0 : Math.max(MIN_CALL_BUDGET, 3 * (clusters - 1));
}

export interface SstarSettings {
  maxInputsPerMatch: number;
  suspectErrorShare: number;
  errorPenalty: number;
  confidence: number;
  maxSeparateCalls: number;
  probeAgreeing: boolean;
  codeReview: boolean;
  /** Calls allowed for this many clusters, before `reservedCalls` is taken out. */
  callBudget: (clusters: number) => number;
  reservedCalls: number;
}

export function resolveSettings(options: SelectOptions): SstarSettings {
  const multiplier = options.budgetMultiplier ?? 1;
  return {
    maxInputsPerMatch: Math.max(1, options.maxInputsPerMatch ?? DEFAULT_MAX_INPUTS_PER_MATCH),
    suspectErrorShare: options.suspectErrorShare ?? SUSPECT_ERROR_SHARE,
    errorPenalty: options.errorPenalty ?? DEFAULT_ERROR_PENALTY,
    confidence: options.confidence ?? DEFAULT_CONFIDENCE,
    maxSeparateCalls: options.maxSeparateCalls ?? Infinity,
    probeAgreeing: options.probeAgreeing ?? true,
    codeReview: options.codeReview ?? true,
    callBudget: options.callBudget ?? ((clusters) => scaledBudget(clusters, multiplier)),
    reservedCalls: options.reservedCalls ?? 0,
  };
}

/** multiplier x the default bound, whole calls (multiplier 1: the default bound itself). */
export function scaledBudget(clusters: number, multiplier: number): number {
  return Math.floor(multiplier * defaultCallBudget(clusters));
}
