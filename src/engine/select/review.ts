// Code review inside the chosen cluster. Its members agree on every input tried (probes
// included) yet their code differs, so no execution tells them apart: the judge compares the
// programs themselves (the reference's code-only fallback), under the same Bayes model and value
// schedule as the cluster matches, with what is left of the budget.
import { argmax, bestMatch, jointWeights, posterior, sizePrior, type Vote } from "./posterior.ts";
import { sides, verdictVotes } from "./common.ts";
import type { CandidateInfo, Match, SelectionEnv } from "./types.ts";

/** A judge that calls this many reviewed pairs equal in both orders sees no difference: stop. */
export const REVIEW_TIES_TO_STOP = 2;

/**
 * A cluster's distinct programs, each with its copies in sample-index order: most copies first,
 * then the lowest sample index (the order every tie inside a cluster is broken by).
 */
export function programsOf(members: readonly CandidateInfo[]): CandidateInfo[][] {
  const byCode = new Map<string, CandidateInfo[]>();
  for (const c of [...members].sort((x, y) => x.index - y.index)) {
    const same = byCode.get(c.code);
    if (same) same.push(c);
    else byCode.set(c.code, [c]);
  }
  return [...byCode.values()].sort((x, y) => y.length - x.length || x[0]!.index - y[0]!.index);
}

/**
 * The one rule for the pick inside a cluster, with or without a review: the most probable
 * program, its prior its number of copies (independent samples agreeing on the text itself is
 * evidence, as agreeing outputs are for clusters) times the review's votes if any; ties to more
 * copies, then the lowest sample index. The pick is that program's lowest-index copy.
 */
export function chooseProgram(programs: readonly (readonly CandidateInfo[])[], votes: readonly Vote[] = []): number {
  return argmax(posterior(sizePrior(programs.map((copies) => copies.length), 1), votes));
}

/** How the pick inside a cluster was decided, for the selection's reason. */
export function copiesNote(programs: readonly (readonly CandidateInfo[])[], chosen: number): string {
  const copies = programs[chosen]!.length;
  const pick = programs[chosen]![0]!.index;
  if (programs.length === 1) return `one program (${copies} ${copies === 1 ? "copy" : "copies"}): sample ${pick}`;
  const top = programs.filter((p) => p.length === copies).length;
  if (top === 1) return `the program with the most copies (${copies} copies): sample ${pick}`;
  return copies === 1
    ? `each program once, so the lowest-index one: sample ${pick}`
    : `the lowest-index of the ${top} programs with the most copies (${copies} copies each): sample ${pick}`;
}

export interface ReviewOutcome {
  /** Position in `programs` of the chosen program (chooseProgram over the review's votes). */
  chosen: number;
  /** Distinct programs reviewed (programsOf). */
  programs: CandidateInfo[][];
  /** Decisive votes (a verdict kept in both orders counts twice, a one-sided one once). */
  votes: number;
  matches: Match[];
  judgeCalls: number;
}

/**
 * @param members the cluster's candidates
 * @param allowance judge calls the review may make (2 per match)
 * @returns null when nothing was reviewed (fewer than two distinct programs, too few calls, or
 *   the copies alone already make one program sure): chooseProgram without votes then decides
 */
export async function reviewCluster(
  clusterId: string,
  members: readonly CandidateInfo[],
  env: SelectionEnv,
  allowance: number,
  opts: { confidence: number; agreedInputs: number },
): Promise<ReviewOutcome | null> {
  // Identical code counts once, weighted by its copies.
  const progs = programsOf(members);
  if (progs.length < 2 || allowance < 2) return null;
  const prior = sizePrior(progs.map((copies) => copies.length), 1);
  const votes: Vote[] = [];
  const matches: Match[] = [];
  const asked = new Set<string>();
  let judgeCalls = 0;
  let ties = 0;
  const question = (first: CandidateInfo, second: CandidateInfo) => ({
    inputs: [],
    firstCode: first.code,
    secondCode: second.code,
    codeOnly: true,
    agreedInputs: opts.agreedInputs,
  });
  const playPair = async (pa: number, pb: number) => {
    const [ca, cb] = [progs[pa]![0]!, progs[pb]![0]!];
    env.onEvent?.({ type: "match-started", a: `s${ca.index}`, b: `s${cb.index}` });
    const [ab, ba] = await Promise.all([env.judge(question(ca, cb)), env.judge(question(cb, ca))]);
    return { pa, pb, ca, cb, verdict: sides(ab, ba) };
  };
  let round = 0;
  while (allowance - judgeCalls >= 2 && ties < REVIEW_TIES_TO_STOP) {
    if (Math.max(...posterior(prior, votes)) >= opts.confidence) break;
    // A round plays disjoint pairs at once, each the most valuable left given the votes so far
    // (the first round two, so that a judge finding no difference costs 4 calls); each pair is
    // asked once, as asking the same code-only question again adds little real evidence.
    const width = Math.min(round === 0 ? REVIEW_TIES_TO_STOP : Infinity, Math.floor((allowance - judgeCalls) / 2));
    const w = jointWeights(prior, votes);
    const busy = new Set<number>();
    const chosen: [number, number][] = [];
    while (chosen.length < width) {
      const pairs: [number, number][] = [];
      for (let a = 0; a < progs.length; a++) {
        for (let b = a + 1; b < progs.length; b++) if (!asked.has(`${a}:${b}`) && !busy.has(a) && !busy.has(b)) pairs.push([a, b]);
      }
      const best = bestMatch(w, pairs, 0, 1);
      if (best === null) break;
      chosen.push([best.a, best.b]);
      asked.add(`${best.a}:${best.b}`);
      busy.add(best.a).add(best.b);
    }
    if (chosen.length === 0) break;
    round++;
    // Answers are read in the order the pairs were chosen, so the trace doesn't depend on timing.
    for (const { pa, pb, ca, cb, verdict } of await Promise.all(chosen.map(([a, b]) => playPair(a, b)))) {
      judgeCalls += 2;
      const { winner, votes: n } = verdictVotes(verdict.ab, verdict.ba);
      const [wi, lo] = winner === "a" ? [pa, pb] : [pb, pa];
      for (let v = 0; v < n; v++) votes.push({ winner: wi, loser: lo });
      if (verdict.ab === "tie" && verdict.ba === "tie") ties++;
      const [sa, sb] = [`s${ca.index}`, `s${cb.index}`];
      matches.push({
        a: sa,
        b: sb,
        inputs: [],
        votes: verdict.votes,
        winner,
        note: `code review inside ${clusterId}: the two programs agree on every input tried, so the judge compared the code`,
      });
      env.onEvent?.({ type: "match-finished", a: sa, b: sb, winner });
    }
  }
  if (matches.length === 0) return null;
  return { chosen: chooseProgram(progs, votes), programs: progs, votes: votes.length, matches, judgeCalls };
}
