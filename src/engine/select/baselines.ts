// Baselines from the same executions, at no model cost.
import { clusterRows, type Equivalent } from "./cluster.ts";
import { firstByPublic } from "./filter.ts";
import type { Baseline, CandidateInfo, Cell } from "./types.ts";

/** `first`: the lowest-index candidate with the best public pass rate. */
export function firstBaseline(candidates: readonly CandidateInfo[]): number | null {
  return firstByPublic(candidates)?.index ?? null;
}

/**
 * `majority`: the largest cluster of identical whole output vectors (errors included, no input
 * dropped: plain majority vote) among the public-filtered candidates; its lowest-index member.
 */
export function majorityBaseline(
  kept: readonly CandidateInfo[],
  cells: readonly (readonly Cell[])[],
  inputCount: number,
  equivalent: Equivalent,
): number | null {
  if (kept.length === 0) return null;
  const all = Array.from({ length: inputCount }, (_, i) => i);
  const clusters = clusterRows(cells, all, equivalent);
  const top = clusters[0]!;
  return Math.min(...top.map((p) => kept[p]!.index));
}

export function baselines(
  all: readonly CandidateInfo[],
  kept: readonly CandidateInfo[],
  cells: readonly (readonly Cell[])[],
  inputCount: number,
  equivalent: Equivalent,
): Baseline[] {
  return [
    { strategy: "first", selectedSample: firstBaseline(all) },
    { strategy: "majority", selectedSample: majorityBaseline(kept, cells, inputCount, equivalent) },
  ];
}
