// What every strategy starts from: the public filter's result and one execution of the kept
// candidates on the synthesized inputs (shared, so baselines cost nothing extra).
import type { CandidateInfo, Cell, SelInput } from "./types.ts";

export interface SelectionContext {
  all: CandidateInfo[];
  /** Public-filtered candidates, by ascending index. */
  kept: CandidateInfo[];
  fallback?: string;
  inputs: SelInput[];
  /** cells[p][i]: kept[p] on inputs[i]. */
  cells: Cell[][];
}
