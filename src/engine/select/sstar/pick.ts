// Steps 8-9: the code review inside the chosen cluster, the pick, and the trace that explains it.
import { clusterTrace } from "../common.ts";
import { confidenceOf, type PickEvidence } from "../confidence.ts";
import { posterior } from "../posterior.ts";
import { chooseProgram, copiesNote, programsOf, reviewCluster, type ReviewOutcome } from "../review.ts";
import type { CandidateInfo, Cluster, SelectionTrace, SynthesizedInput } from "../types.ts";
import { confidenceTarget, left, lowest, mostProbable, prior, rank, rep, type SstarState } from "./state.ts";

type Result = Omit<SelectionTrace, "baselines">;

export interface Choice {
  /** Cluster position of the most probable cluster, and the posterior it was chosen by. */
  cluster: number;
  post: number[];
  /** Cluster ids by final rank. */
  id: (g: number) => string;
  /** Cluster matches played before the review. */
  clusterMatches: number;
}

/** The most probable cluster; matches get their final cluster ids. */
export function chooseCluster(s: SstarState): Choice {
  const post = posterior(prior(s), s.votes);
  const cluster = mostProbable(s, post);
  const order = rank(s);
  const id = (g: number): string => `c${order.indexOf(g) + 1}`;
  for (const [m, [a, b]] of s.matchPositions) {
    m.a = id(a);
    m.b = id(b);
  }
  return { cluster, post, id, clusterMatches: s.matches.length };
}

/** Step 8: with what is left of the budget, the code review of the chosen cluster's distinct programs. */
export async function review(s: SstarState, choice: Choice): Promise<ReviewOutcome | null> {
  if (!s.settings.codeReview || s.env.stopped?.() === true) return null;
  const members = s.groups[choice.cluster]!.map((p) => s.kept[p]!);
  const reviewed = await reviewCluster(choice.id(choice.cluster), members, s.env, Math.max(0, left(s)), {
    confidence: confidenceTarget(s),
    agreedInputs: s.trusted.length,
  });
  if (reviewed) {
    s.calls.judge += reviewed.judgeCalls;
    s.matches.push(...reviewed.matches);
  }
  return reviewed;
}

/** Step 9: one rule for the pick inside the cluster, reviewed or not (review.ts, chooseProgram); the trace. */
export function pick(s: SstarState, choice: Choice, reviewed: ReviewOutcome | null): Result {
  const members: CandidateInfo[] = s.groups[choice.cluster]!.map((p) => s.kept[p]!);
  const programs = reviewed?.programs ?? programsOf(members);
  const chosen = reviewed?.chosen ?? chooseProgram(programs);
  const winner = programs[chosen]![0]!;
  let reason = clusterReason(s, choice);
  if (reviewed && reviewed.votes > 0) {
    const v = reviewed.votes;
    reason += `; a code review of its ${programs.length} distinct programs (${v} decisive vote${v === 1 ? "" : "s"}) chose sample ${winner.index}`;
  } else if (reviewed) {
    const m = reviewed.matches.length;
    reason += `; a code review of its ${programs.length} distinct programs found no difference (${m} match${m === 1 ? "" : "es"}, no decisive vote), so ${copiesNote(programs, chosen)}`;
  } else if (s.groups.length === 1 || programs.length > 1) reason += `; ${copiesNote(programs, chosen)}`;
  if (s.env.stopped?.() === true) reason += "; interrupted: picked from the evidence gathered so far";
  const evidence = pickEvidence(s, choice, programs.length);
  return {
    selection: {
      strategy: "sstar",
      selectedSample: winner.index,
      selectedCluster: choice.id(choice.cluster),
      reason,
      confidence: confidenceOf(evidence),
      evidence,
      ...(s.ctx.fallback ? { fallback: s.ctx.fallback } : {}),
    },
    inputs: inputsTrace(s),
    clusters: clustersTrace(s, choice),
    matches: s.matches,
    calls: s.calls,
  };
}

/** What the pick rests on, for its calibrated confidence (confidence.ts). */
export function pickEvidence(s: SstarState, choice: Choice, distinctPrograms: number): PickEvidence {
  const g = choice.cluster;
  const clusterMatches = s.matches.slice(0, choice.clusterMatches);
  const repCells = s.cells[rep(s, g)]!;
  return {
    candidates: s.ctx.all.length,
    kept: s.kept.length,
    fallback: s.ctx.fallback !== undefined,
    clusterSizes: s.groups.map((m) => m.length),
    chosenSize: s.groups[g]!.length,
    posterior: choice.post[g]!,
    votesFor: s.votes.filter((v) => v.winner === g).length,
    votesAgainst: s.votes.filter((v) => v.loser === g).length,
    matches: clusterMatches.length,
    splitMatches: clusterMatches.filter((m) => m.winner === "tie").length,
    distinctPrograms,
    trusted: s.trusted.length,
    suspect: s.suspectReason.size,
    chosenErrors: s.trusted.filter((i) => repCells[i]?.ok !== true).length,
  };
}

function clusterReason(s: SstarState, choice: Choice): string {
  const { cluster: win, post, id, clusterMatches } = choice;
  if (s.groups.length === 1) return `all ${s.groups[0]!.length} candidates agree on every usable input`;
  const judged = s.votes.length;
  // The cluster matches only (the code review's matches come after them), as the report's table shows.
  const tied = s.matches.slice(0, clusterMatches).filter((m) => m.winner === "tie").length;
  return (
    `cluster ${id(win)} (${s.groups[win]!.length} of ${s.kept.length} candidates) has the highest posterior, ` +
    `${post[win]!.toFixed(2)}, from cluster sizes and ${judged} judge vote${judged === 1 ? "" : "s"} naming a side ` +
    `over ${clusterMatches} match${clusterMatches === 1 ? "" : "es"}${tied > 0 ? ` (${tied} tied)` : ""}`
  );
}

export function inputsTrace(s: SstarState): SynthesizedInput[] {
  return s.inputs.map((inp, i) => {
    const r = s.suspectReason.get(i);
    return r === undefined ? { ...inp } : { ...inp, dropped: r };
  });
}

function clustersTrace(s: SstarState, choice: Choice): Cluster[] {
  return rank(s).map((g) =>
    clusterTrace(
      choice.id(g),
      s.groups[g]!.map((p) => s.kept[p]!.index).sort((x, y) => x - y),
      s.cells[lowest(s, g)]!,
      s.inputs,
    ),
  );
}
