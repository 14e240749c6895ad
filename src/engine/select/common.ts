// Small shared helpers: shown text of a cell, output cutting, cluster traces.
import type { Cell, Cluster, SelInput } from "./types.ts";

export const MAX_SHOWN_OUTPUT = 2000;

export function cut(s: string, max: number = MAX_SHOWN_OUTPUT): string {
  return s.length <= max ? s : `${s.slice(0, max)}… [cut: ${s.length - max} more chars]`;
}

/** What the judge and the report see for a cell: the output, or the failure status marked as such. */
export function shown(cell: Cell | undefined): string {
  if (cell === undefined) return "(not run)";
  return cell.ok ? cut(cell.output) : `(no output: ${cut(cell.output, 500)})`;
}

export function clusterTrace(
  id: string,
  members: readonly number[],
  repCells: readonly Cell[],
  inputs: readonly SelInput[],
): Cluster {
  const outputs: Record<string, string> = {};
  inputs.forEach((inp, i) => {
    outputs[inp.id] = shown(repCells[i]);
  });
  return { id, members: [...members], representative: members[0]!, outputs };
}
