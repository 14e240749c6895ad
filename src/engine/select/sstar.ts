// Our selection: clusters on trusted inputs, prior from cluster size, a noisy judge's votes on
// several distinguishing inputs per match (both orders), combined by Bayes with the judge's
// accuracy unknown. The match expected to help the pick most plays next, under a hard budget of
// model calls that grows with the number of clusters; what is left reviews the code of the chosen
// cluster's programs that no input tells apart (review.ts).
import { cellsAgree, clusterRows, distinguishingInputs, vectorsAgree, type Equivalent } from "./cluster.ts";
import { clusterTrace, shown, sides, verdictVotes } from "./common.ts";
import type { SelectionContext } from "./context.ts";
import { classifyInputs, SUSPECT_ERROR_SHARE } from "./inputs.ts";
import { chooseProgram, copiesNote, programsOf, reviewCluster } from "./review.ts";
import { agreementPrior, argmax, bestMatch, jointWeights, posterior, sizePrior, type Vote } from "./posterior.ts";
import type {
  CandidateInfo,
  Cell,
  Cluster,
  Match,
  SelectionEnv,
  SelectionTrace,
  SelectOptions,
  SelInput,
  SynthesizedInput,
} from "./types.ts";

export const DEFAULT_MAX_INPUTS_PER_MATCH = 3;
/** Prior weight size^1: agreement counts linearly; tuned with bench:selection (docs/selection.md). */
export const DEFAULT_CLUSTER_PRIOR_EXPONENT = 1;
/** Soft-agreement sharpness (Infinity: cluster size only). */
export const DEFAULT_AGREEMENT_SHARPNESS = Infinity;
export const DEFAULT_ERROR_PENALTY = 0.5;
export const DEFAULT_SCHEDULE: "value" | "leader" = "value";
export const DEFAULT_MIN_GAIN = 0;
/** One distinguishing input per judge call ("each"): each question stands alone (bench:selection). */
export const DEFAULT_JUDGE_MODE: "each" | "together" = "each";
export const DEFAULT_LOOKAHEAD = 2;
/** Stop spending the leftover budget once the leader is this sure. */
export const DEFAULT_CONFIDENCE = 0.95;

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

type Result = Omit<SelectionTrace, "baselines">;

interface Work {
  inputs: SelInput[];
  cells: Cell[][];
}

