// ExPairT-LLM (Yuviler and Drachsler-Cohen, AAAI 2026, arXiv 2511.10855) as a selection strategy
// for the benchmark, written from the paper and its public code (TomYuviler/ExPairT-LLM,
// ExPairT.py: `ExPairT_LLM`, `select_cluster`, `search_diff_input`, `split_to_clusters`):
//
// 1. cluster the candidates by their outputs on the model's inputs (no size prior: a cluster's
//    size is never used again);
// 2. pick a cluster by a Copeland round-robin of *membership* questions ("which program's outputs
//    fit the description?", shown every input where the two clusters' outputs differ), with the
//    original's early exits;
// 3. inside the picked cluster ask *equivalence* questions (first member against each other member
//    in turn: "give an input on which they differ, or NO_DIFF"); the first proposed input on which
//    the two really differ splits the cluster by the members' outputs on it, and the round-robin
//    runs again among the pieces, on that input alone. Other clusters are dropped for good.
// 4. a cluster of one, or one where no equivalence question finds a difference, gives its first
//    member.
//
// Every membership and every equivalence question is one model call, counted like sstar's judge
// and `separate` calls. The decisions here are pure over the environment's answers.
import type { CandidateInfo, Cell, JudgeAnswer, JudgeQuestion, SelInput } from "../../src/engine/select/index.ts";

export interface ExpairtEnv {
  execute(candidates: CandidateInfo[], inputs: SelInput[]): Promise<Map<number, Cell[]>>;
  /** A membership question: one judge call with the differing inputs' outputs shown. */
  judge(question: JudgeQuestion): Promise<JudgeAnswer>;
  /** An equivalence question: one call; an input on which the model says the two differ, or null (NO_DIFF). */
  equivalence(a: CandidateInfo, b: CandidateInfo): Promise<string | null>;
  /** The problem's checker: are two outputs the same answer? */
  equivalent(x: string, y: string): boolean;
}

export interface ExpairtResult {
  /** The chosen candidate's `index`, or null when there was none. */
  pick: number | null;
  membership: number;
  equivalence: number;
  /** Passes of the round-robin (1 + splits). */
  rounds: number;
}

interface Cluster {
  members: CandidateInfo[];
  /** The first member's cells on the current inputs (every member's are the same). */
  row: Cell[];
}

const sameCell = (a: Cell, b: Cell, eq: (x: string, y: string) => boolean) =>
  a.ok === b.ok && (a.ok ? eq(a.output, b.output) : a.output === b.output);

/** Group candidates by identical rows, in candidate order (the original's `list_in_lists`). */
export function clusterByRows(members: CandidateInfo[], rows: Map<number, Cell[]>, eq: (x: string, y: string) => boolean): Cluster[] {
  const clusters: Cluster[] = [];
  for (const m of members) {
    const row = rows.get(m.index) ?? [];
    const home = clusters.find((c) => c.row.length === row.length && c.row.every((cell, i) => sameCell(cell, row[i]!, eq)));
    if (home) home.members.push(m);
    else clusters.push({ members: [m], row });
  }
  return clusters;
}

/** Index of the largest score not yet used; the first one on ties (the original's `get_max_index`). */
function maxUnused(wins: number[], used: Set<number>): number {
  let best = -1;
  for (let i = 0; i < wins.length; i++) if (!used.has(i) && (best === -1 || wins[i]! > wins[best]!)) best = i;
  return best;
}

const argmax = (xs: number[]) => xs.reduce((b, v, i) => (v > xs[b]! ? i : b), 0);

/**
 * The Copeland round-robin of `select_cluster`: the cluster with the most wins (unplayed first)
 * plays every cluster it has not met; stop when it beat everyone, or when even winning every
 * remaining sweep can't lift the next one above the leader.
 */
export async function copeland(clusters: Cluster[], inputs: SelInput[], env: ExpairtEnv, counter: { membership: number }): Promise<number> {
  const n = clusters.length;
  const wins = new Array<number>(n).fill(0);
  const used = new Set<number>();
  const met = new Set<string>();
  for (let sweep = 0; sweep < n; sweep++) {
    const i = maxUnused(wins, used);
    if (wins[i]! + (n - used.size - 1) <= Math.max(...wins)) return argmax(wins);
    used.add(i);
    for (let j = 0; j < n; j++) {
      const key = i < j ? `${i}|${j}` : `${j}|${i}`;
      if (j === i || met.has(key)) continue;
      met.add(key);
      counter.membership++;
      const answer = await env.judge(membershipQuestion(clusters[j]!, clusters[i]!, inputs, env.equivalent));
      // "Program 1" is cluster j (the original formats j's outputs first); anything else is no win.
      if (answer.choice === "first") wins[j]!++;
      else if (answer.choice === "second") wins[i]!++;
    }
    if (wins[i] === n - 1) return i;
  }
  return argmax(wins);
}

/** A membership question between two clusters: every input where their outputs differ. */
function membershipQuestion(first: Cluster, second: Cluster, inputs: SelInput[], eq: (x: string, y: string) => boolean): JudgeQuestion {
  const differing = inputs.flatMap((inp, k) => {
    const a = first.row[k];
    const b = second.row[k];
    if (!a || !b || sameCell(a, b, eq)) return [];
    return [{ input: inp.input, firstOutput: a.output, secondOutput: b.output }];
  });
  return { inputs: differing, firstCode: first.members[0]!.code, secondCode: second.members[0]!.code };
}

/**
 * `search_diff_input`: the first member against each other member in turn; the first proposed
 * input on which the two really differ (run, not believed), else null.
 */
async function searchDiff(members: CandidateInfo[], env: ExpairtEnv, counter: { equivalence: number }): Promise<SelInput[] | null> {
  const head = members[0]!;
  for (const other of members.slice(1)) {
    counter.equivalence++;
    const proposed = await env.equivalence(head, other);
    if (proposed === null) continue;
    const inputs: SelInput[] = [{ id: "eq1", input: proposed, origin: "synthesized" }];
    const rows = await env.execute([head, other], inputs);
    const [a, b] = [rows.get(head.index)?.[0], rows.get(other.index)?.[0]];
    if (a && b && !sameCell(a, b, env.equivalent)) return inputs;
  }
  return null;
}

/** The whole loop of `ExPairT_LLM` over candidates already kept by the public filter. */
export async function expairtSelect(kept: CandidateInfo[], inputs: SelInput[], env: ExpairtEnv): Promise<ExpairtResult> {
  const counter = { membership: 0, equivalence: 0 };
  if (kept.length === 0) return { pick: null, ...counter, rounds: 0 };
  let current = inputs;
  let clusters = clusterByRows(kept, current.length > 0 ? await env.execute(kept, current) : new Map(), env.equivalent);
  // The original loops at most 100 times; each pass either returns or splits a cluster of two or more.
  for (let round = 1; round <= 100; round++) {
    const chosen = clusters.length === 1 ? 0 : await copeland(clusters, current, env, counter);
    const members = clusters[chosen]!.members;
    const diff = members.length === 1 ? null : await searchDiff(members, env, counter);
    if (diff === null) return { pick: members[0]!.index, ...counter, rounds: round };
    current = diff;
    clusters = clusterByRows(members, await env.execute(members, current), env.equivalent);
  }
  return { pick: clusters[0]!.members[0]!.index, ...counter, rounds: 100 };
}
