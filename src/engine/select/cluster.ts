// Clustering candidates by their whole output vector over the trusted inputs.
import type { Cell } from "./types.ts";

export type Equivalent = (x: string, y: string) => boolean;

/** Two cells agree: both ran and the checker says the outputs are the same answer, or both failed. */
export function cellsAgree(a: Cell | undefined, b: Cell | undefined, equivalent: Equivalent): boolean {
  if (a === undefined || b === undefined) return a === b;
  if (!a.ok || !b.ok) return !a.ok && !b.ok;
  return a.output === b.output || equivalent(a.output, b.output);
}

export function vectorsAgree(
  a: readonly Cell[],
  b: readonly Cell[],
  inputIdx: readonly number[],
  equivalent: Equivalent,
): boolean {
  return inputIdx.every((i) => cellsAgree(a[i], b[i], equivalent));
}

/**
 * Greedy clustering in candidate order against each cluster's first member (deterministic, and
 * well defined even when `equivalent` is not transitive, e.g. float tolerance). Result: clusters
 * as lists of positions into `rows`, largest first, ties by lowest first member.
 */
export function clusterRows(
  rows: readonly (readonly Cell[])[],
  inputIdx: readonly number[],
  equivalent: Equivalent,
): number[][] {
  const clusters: number[][] = [];
  rows.forEach((row, pos) => {
    const home = clusters.find((c) => vectorsAgree(rows[c[0]!]!, row, inputIdx, equivalent));
    if (home) home.push(pos);
    else clusters.push([pos]);
  });
  return clusters.sort((x, y) => y.length - x.length || x[0]! - y[0]!);
}

/**
 * Distinguishing inputs of two output rows: the trusted inputs where they disagree, shortest
 * first (short inputs are easiest for a judge to reason about), then by position.
 */
export function distinguishingInputs(
  a: readonly Cell[],
  b: readonly Cell[],
  inputIdx: readonly number[],
  inputText: readonly string[],
  equivalent: Equivalent,
): number[] {
  return inputIdx
    .filter((i) => !cellsAgree(a[i], b[i], equivalent))
    .sort((x, y) => inputText[x]!.length - inputText[y]!.length || x - y);
}
