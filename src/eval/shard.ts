// Sharding: split the problems over N runners so that each gets about the same work. Pure and
// deterministic: every runner computes the same partition from the same specs (and costs file).
import type { ProblemSpec } from "../spec/schema.ts";
import type { EvalResults } from "./results.ts";

export interface ShardSelector {
  /** 1-based. */
  index: number;
  count: number;
}

/** Parses "i/n" (1-based, e.g. "2/3"); throws one line naming the flag. */
export function parseShard(text: string, setting = "--shard"): ShardSelector {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  if (!m) throw new Error(`${setting} must look like i/n with 1 <= i <= n (e.g. 2/3), got ${JSON.stringify(text)}`);
  const index = Number(m[1]);
  const count = Number(m[2]);
  if (count < 1 || index < 1 || index > count) {
    throw new Error(`${setting} must look like i/n with 1 <= i <= n (e.g. 2/3), got ${JSON.stringify(text)}`);
  }
  return { index, count };
}

/**
 * Estimated cost of one problem in seconds of runner time. Only ratios matter. Model time grows
 * with the prompt (the statement) and is a fixed amount otherwise; sandbox time grows with the
 * number of test runs (public tests run for every sample and round, hidden tests for every distinct
 * candidate) times a per-run cost that grows with the time limit (slow problems are given higher
 * limits and their programs use more of them).
 */
export const COST_MODEL = {
  /** Seconds of model calls per problem regardless of size. */
  baseSeconds: 20,
  /** Seconds per 1000 characters of statement (prompt tokens in every call). */
  secondsPer1000Chars: 2,
  /** Public test runs per public test: samples x rounds on average (8 samples, ~1.5 rounds). */
  publicRunsPerTest: 12,
  /** Hidden test runs per hidden test: distinct candidates graded. */
  hiddenRunsPerTest: 4,
  /** Seconds per test run: process start plus this share of the time limit. */
  runStartSeconds: 0.05,
  timeLimitShare: 0.1,
} as const;

export function estimateSpecCost(spec: Pick<ProblemSpec, "statement" | "tests" | "limits">): number {
  const m = COST_MODEL;
  const perRun = m.runStartSeconds + m.timeLimitShare * (spec.limits.timeMs / 1000);
  const runs = spec.tests.public.length * m.publicRunsPerTest + spec.tests.hidden.length * m.hiddenRunsPerTest;
  return m.baseSeconds + (spec.statement.length / 1000) * m.secondsPer1000Chars + runs * perRun;
}

/** Measured seconds per problem id from an earlier results file (solve + grading wall time). */
export function measuredCosts(previous: EvalResults): Map<string, number> {
  return new Map(previous.problems.map((p) => [p.id, (p.wallMs + p.gradeMs) / 1000]));
}

export interface CostItem {
  id: string;
  cost: number;
}

/**
 * Cost per spec: measured where `measured` knows the id, else the estimate scaled by the median
 * ratio measured/estimated over the ids known to both (so both kinds are in the same units).
 */
export function specCosts(specs: readonly ProblemSpec[], measured?: ReadonlyMap<string, number>): CostItem[] {
  const estimates = specs.map((s) => ({ id: s.id, cost: estimateSpecCost(s) }));
  if (!measured || measured.size === 0) return estimates;
  const ratios = estimates
    .filter((e) => measured.has(e.id) && e.cost > 0)
    .map((e) => measured.get(e.id)! / e.cost)
    .sort((a, b) => a - b);
  const scale = ratios.length === 0 ? 1 : median(ratios);
  return estimates.map((e) => ({ id: e.id, cost: measured.has(e.id) ? measured.get(e.id)! : e.cost * scale }));
}

function median(sorted: readonly number[]): number {
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/**
 * Greedy LPT (longest processing time first): items sorted by cost descending, then id ascending;
 * each goes to the shard with the least load so far (ties: the lowest shard). Returns the ids of
 * each shard, sorted. Every id lands in exactly one shard. Throws on duplicate ids.
 */
export function partition(items: readonly CostItem[], count: number): string[][] {
  if (!Number.isInteger(count) || count < 1) throw new Error(`shard count must be a positive integer, got ${count}`);
  const seen = new Set<string>();
  for (const item of items) {
    if (seen.has(item.id)) throw new Error(`problem id ${JSON.stringify(item.id)} appears twice in the spec set: ids must be unique`);
    seen.add(item.id);
  }
  const order = [...items].sort((a, b) => b.cost - a.cost || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const loads = Array.from({ length: count }, () => 0);
  const shards: string[][] = Array.from({ length: count }, () => []);
  for (const item of order) {
    let best = 0;
    for (let i = 1; i < count; i++) if (loads[i]! < loads[best]!) best = i;
    loads[best]! += Math.max(0, item.cost);
    shards[best]!.push(item.id);
  }
  return shards.map((ids) => ids.sort());
}

/** The specs of one shard (sorted by id) and the ids of that shard. */
export function selectShard(
  specs: readonly ProblemSpec[],
  shard: ShardSelector,
  measured?: ReadonlyMap<string, number>,
): { specs: ProblemSpec[]; ids: string[] } {
  const shards = partition(specCosts(specs, measured), shard.count);
  const ids = shards[shard.index - 1];
  if (ids === undefined) throw new Error(`shard ${shard.index}/${shard.count} does not exist`);
  const wanted = new Set(ids);
  return { specs: specs.filter((s) => wanted.has(s.id)).sort((a, b) => (a.id < b.id ? -1 : 1)), ids };
}
