// Step 7: probing a cluster for a hidden difference among programs that agree on every input.
import { cellsAgree } from "../cluster.ts";
import { separateAndRun, splitOn } from "./evidence.ts";
import { confidenceTarget, left, rank, rep, type SstarState } from "./state.ts";

const probeKey = (s: SstarState, r: number, p: number): string => `${s.kept[r]!.code}\u0000${s.kept[p]!.code}`;

/** Members whose code differs from the representative's and was not yet probed against it. */
function probeable(s: SstarState, g: number): number[] {
  const r = rep(s, g);
  return s.groups[g]!.filter((p) => s.kept[p]!.code !== s.kept[r]!.code && !s.probed.has(probeKey(s, r, p)));
}

/** Probing is on (probeAgreeing), allowed, and the cluster has a member worth probing; one cluster: a single probe. */
export function mayProbe(s: SstarState, g: number): boolean {
  return (
    s.settings.probeAgreeing &&
    s.calls.separate < s.settings.maxSeparateCalls &&
    (s.groups.length > 1 || s.calls.separate === 0) &&
    probeable(s, g).length > 0
  );
}

/**
 * Programs that agree on every synthesized input may still differ (a wrong program hiding in the
 * cluster). Ask for inputs separating the representative from its most different-looking member
 * whose code was not yet probed against it; members that answer differently become new clusters
 * (splitOn), which then play like any challenger (the budget, 3 per extra cluster, covers them).
 */
export async function probe(s: SstarState, g: number): Promise<void> {
  const r = rep(s, g);
  // Members that disagree with the representative on suspect inputs behave differently
  // somewhere: probe the one that disagrees most, then the most different-looking code.
  const suspect = [...s.suspectReason.keys()];
  const disagreements = (p: number): number => suspect.filter((i) => !cellsAgree(s.cells[r]![i], s.cells[p]![i], s.equivalent)).length;
  const partner = probeable(s, g)
    .map((p) => ({ p, d: disagreements(p), sim: similarity(s.kept[r]!.code, s.kept[p]!.code) }))
    .sort((x, y) => y.d - x.d || x.sim - y.sim || s.kept[x.p]!.index - s.kept[y.p]!.index)[0]?.p;
  if (partner === undefined) return;
  s.probed.add(probeKey(s, r, partner));
  splitOn(s, await separateAndRun(s, r, partner));
}

/**
 * Nothing left to ask about the leader and the pick still unsure: probe the most probable other
 * cluster with a member worth probing. Its representative may be a wrong program hiding a right
 * one (a judge that calls two wrong programs a tie then never lets that cluster win); a split
 * brings new clusters, and new questions. Returns whether it probed.
 */
export async function probeRunnerUp(s: SstarState, post: readonly number[], leader: number): Promise<boolean> {
  if (s.groups.length < 2 || post[leader]! >= confidenceTarget(s) || left(s) < 1) return false;
  const next = rank(s)
    .filter((g) => g !== leader && mayProbe(s, g))
    .sort((x, y) => post[y]! - post[x]!)[0];
  if (next === undefined) return false;
  await probe(s, next);
  return true;
}

/** Token-set Jaccard similarity of two programs: picks the most different-looking member to probe. */
export function similarity(a: string, b: string): number {
  const ta = new Set(a.match(/\w+|[^\s\w]/g) ?? []);
  const tb = new Set(b.match(/\w+|[^\s\w]/g) ?? []);
  let inter = 0;
  for (const t of ta) if (tb.has(t)) inter++;
  const union = ta.size + tb.size - inter;
  return union === 0 ? 1 : inter / union;
}
