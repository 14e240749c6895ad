// Steps 5-7 in one loop: play the most valuable match, probe the leader, rematch on fresh
// separating inputs while the pick is unsure, probe the runner-up; stop when nothing can change the pick.
import { bestMatch, jointWeights, posterior } from "../posterior.ts";
import { playSpent } from "./match.ts";
import { mayProbe, probe, probeRunnerUp } from "./probe.ts";
import { LOOKAHEAD } from "./settings.ts";
import { confidenceTarget, exhaustedPair, hasFreshInput, left, mostProbable, prior, rankedPairs, type SstarState } from "./state.ts";

/** Guard against a schedule that never settles (each round spends a call or ends). */
const MAX_ROUNDS = 500;

export async function schedule(s: SstarState): Promise<void> {
  for (let round = 0; round < MAX_ROUNDS && s.env.stopped?.() !== true; round++) {
    const post = posterior(prior(s), s.votes);
    const leader = mostProbable(s, post);
    if (await playBestMatch(s, leader)) continue;
    // A probe that splits nothing still leaves its inputs (which may separate other clusters)
    // and the rest of the schedule: go round again.
    if (mayProbe(s, leader) && left(s) >= 1) {
      await probe(s, leader);
      continue;
    }
    if (post[leader]! < confidenceTarget(s) && (await rematchOnFreshInputs(s))) continue;
    if (await probeRunnerUp(s, post, leader)) continue;
    break;
  }
}

/**
 * Spend a match where it can change the pick: the pair whose two votes are expected to raise the
 * probability that the most probable cluster is right the most (bestMatch), while one call stays
 * free for probing the leader. Only pairs with a distinguishing input the judge has not yet seen:
 * asking the same question again adds little real evidence (a judge's errors on it are correlated).
 */
async function playBestMatch(s: SstarState, leader: number): Promise<boolean> {
  const reserve = mayProbe(s, leader) ? 1 : 0;
  if (s.groups.length < 2 || left(s) < 2 + reserve) return false;
  const pairs = rankedPairs(s).filter(([a, b]) => hasFreshInput(s, a, b));
  const best = bestMatch(jointWeights(prior(s), s.votes), pairs, 0, Math.min(LOOKAHEAD, Math.floor((left(s) - reserve) / 2)));
  return best !== null && (await playSpent(s, best.a, best.b, 2));
}

/**
 * Every pair's distinguishing inputs were shown and the pick is still unsure: ask the model for
 * fresh inputs separating the most valuable pair, then judge on them (adaptive synthesis).
 */
async function rematchOnFreshInputs(s: SstarState): Promise<boolean> {
  if (s.groups.length < 2 || left(s) < 3 || s.calls.separate >= s.settings.maxSeparateCalls) return false;
  const pairs = rankedPairs(s).filter(([a, b]) => hasFreshInput(s, a, b) || !exhaustedPair(s, a, b));
  const best = bestMatch(jointWeights(prior(s), s.votes), pairs, 0, Math.min(LOOKAHEAD, Math.floor((left(s) - 1) / 2)));
  return best !== null && (await playSpent(s, best.a, best.b, 3, "rematch on fresh separating inputs: the pick was not yet sure"));
}
