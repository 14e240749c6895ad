// Small shared helpers: shown text of a cell, output cutting, cluster traces, judge verdicts.
import type { Cell, Cluster, JudgeAnswer, Match, SelInput } from "./types.ts";

export const MAX_SHOWN_OUTPUT = 2000;

export function cut(s: string, max: number = MAX_SHOWN_OUTPUT): string {
  return s.length <= max ? s : `${s.slice(0, max)}… [cut: ${s.length - max} more chars]`;
}

/** What the judge and the report see for a cell: the output, or the failure status marked as such. */
export function shown(cell: Cell | undefined): string {
  if (cell === undefined) return "(not run)";
  return cell.ok ? cut(cell.head ?? cell.output) : `(no output: ${cut(cell.output, 500)})`;
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

export type Side = "a" | "b" | "tie" | "invalid";

/**
 * A judge's two answers on a pair, a shown first in `ab` and b first in `ba`, mapped back to the
 * pair's sides, with the votes' trace entries.
 */
export function sides(ab: JudgeAnswer, ba: JudgeAnswer): { ab: Side; ba: Side; votes: Match["votes"] } {
  const mapAB: Side = ab.choice === "first" ? "a" : ab.choice === "second" ? "b" : ab.choice;
  const mapBA: Side = ba.choice === "first" ? "b" : ba.choice === "second" ? "a" : ba.choice;
  return { ab: mapAB, ba: mapBA, votes: [voteTrace("ab", mapAB, ab.reasoning), voteTrace("ba", mapBA, ba.reasoning)] };
}

/**
 * What one question asked in both orders is worth: both orders naming the same side are two votes
 * for it, one order naming a side while the other ties (or is invalid) is one vote, and two orders
 * naming opposite sides are a split verdict, a tie with no evidence. Counting a split as two
 * opposite votes would move probability to the clusters that did not play (each vote's loser is
 * less likely right, an outsider only a coin flip).
 */
export function verdictVotes(ab: Side, ba: Side): { winner: "a" | "b" | "tie"; votes: number } {
  const a = [ab, ba].filter((m) => m === "a").length;
  const b = [ab, ba].filter((m) => m === "b").length;
  if (a > 0 && b === 0) return { winner: "a", votes: a };
  if (b > 0 && a === 0) return { winner: "b", votes: b };
  return { winner: "tie", votes: 0 };
}

function voteTrace(order: "ab" | "ba", choice: Side, reasoning: string | undefined): Match["votes"][number] {
  return reasoning === undefined ? { order, choice } : { order, choice, reasoning };
}