export async function runSstar(ctx: SelectionContext, env: SelectionEnv, options: SelectOptions = {}): Promise<Result> {
  const maxInputs = Math.max(1, options.maxInputsPerMatch ?? DEFAULT_MAX_INPUTS_PER_MATCH);
  const threshold = options.suspectErrorShare ?? SUSPECT_ERROR_SHARE;
  const exponent = options.clusterPriorExponent ?? DEFAULT_CLUSTER_PRIOR_EXPONENT;
  const confidence = options.confidence ?? DEFAULT_CONFIDENCE;
  const sharpness = options.agreementSharpness ?? DEFAULT_AGREEMENT_SHARPNESS;
  const errorPenalty = options.errorPenalty ?? DEFAULT_ERROR_PENALTY;
  const schedule = options.schedule ?? DEFAULT_SCHEDULE;
  const minGain = options.minGain ?? DEFAULT_MIN_GAIN;
  const lookahead = options.lookahead ?? DEFAULT_LOOKAHEAD;
  const mode = options.judgeMode ?? DEFAULT_JUDGE_MODE;
  const maxSeparate = options.maxSeparateCalls ?? Infinity;
  const probeAgreeing = options.probeAgreeing ?? true;
  const codeReview = options.codeReview ?? true;
  const equivalent: Equivalent = (x, y) => env.equivalent(x, y);
  const calls = { separate: 0, judge: 0 };
  const { kept } = ctx;
  const work: Work = { inputs: [...ctx.inputs], cells: ctx.cells.map((r) => [...r]) };

  if (kept.length === 0) {
    return {
      selection: { strategy: "sstar", selectedSample: null, selectedCluster: null, reason: "no candidates" },
      inputs: work.inputs.map((i) => ({ ...i })),
      clusters: [],
      matches: [],
      calls,
    };
  }

  if (kept.length === 1) {
    const only = kept[0]!;
    return {
      selection: {
        strategy: "sstar",
        selectedSample: only.index,
        selectedCluster: "c1",
        reason: "the only candidate left after the public filter",
        ...(ctx.fallback ? { fallback: ctx.fallback } : {}),
      },
      inputs: work.inputs.map((i) => ({ ...i })),
      clusters: [{ id: "c1", members: [only.index], representative: only.index, outputs: {} }],
      matches: [],
      calls,
    };
  }

  const cls = classifyInputs(work.cells, work.inputs.length, threshold);
  const suspectReason = new Map(cls.suspect.map((s) => [s.index, s.reason]));

  /** Ask for inputs separating two candidates and run every kept candidate on them (execution is local and cheap). */
  const separateAndRun = async (pa: number, pb: number): Promise<number[]> => {
    const proposed = await env.separate(kept[pa]!, kept[pb]!);
    calls.separate++;
    env.onEvent?.({ type: "separate", a: kept[pa]!.index, b: kept[pb]!.index, inputs: proposed.length });
    const added = addInputs(work, proposed, "separating");
    if (added.length === 0) return [];
    const res = await env.execute(kept, added);
    const start = work.inputs.length - added.length;
    kept.forEach((c, p) => {
      const row = res.get(c.index);
      work.cells[p]!.push(...added.map((_, j) => row?.[j] ?? missing()));
    });
    const fresh = added.map((_, j) => start + j);
    // The same validity rule as for synthesized inputs.
    const sub = classifyInputs(
      work.cells.map((row) => fresh.map((i) => row[i]!)),
      fresh.length,
      threshold,
    );
    for (const t of sub.trusted) cls.trusted.push(fresh[t]!);
    for (const s of sub.suspect) suspectReason.set(fresh[s.index]!, s.reason);
    return sub.trusted.map((t) => fresh[t]!);
  };

  // Nothing usable to cluster on, yet the candidates differ: ask once for separating inputs
  // (the only call outside the per-cluster budget, see docs/selection.md).
  const distinctCodes = new Map<string, number>();
  kept.forEach((c, p) => {
    if (!distinctCodes.has(c.code)) distinctCodes.set(c.code, p);
  });
  const oneClusterBudget = (options.callBudget ?? defaultCallBudget)(1) - (options.reservedCalls ?? 0);
  if (cls.trusted.length === 0 && distinctCodes.size >= 2 && calls.separate < maxSeparate && oneClusterBudget >= 1) {
    const [pa, pb] = [...distinctCodes.values()] as [number, number];
    await separateAndRun(pa, pb);
  }
  env.onEvent?.({ type: "inputs", kept: cls.trusted.length, dropped: suspectReason.size });

  // Cluster positions stay fixed once made (votes refer to them); a split keeps the position for
  // the part holding the representative and appends the others. Wherever order matters (ties,
  // the report), clusters go by rank: larger first, then the lowest sample index.
  const groups = clusterRows(work.cells, cls.trusted, equivalent);
  env.onEvent?.({ type: "clustered", clusters: groups.length });
  const rep = (g: number): number => groups[g]![0]!; // lowest position (kept is index-ordered, late ones appended)
  // The lowest sample index stands for the cluster (late members come after the early ones in
  // `kept`, so this is not always rep(g)).
  const lowest = (g: number): number => groups[g]!.reduce((best, p) => (kept[p]!.index < kept[best]!.index ? p : best), groups[g]![0]!);
  const rank = (): number[] =>
    groups.map((_, g) => g).sort((x, y) => groups[y]!.length - groups[x]!.length || kept[lowest(x)]!.index - kept[lowest(y)]!.index);
  const idNow = (g: number): string => `c${rank().indexOf(g) + 1}`;
  /** The most probable cluster; ties by rank. */
  const mostProbable = (post: readonly number[]): number => {
    const r = rank();
    return r[argmax(r.map((g) => post[g]!))]!;
  };
  const rankedPairs = (): [number, number][] => {
    const r = rank();
    const pairs: [number, number][] = [];
    for (let i = 0; i < r.length; i++) for (let j = i + 1; j < r.length; j++) pairs.push([r[i]!, r[j]!]);
    return pairs;
  };
  // The prior is what docs/selection.md says: cluster size (clusters are re-split whenever new
  // trusted inputs tell members apart), times the error penalty.
  const prior = (): number[] => {
    const t = cls.trusted;
    const ran = t.map((i) => work.cells.filter((row) => row[i]?.ok === true).length / kept.length);
    const errs = groups.map((g) => t.filter((i, k) => work.cells[g[0]!]![i]?.ok !== true && ran[k]! > 0.5).length);
    if (!Number.isFinite(sharpness)) return sizePrior(groups.map((g) => g.length), exponent, errs, errorPenalty);
    const agree = groups.map((g) => kept.map((_, p) => t.filter((i) => cellsAgree(work.cells[g[0]!]![i], work.cells[p]![i], equivalent)).length));
    return agreementPrior(agree, t.length, sharpness, exponent, errs, errorPenalty);
  };
  const votes: Vote[] = [];
  const matches: Match[] = [];
  /** Cluster matches and their positions: ids are given from the final rank. */
  const matchPositions = new Map<Match, [number, number]>();
  // The budget follows the number of clusters, which grows when a cluster is split below or a
  // late candidate brings a new output vector.
  const fullBudget = (): number => Math.max(0, (options.callBudget ?? defaultCallBudget)(groups.length) - (options.reservedCalls ?? 0));
  // While candidates are still being debugged, 2 calls per pending one (at most half the budget)
  // stay free: a late candidate with a new output vector must still be able to play a match.
  let pendingLate = options.late !== undefined ? Math.max(1, options.latePending ?? 1) : 0;
  const budget = (): number => {
    const full = fullBudget();
    return pendingLate > 0 ? full - Math.min(2 * pendingLate, Math.floor(full / 2)) : full;
  };
  const used = (): number => calls.separate + calls.judge;
  const left = (): number => budget() - used();
  const shownFor = new Map<string, Set<number>>();
  /** Pairs for which `separate` proposed nothing the judge had not seen: asking again is no use. */
  const exhausted = new Set<string>();
  const inputText = (): string[] => work.inputs.map((i) => i.input);

  const pairKey = (a: number, b: number): string => (a < b ? `${a}:${b}` : `${b}:${a}`);
  const unseenInputs = (a: number, b: number): number[] => {
    const seen = shownFor.get(pairKey(a, b));
    return distinguishingInputs(work.cells[rep(a)]!, work.cells[rep(b)]!, cls.trusted, inputText(), equivalent).filter((i) => !seen?.has(i));
  };
  const hasFreshInput = (a: number, b: number): boolean => unseenInputs(a, b).length > 0;

  /** Clusters made by splits, not yet queued by the leader schedule. */
  const madeBySplits: number[] = [];
  /**
   * New trusted inputs may tell apart members of any cluster: split each where they disagree, so
   * every cluster's members agree on every trusted input (and the prior stays the cluster size).
   * The part holding the representative keeps the position and the votes (the judge saw its
   * outputs); the others become new clusters, which play like any challenger.
   */
  const splitOn = (fresh: readonly number[]): void => {
    if (fresh.length === 0) return;
    const before = groups.length;
    for (let g = 0; g < before; g++) {
      const members = groups[g]!;
      const sub = clusterRows(
        members.map((p) => work.cells[p]!),
        fresh,
        equivalent,
      ).map((c) => c.map((i) => members[i]!).sort((x, y) => x - y));
      if (sub.length < 2) continue;
      const home = sub.findIndex((c) => c.includes(members[0]!));
      groups[g] = sub[home]!;
      sub.forEach((c, i) => {
        if (i === home) return;
        groups.push(c);
        madeBySplits.push(groups.length - 1);
      });
    }
    if (groups.length > before) env.onEvent?.({ type: "clustered", clusters: groups.length });
  };

  /** One match between cluster positions a and b, spending at most `allowance` calls; never the same question twice. */
  const play = async (a: number, b: number, allowance: number, note?: string): Promise<void> => {
    const ra = rep(a);
    const rb = rep(b);
    const key = pairKey(a, b);
    let pool = unseenInputs(a, b);
    let matchNote = note;
    let asked = false;
    if (pool.length === 0 && allowance >= 3 && calls.separate < maxSeparate && !exhausted.has(key)) {
      allowance--;
      asked = true;
      const separatedBefore = distinguishingInputs(work.cells[ra]!, work.cells[rb]!, cls.trusted, inputText(), equivalent).length > 0;
      splitOn(await separateAndRun(ra, rb));
      pool = unseenInputs(a, b);
      if (pool.length === 0) exhausted.add(key);
      const why = separatedBefore ? "every input separating them was already shown" : "no synthesized input separated them";
      matchNote = [matchNote, `${why}: asked the model for separating inputs`].filter(Boolean).join("; ");
    }
    const trace: Match = { a: idNow(a), b: idNow(b), inputs: [], votes: [], winner: "tie" };
    matchPositions.set(trace, [a, b]);
    if (matchNote) trace.note = matchNote;
    env.onEvent?.({ type: "match-started", a: trace.a, b: trace.b });
    if (pool.length === 0 || allowance < 2) {
      const separating = distinguishingInputs(work.cells[ra]!, work.cells[rb]!, cls.trusted, inputText(), equivalent).length > 0;
      const why =
        pool.length > 0
          ? "call budget exhausted"
          : asked
            ? "it proposed none the judge had not seen"
            : separating
              ? "every input separating them was already shown"
              : "no input separates them";
      trace.note = [trace.note, why].filter(Boolean).join("; ");
      matches.push(trace);
      env.onEvent?.({ type: "match-finished", a: trace.a, b: trace.b, winner: "tie" });
      return;
    }
    // Rotate through the distinguishing inputs over rematches: each call sees fresh evidence.
    const seen = shownFor.get(key) ?? new Set<number>();
    shownFor.set(key, seen);
    const perCall = mode === "together" ? Math.min(maxInputs, pool.length) : 1;
    const callsWanted = mode === "together" ? 2 : 2 * Math.min(maxInputs, pool.length);
    const pairs = Math.max(1, Math.floor(Math.min(callsWanted, allowance) / 2));
    const chosen = pool.slice(0, mode === "together" ? perCall : pairs);
    chosen.forEach((i) => seen.add(i));
    trace.inputs = chosen.map((i) => ({
      inputId: work.inputs[i]!.id,
      input: work.inputs[i]!.input,
      outputA: shown(work.cells[ra]![i]),
      outputB: shown(work.cells[rb]![i]),
    }));
    const batches = mode === "together" ? [chosen] : chosen.map((i) => [i]);
    let aVotes = 0;
    let bVotes = 0;
    const forOrder = (batch: number[], first: number, second: number) => ({
      inputs: batch.map((i) => ({
        input: work.inputs[i]!.input,
        firstOutput: shown(work.cells[first]![i]),
        secondOutput: shown(work.cells[second]![i]),
      })),
      firstCode: kept[first]!.code,
      secondCode: kept[second]!.code,
    });
    // Every question of the match at once, each in both orders: position bias cancels, a split
    // verdict is a tie; the answers are read in input order, so the trace doesn't depend on timing.
    const answers = await Promise.all(
      batches.map((batch) => Promise.all([env.judge(forOrder(batch, ra, rb)), env.judge(forOrder(batch, rb, ra))])),
    );
    for (const [ab, ba] of answers) {
      calls.judge += 2;
      const verdict = sides(ab, ba);
      trace.votes.push(...verdict.votes);
      const { winner, votes: n } = verdictVotes(verdict.ab, verdict.ba);
      for (let v = 0; v < n; v++) votes.push(winner === "a" ? { winner: a, loser: b } : { winner: b, loser: a });
      if (winner === "a") aVotes += n;
      else if (winner === "b") bVotes += n;
    }
    trace.winner = aVotes > bVotes ? "a" : bVotes > aVotes ? "b" : "tie";
    matches.push(trace);
    env.onEvent?.({ type: "match-finished", a: trace.a, b: trace.b, winner: trace.winner });
  };

  /**
   * Programs that agree on every synthesized input may still differ (a wrong program hiding in
   * the leading cluster). Ask for inputs separating the leader's representative from its most
   * different-looking member whose code was not yet probed against it; members that answer
   * differently become new clusters (splitOn), which then play like any challenger (so the
   * budget, 3 per extra cluster, covers them).
   */
  const probed = new Set<string>();
  const probeKey = (r: number, p: number): string => `${kept[r]!.code}\u0000${kept[p]!.code}`;
  const probeable = (g: number): number[] => groups[g]!.filter((p) => kept[p]!.code !== kept[rep(g)]!.code && !probed.has(probeKey(rep(g), p)));
  const canProbe = (g: number): boolean => probeable(g).length > 0;
  const refine = async (g: number): Promise<void> => {
    const r = rep(g);
    // Members that disagree with the representative on suspect inputs behave differently
    // somewhere: probe the one that disagrees most, then the most different-looking code.
    const suspectIdx = [...suspectReason.keys()];
    const disagreements = (p: number): number =>
      suspectIdx.filter((i) => !cellsAgree(work.cells[r]![i], work.cells[p]![i], equivalent)).length;
    const partner = probeable(g)
      .map((p) => ({ p, d: disagreements(p), s: similarity(kept[r]!.code, kept[p]!.code) }))
      .sort((x, y) => y.d - x.d || x.s - y.s || kept[x.p]!.index - kept[y.p]!.index)[0]?.p;
    if (partner === undefined) return;
    probed.add(probeKey(r, partner));
    splitOn(await separateAndRun(r, partner));
  };
  /** Probing is on (probeAgreeing), allowed, and the cluster has a member worth probing; one cluster: a single probe. */
  const mayProbe = (g: number): boolean =>
    probeAgreeing && calls.separate < maxSeparate && (groups.length > 1 || calls.separate === 0) && canProbe(g);

  /**
   * Nothing left to ask about the leader and the pick still unsure: probe the most probable other
   * cluster with a member worth probing. Its representative may be a wrong program hiding a right
   * one (a judge that calls two wrong programs a tie then never lets that cluster win); a split
   * brings new clusters, and new questions. Returns whether it probed.
   */
  const probeRunnerUp = async (post: readonly number[], leader: number): Promise<boolean> => {
    if (groups.length < 2 || post[leader]! >= confidence || left() < 1) return false;
    const next = rank()
      .filter((g) => g !== leader && mayProbe(g))
      .sort((x, y) => post[y]! - post[x]!)[0];
    if (next === undefined) return false;
    await refine(next);
    return true;
  };

  /**
   * Late candidates (still being debugged when selection started) join once every sample is done
   * and the first schedule has run, never in between: where they join does not depend on when
   * they arrived, so the pick is a function of the model's answers alone. A late candidate whose
   * outputs agree with a cluster's representative on every trusted input joins it (its prior
   * grows; no judge call); a new output vector becomes a new cluster, which then plays.
   */
  const join = async (arrivals: readonly CandidateInfo[]): Promise<void> => {
    const known = new Set(ctx.all.map((c) => c.index));
    const fresh = arrivals.filter((c) => !known.has(c.index)).sort((x, y) => x.index - y.index);
    ctx.all.push(...fresh);
    ctx.all.sort((x, y) => x.index - y.index);
    // Selection started from candidates passing every public test: the public filter keeps only those.
    const passing = fresh.filter((c) => c.publicTotal === 0 || c.publicPassed === c.publicTotal);
    env.onEvent?.({ type: "filtered", kept: [...kept, ...passing].map((c) => c.index).sort((x, y) => x - y) });
    if (passing.length === 0) return;
    const res = work.inputs.length > 0 ? await env.execute(passing, work.inputs) : new Map<number, Cell[]>();
    const start = kept.length;
    for (const c of passing) {
      const row = work.inputs.map((_, i) => res.get(c.index)?.[i] ?? missing());
      kept.push(c);
      work.cells.push(row);
      ctx.cells.push(row.slice(0, ctx.inputs.length));
    }
    for (let p = start; p < kept.length; p++) {
      const home = groups.find((g) => vectorsAgree(work.cells[g[0]!]!, work.cells[p]!, cls.trusted, equivalent));
      if (home) home.push(p);
      else groups.push([p]);
    }
    env.onEvent?.({ type: "clustered", clusters: groups.length });
  };

  const runValue = async (): Promise<void> => {
    // Spend each match where it can change the pick: the pair whose two votes are expected to
    // raise the probability that the most probable cluster is right the most (bestMatch), while
    // one call stays free for probing the leader. Stop when no match is worth anything.
    let guard = 0;
    while (guard++ < 500 && env.stopped?.() !== true) {
      const post = posterior(prior(), votes);
      const leader = mostProbable(post);
      const reserve = mayProbe(leader) ? 1 : 0;
      if (groups.length > 1 && left() >= 2 + reserve) {
        // Only pairs with a distinguishing input the judge has not yet seen for them: asking the
        // same question again adds little real evidence (a judge's errors on it are correlated).
        const pairs = rankedPairs().filter(([a, b]) => hasFreshInput(a, b));
        const best = bestMatch(jointWeights(prior(), votes), pairs, minGain, Math.min(lookahead, Math.floor((left() - reserve) / 2)));
        if (best !== null) {
          const before = used();
          await play(best.a, best.b, 2);
          if (used() !== before) continue;
        }
      }
      // A probe that splits nothing still leaves its inputs (which may separate other clusters)
      // and the rest of the schedule: go round again.
      if (mayProbe(leader) && left() >= 1) {
        await refine(leader);
        continue;
      }
      // Every pair's distinguishing inputs were shown and the pick is still unsure: ask the model
      // for fresh inputs separating the most valuable pair, then judge on them (adaptive synthesis).
      if (groups.length > 1 && post[leader]! < confidence && left() >= 3 && calls.separate < maxSeparate) {
        const pairs = rankedPairs().filter(([a, b]) => hasFreshInput(a, b) || !exhausted.has(pairKey(a, b)));
        const best = bestMatch(jointWeights(prior(), votes), pairs, minGain, Math.min(lookahead, Math.floor((left() - 1) / 2)));
        if (best !== null) {
          const before = used();
          await play(best.a, best.b, 3, "rematch on fresh separating inputs: the pick was not yet sure");
          if (used() !== before) continue;
        }
      }
      if (await probeRunnerUp(post, leader)) continue;
      break;
    }
  };

  if (schedule === "value") {
    await runValue();
    if (options.late !== undefined && env.stopped?.() !== true) {
      await join(await options.late);
      pendingLate = 0;
      // The same schedule over the final clusters and every vote so far: it plays the new
      // clusters and whatever else the larger field makes worth a match.
      await runValue();
    }
  } else {
    // Challengers in order of size, each against the current leader (the most probable cluster
    // among those that have played); every later challenger keeps the 2 calls it needs.
    const played = new Set<number>([rank()[0]!]);
    const queue: number[] = rank().slice(1);
    const leaderOf = (): number => {
      const post = posterior(prior(), votes);
      const r = rank().filter((g) => played.has(g));
      return r[argmax(r.map((g) => post[g]!))]!;
    };
    let guard = 0;
    while (guard++ < 200 && env.stopped?.() !== true) {
      queue.push(...madeBySplits.splice(0));
      const c = queue.shift();
      if (c !== undefined) {
        await play(leaderOf(), c, left() - 2 * queue.length);
        played.add(c);
        continue;
      }
      const post = posterior(prior(), votes);
      const leader = mostProbable(post);
      // A spare call: probe the leading cluster for a hidden wrong program. When every candidate
      // agrees (one cluster) there is one probe; the rest of the budget is the code review's.
      if (mayProbe(leader) && left() >= 1) {
        await refine(leader);
        continue;
      }
      // Leftover budget: rematch the leader against the runner-up on further distinguishing inputs
      // until the leader is confident enough.
      if (groups.length > 1 && left() >= 2 && post[leader]! < confidence) {
        const r = rank().filter((g) => g !== leader);
        const runnerUp = r[argmax(r.map((g) => post[g]!))]!;
        const before = used();
        await play(leader, runnerUp, left(), "rematch: the leader was not yet confident");
        if (used() !== before) continue;
      }
      if (await probeRunnerUp(post, leader)) continue;
      break;
    }
  }

  const k = groups.length;
  const post = posterior(prior(), votes);
  const win = mostProbable(post);
  const order = rank();
  const id = (g: number): string => `c${order.indexOf(g) + 1}`;
  for (const [m, [a, b]] of matchPositions) {
    m.a = id(a);
    m.b = id(b);
  }

  const clusterMatches = matches.length;
  const winMembers = groups[win]!.map((p) => kept[p]!);
  const reviewed = codeReview && env.stopped?.() !== true
    ? await reviewCluster(id(win), winMembers, env, Math.max(0, left()), { confidence, minGain, agreedInputs: cls.trusted.length })
    : null;
  if (reviewed) {
    calls.judge += reviewed.judgeCalls;
    matches.push(...reviewed.matches);
  }
  // One rule for the pick inside the cluster, reviewed or not (review.ts, chooseProgram).
  const programs = reviewed?.programs ?? programsOf(winMembers);
  const chosen = reviewed?.chosen ?? chooseProgram(programs);
  const winner = programs[chosen]![0]!;
  const judged = votes.length;
  const tied = matches.filter((m) => m.winner === "tie").length;
  const found =
    k === 1
      ? `all ${groups[0]!.length} candidates agree on every usable input`
      : `cluster ${id(win)} (${groups[win]!.length} of ${kept.length} candidates) has the highest posterior, ` +
        `${post[win]!.toFixed(2)}, from cluster sizes and ${judged} judge vote${judged === 1 ? "" : "s"} naming a side ` +
        `over ${clusterMatches} match${clusterMatches === 1 ? "" : "es"}${tied > 0 ? ` (${tied} tied)` : ""}`;
  let reason = found;
  if (reviewed && reviewed.votes > 0) {
    const v = reviewed.votes;
    reason += `; a code review of its ${programs.length} distinct programs (${v} decisive vote${v === 1 ? "" : "s"}) chose sample ${winner.index}`;
  } else if (reviewed) {
    const m = reviewed.matches.length;
    reason += `; a code review of its ${programs.length} distinct programs found no difference (${m} match${m === 1 ? "" : "es"}, no decisive vote), so ${copiesNote(programs, chosen)}`;
  } else if (k === 1 || programs.length > 1) reason += `; ${copiesNote(programs, chosen)}`;
  if (env.stopped?.() === true) reason += "; interrupted: picked from the evidence gathered so far";
  const clusters: Cluster[] = order.map((g) =>
    clusterTrace(
      id(g),
      groups[g]!.map((p) => kept[p]!.index).sort((x, y) => x - y),
      work.cells[lowest(g)]!,
      work.inputs,
    ),
  );
  const inputs: SynthesizedInput[] = work.inputs.map((inp, i) => {
    const r = suspectReason.get(i);
    return r === undefined ? { ...inp } : { ...inp, dropped: r };
  });
  return {
    selection: {
      strategy: "sstar",
      selectedSample: winner.index,
      selectedCluster: id(win),
      reason,
      ...(ctx.fallback ? { fallback: ctx.fallback } : {}),
    },
    inputs,
    clusters,
    matches,
    calls,
  };
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

function missing(): Cell {
  return { ok: false, output: "not run" };
}

function addInputs(work: Work, proposed: readonly string[], origin: SelInput["origin"]): SelInput[] {
  const have = new Set(work.inputs.map((i) => i.input));
  const ids = new Set(work.inputs.map((i) => i.id));
  const added: SelInput[] = [];
  for (const text of proposed) {
    if (have.has(text)) continue;
    have.add(text);
    let n = work.inputs.length + 1;
    while (ids.has(`sep${n}`)) n++;
    const id = `sep${n}`;
    ids.add(id);
    const inp: SelInput = { id, input: text, origin };
    work.inputs.push(inp);
    added.push(inp);
  }
  return added;
}
