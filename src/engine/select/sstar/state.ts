// The one state an sstar run carries from step to step, and the queries every step asks of it.
import { distinguishingInputs, type Equivalent } from "../cluster.ts";
import type { SelectionContext } from "../context.ts";
import { argmax, sizePrior, type Vote } from "../posterior.ts";
import type { CandidateInfo, Cell, Match, SelectionEnv, SelInput } from "../types.ts";
import { defaultCallBudget, type SstarSettings } from "./settings.ts";

export interface SstarState {
  readonly ctx: SelectionContext;
  readonly env: SelectionEnv;
  readonly settings: SstarSettings;
  readonly equivalent: Equivalent;
  /** Public-filtered candidates: index-ordered, late joiners appended (positions are stable). */
  readonly kept: CandidateInfo[];
  /** Every executed input (synthesized first, then separating ones), and cells[p][i] of kept[p]. */
  readonly inputs: SelInput[];
  readonly cells: Cell[][];
  /** Positions of the inputs clustered on and shown to the judge. */
  readonly trusted: number[];
  /** Suspect inputs by position, with the reason they are not trusted. */
  readonly suspectReason: Map<number, string>;
  /**
   * Clusters as lists of positions in `kept`. A cluster's position stays fixed once made (votes
   * refer to it); a split keeps the position for the part holding the representative.
   */
  readonly groups: number[][];
  readonly votes: Vote[];
  readonly matches: Match[];
  /** Cluster matches and their positions: ids are given from the final rank. */
  readonly matchPositions: Map<Match, [number, number]>;
  /** Inputs the judge has seen, per pair of cluster positions. */
  readonly shownFor: Map<string, Set<number>>;
  /** Pairs for which `separate` proposed nothing the judge had not seen: asking again is no use. */
  readonly exhausted: Set<string>;
  /** Representative/member code pairs already probed. */
  readonly probed: Set<string>;
  readonly calls: { separate: number; judge: number };
  /** Samples still being debugged: 2 calls each (at most half the budget) are held back for them. */
  pendingLate: number;
}

export function newState(ctx: SelectionContext, env: SelectionEnv, settings: SstarSettings, pendingLate: number): SstarState {
  return {
    ctx,
    env,
    settings,
    equivalent: (x, y) => env.equivalent(x, y),
    kept: ctx.kept,
    inputs: [...ctx.inputs],
    cells: ctx.cells.map((r) => [...r]),
    trusted: [],
    suspectReason: new Map(),
    groups: [],
    votes: [],
    matches: [],
    matchPositions: new Map(),
    shownFor: new Map(),
    exhausted: new Set(),
    probed: new Set(),
    calls: { separate: 0, judge: 0 },
    pendingLate,
  };
}

/** The representative: the cluster's lowest position (kept is index-ordered, late ones appended). */
export const rep = (s: SstarState, g: number): number => s.groups[g]![0]!;

/** The position of the cluster's lowest sample index (late members come after early ones in `kept`). */
export function lowest(s: SstarState, g: number): number {
  const members = s.groups[g]!;
  return members.reduce((best, p) => (s.kept[p]!.index < s.kept[best]!.index ? p : best), members[0]!);
}

/** Cluster positions by rank: larger first, then the lowest sample index. */
export function rank(s: SstarState): number[] {
  return s.groups
    .map((_, g) => g)
    .sort((x, y) => s.groups[y]!.length - s.groups[x]!.length || s.kept[lowest(s, x)]!.index - s.kept[lowest(s, y)]!.index);
}

export const idNow = (s: SstarState, g: number): string => `c${rank(s).indexOf(g) + 1}`;

/** The most probable cluster; ties by rank. */
export function mostProbable(s: SstarState, post: readonly number[]): number {
  const r = rank(s);
  return r[argmax(r.map((g) => post[g]!))]!;
}

/** Every pair of clusters, in rank order. */
export function rankedPairs(s: SstarState): [number, number][] {
  const r = rank(s);
  const pairs: [number, number][] = [];
  for (let i = 0; i < r.length; i++) for (let j = i + 1; j < r.length; j++) pairs.push([r[i]!, r[j]!]);
  return pairs;
}

/**
 * The prior docs/selection.md describes: cluster size (clusters are re-split whenever new trusted
 * inputs tell members apart), times exp(-errorPenalty) per trusted input where the cluster errors
 * while most candidates ran.
 */
export function prior(s: SstarState): number[] {
  const t = s.trusted;
  const ran = t.map((i) => s.cells.filter((row) => row[i]?.ok === true).length / s.kept.length);
  const errs = s.groups.map((g) => t.filter((i, k) => s.cells[g[0]!]![i]?.ok !== true && ran[k]! > 0.5).length);
  return sizePrior(
    s.groups.map((g) => g.length),
    1,
    errs,
    s.settings.errorPenalty,
  );
}

/** The budget for the current number of clusters (it grows with splits and late clusters). */
export function budget(s: SstarState): number {
  const full = Math.max(0, s.settings.callBudget(s.groups.length) - s.settings.reservedCalls);
  return s.pendingLate > 0 ? full - Math.min(2 * s.pendingLate, Math.floor(full / 2)) : full;
}

/**
 * The leader's posterior at which rematches, probes of other clusters and the review stop. With
 * a bound r times the default (r > 1) the target rises to 1 - (1 - confidence) / r, so the extra
 * calls buy a surer pick instead of going unspent; at the default bound it is `confidence` itself.
 */
export function confidenceTarget(s: SstarState): number {
  const { confidence, callBudget } = s.settings;
  const base = defaultCallBudget(s.groups.length);
  const ratio = base > 0 ? callBudget(s.groups.length) / base : 1;
  return ratio > 1 ? 1 - (1 - confidence) / ratio : confidence;
}

export const used = (s: SstarState): number => s.calls.separate + s.calls.judge;
export const left = (s: SstarState): number => budget(s) - used(s);

export const pairKey = (a: number, b: number): string => (a < b ? `${a}:${b}` : `${b}:${a}`);

/** Trusted inputs on which the two clusters' representatives differ, shortest first. */
export function separatingInputs(s: SstarState, a: number, b: number): number[] {
  return distinguishingInputs(
    s.cells[rep(s, a)]!,
    s.cells[rep(s, b)]!,
    s.trusted,
    s.inputs.map((i) => i.input),
    s.equivalent,
  );
}

/** Separating inputs the judge has not yet seen for this pair. */
export function unseenInputs(s: SstarState, a: number, b: number): number[] {
  const seen = s.shownFor.get(pairKey(a, b));
  return separatingInputs(s, a, b).filter((i) => !seen?.has(i));
}

export const exhaustedPair = (s: SstarState, a: number, b: number): boolean => s.exhausted.has(pairKey(a, b));

export const hasFreshInput = (s: SstarState, a: number, b: number): boolean => unseenInputs(s, a, b).length > 0;

export function missing(): Cell {
  return { ok: false, output: "not run" };
}
