// Comparing a run with a baseline: a paired decision on the problems both runs graded, per-problem
// changes, cost, and what kept the comparison from being complete.
//
// Decision (documented in docs/eval.md): the comparison is *incomplete* (never a regression) when
// more than `maxNotAttemptedPct` of this run's problems could not be attempted, when the problems
// graded in both runs cover less than (100 - maxNotAttemptedPct)% of the problems evaluated in both,
// or when they are too few for the test to reject at `alpha` at all. Otherwise it is a regression
// when the pass rate on the problems graded in both (flaky ones left out) dropped by at least
// `maxDropPct` points AND McNemar's exact test on the discordant pairs rejects "no change" at
// `alpha` (p <= alpha). Each run's own rate keeps its Wilson interval, for reading, not deciding.
//
// Below the size where McNemar's test can ever reject (6 problems at alpha 0.05) the decision is
// per problem instead: a problem that passed in the baseline and fails now (and on every --confirm
// retry) is a regression, named with its evidence; none such is "no regression". "Incomplete" is
// kept for runs that could not grade (an outage, a spent budget, a deadline), never for a small set.
import { canonicalJson } from "./hash.ts";
import { count } from "../engine/progress.ts";
import { wilsonInterval, type Interval } from "./interval.ts";
import { mcnemarExactP, minDiscordantToReject } from "./mcnemar.ts";
import { CAUSE_TEXT, type NotAttemptedCause } from "./outcome.ts";
import { isFlaky, isTimingSensitive, type Calibration, type EvalResults, type ProblemResult } from "./results.ts";

export { wilsonInterval, type Interval } from "./interval.ts";

export const DEFAULT_MAX_DROP_PP = 5;
export const DEFAULT_ALPHA = 0.05;
export const DEFAULT_MAX_NOT_ATTEMPTED_PCT = 10;

export interface RunStats {
  /** Problems evaluated, attempted or not. */
  problems: number;
  /** Problems attempted (passed + failed): the denominator of the rates. */
  graded: number;
  notAttempted: number;
  notAttemptedByCause: Record<string, number>;
  solved: number;
  rate: number;
  ci: Interval;
  oracle: number;
  oracleRate: number;
  /** Strategy -> share of the graded problems its pick solved. */
  baselines: Record<string, number>;
  costUsd: number;
  calls: number;
  tokens: number;
  /** Solve plus grading time, summed over problems. */
  wallMs: number;
  model: string;
}

export interface ProblemChange {
  id: string;
  title: string;
  /** The selected program's hidden-test result now and before. */
  now: string;
  before: string;
  /** --confirm retries that failed too (0: not retried). */
  confirmedBy: number;
}

export interface NotAttemptedProblem {
  id: string;
  cause: NotAttemptedCause | "unknown";
  detail: string;
}

/** The paired comparison on the problems graded in both runs (flaky ones left out). */
export interface Paired {
  shared: number;
  baselinePassed: number;
  currentPassed: number;
  baselineRate: number;
  currentRate: number;
  /** currentRate - baselineRate, in percentage points (negative: a drop). */
  deltaPp: number;
  /** Discordant pairs: passed before and fail now (b), failed before and pass now (c). */
  newlyFailing: number;
  newlyPassing: number;
  bothPassed: number;
  bothFailed: number;
  /** McNemar's exact two-sided p-value on (b, c). */
  pValue: number;
}

export type Decision = "regression" | "no-regression" | "incomplete";

/**
 * Which rule decided: McNemar's paired test (enough shared problems for it to ever reject), the
 * per-problem rule (too few to test statistically), or none (incomplete: the run could not grade).
 */
export type DecisionRule = "mcnemar" | "per-problem" | "none";

export interface CompareOptions {
  maxDropPct: number;
  alpha?: number;
  maxNotAttemptedPct?: number;
}

export interface Comparison {
  current: RunStats;
  baseline: RunStats;
  decision: Decision;
  regression: boolean;
  incomplete: boolean;
  /** Why the comparison is incomplete (empty when it is not): one clause each. */
  missing: string[];
  /** Problems evaluated in both runs (graded or not). */
  common: number;
  paired: Paired;
  maxDropPct: number;
  alpha: number;
  maxNotAttemptedPct: number;
  /** One sentence: why this is, is not, or cannot be called a regression. */
  verdict: string;
  /** Which rule decided, and why that one (one sentence). */
  rule: DecisionRule;
  ruleReason: string;
  /** Passed in the baseline, fail now (and on every --confirm retry). */
  newlyFailing: ProblemChange[];
  /** Newly failing only by a time limit, and passing with the scaled limit on retry: reported, left out of the decision. */
  timingSensitive: ProblemChange[];
  newlyPassing: ProblemChange[];
  /** Failed now, passed on a --confirm retry: reported, left out of the decision. */
  flaky: ProblemChange[];
  /** This run's problems that could not be attempted, and the baseline's. */
  notAttempted: NotAttemptedProblem[];
  baselineNotAttempted: NotAttemptedProblem[];
  /** In the current run only / in the baseline only. */
  added: string[];
  removed: string[];
  cost: { current: number; baseline: number; deltaUsd: number; deltaPct: number | null };
  wall: { currentMs: number; baselineMs: number };
  /** Configuration that differs from the baseline (model, settings, ...): expected when trying a new model. */
  configChanges: string[];
  /** This run's time calibration, one per runner (empty: limits as the specs give them). */
  calibration: Calibration[];
}

function stats(r: EvalResults): RunStats {
  const s = r.summary;
  const n = s.graded;
  const baselines: Record<string, number> = {};
  for (const [k, v] of Object.entries(s.baselines)) baselines[k] = n === 0 ? 0 : v / n;
  return {
    problems: s.problems,
    graded: n,
    notAttempted: s.notAttempted,
    notAttemptedByCause: s.notAttemptedByCause,
    solved: s.solved,
    rate: n === 0 ? 0 : s.solved / n,
    ci: wilsonInterval(s.solved, n),
    oracle: s.oracle,
    oracleRate: n === 0 ? 0 : s.oracle / n,
    baselines,
    costUsd: s.usage.costUsd,
    calls: s.usage.calls,
    tokens: s.usage.promptTokens + s.usage.completionTokens,
    wallMs: s.wallMs,
    model: r.config.model,
  };
}

function gradeText(p: ProblemResult): string {
  if (p.outcome === "not-attempted") return `not attempted (${p.notAttempted?.detail ?? "unknown cause"})`;
  const s = p.selected;
  if (s.sample === null) return p.error ? `no program (${p.error})` : "no program selected";
  // One convention across commands: passed/total.
  const text = s.passed ? `passes: hidden ${s.hiddenPassed}/${s.hiddenTotal} passed` : `fails: hidden ${s.hiddenPassed}/${s.hiddenTotal} passed${s.firstFailure ? ` (${s.firstFailure})` : ""}`;
  const retries = p.confirm?.runs;
  if (!retries || retries.length === 0) return text;
  const passedOn = retries.findIndex((r) => r.outcome === "passed");
  return passedOn >= 0 ? `${text}, then passes on retry ${passedOn + 1}` : `${text}, and on ${retries.length} ${retries.length === 1 ? "retry" : "retries"}`;
}

function configChanges(current: EvalResults, baseline: EvalResults): string[] {
  const out: string[] = [];
  const a = current.config;
  const b = baseline.config;
  for (const field of ["model", "judgeModel", "sandbox"] as const) if (a[field] !== b[field]) out.push(`${field}: ${b[field]} → ${a[field]}`);
  if (a.tool.version !== b.tool.version) out.push(`sstar version: ${b.tool.version} → ${a.tool.version}`);
  for (const key of [...new Set([...Object.keys(a.settings), ...Object.keys(b.settings)])].sort()) {
    if (canonicalJson(a.settings[key]) !== canonicalJson(b.settings[key])) out.push(`${key}: ${JSON.stringify(b.settings[key] ?? null)} → ${JSON.stringify(a.settings[key] ?? null)}`);
  }
  const changedSpecs = Object.keys(a.specHashes).filter((id) => b.specHashes[id] !== undefined && b.specHashes[id] !== a.specHashes[id]);
  if (changedSpecs.length > 0) out.push(`spec versions changed: ${changedSpecs.sort().join(", ")}`);
  return out;
}

function notAttemptedOf(r: EvalResults): NotAttemptedProblem[] {
  return r.problems
    .filter((p) => p.outcome === "not-attempted")
    .map((p) => ({ id: p.id, cause: p.notAttempted?.cause ?? "unknown", detail: p.notAttempted?.detail ?? p.error ?? "no detail recorded" }));
}

/** "3 model endpoint unreachable (first: <detail>), 1 sandbox unavailable" */
function causesText(problems: readonly NotAttemptedProblem[]): string {
  const byCause = new Map<string, NotAttemptedProblem[]>();
  for (const p of problems) byCause.set(p.cause, [...(byCause.get(p.cause) ?? []), p]);
  return [...byCause.entries()]
    .sort((x, y) => y[1].length - x[1].length || (x[0] < y[0] ? -1 : 1))
    .map(([cause, ps]) => `${ps.length} ${cause === "unknown" ? "unknown cause" : CAUSE_TEXT[cause as NotAttemptedCause]} (${ps[0]!.detail})`)
    .join(", ");
}

export function formatP(p: number): string {
  return p < 0.0001 ? "< 0.0001" : String(Number(p.toPrecision(3)));
}

function pct(x: number): string {
  return `${Math.round(x * 10) / 10}%`;
}

export function compareResults(current: EvalResults, baseline: EvalResults, options: CompareOptions): Comparison {
  const settings = checkedSettings(options);
  const pairs = pairProblems(current, baseline);
  const paired = pairedRates(pairs.counts);
  const notAttempted = notAttemptedOf(current);
  const baselineNotAttempted = notAttemptedOf(baseline);
  const missing = whatKeepsItFromDeciding(current, pairs, baselineNotAttempted, settings);
  const incomplete = missing.length > 0;
  const { rule, ruleReason } = decidingRule(incomplete, paired.shared, pairs, settings);
  const drop = -paired.deltaPp;
  const regression =
    rule === "per-problem" ? pairs.newlyFailing.length > 0 : rule === "mcnemar" && paired.newlyFailing > paired.newlyPassing && drop >= settings.maxDropPct && paired.pValue <= settings.alpha;
  const decision: Decision = incomplete ? "incomplete" : regression ? "regression" : "no-regression";
  const cur = stats(current);
  const base = stats(baseline);
  return {
    current: cur,
    baseline: base,
    decision,
    regression,
    incomplete,
    missing,
    common: pairs.common,
    paired,
    ...settings,
    rule,
    ruleReason,
    verdict: verdictText(decision, rule, paired, missing, pairs.newlyFailing, settings),
    newlyFailing: pairs.newlyFailing,
    newlyPassing: pairs.newlyPassing,
    flaky: pairs.flaky,
    timingSensitive: pairs.timingSensitive,
    notAttempted,
    baselineNotAttempted,
    added: current.problems.filter((p) => !pairs.before.has(p.id)).map((p) => p.id).sort(),
    removed: baseline.problems.filter((p) => !pairs.nowIds.has(p.id)).map((p) => p.id).sort(),
    cost: {
      current: cur.costUsd,
      baseline: base.costUsd,
      deltaUsd: Math.round((cur.costUsd - base.costUsd) * 1e6) / 1e6,
      deltaPct: base.costUsd > 0 ? round2(((cur.costUsd - base.costUsd) / base.costUsd) * 100) : null,
    },
    wall: { currentMs: cur.wallMs, baselineMs: base.wallMs },
    configChanges: configChanges(current, baseline),
    calibration: current.meta.calibration ?? [],
  };
}

/** Which rule decides a complete comparison: McNemar's test when the shared problems are enough for it to ever reject, else the per-problem rule. */
function decidingRule(incomplete: boolean, shared: number, pairs: ProblemPairs, settings: CompareSettings): { rule: DecisionRule; ruleReason: string } {
  if (incomplete) return { rule: "none", ruleReason: "the run could not grade enough problems for either rule to decide" };
  const needed = minDiscordantToReject(settings.alpha);
  const left = pairs.flaky.length + pairs.timingSensitive.length > 0 ? " (flaky and timing-sensitive ones left out)" : "";
  if (shared >= needed) {
    return { rule: "mcnemar", ruleReason: `${shared} problems are graded in both runs${left}, enough for McNemar's exact test (at least ${needed} at alpha ${settings.alpha})` };
  }
  return {
    rule: "per-problem",
    ruleReason:
      `only ${shared} problem${shared === 1 ? " is" : "s are"} graded in both runs${left}, too few to test statistically (McNemar's test needs at least ${needed} to ever reject at alpha ${settings.alpha}), ` +
      "so each problem that passed in the baseline and fails now, and again on its --confirm retries, is a regression on its own",
  };
}

interface CompareSettings {
  maxDropPct: number;
  alpha: number;
  maxNotAttemptedPct: number;
}

function checkedSettings(options: CompareOptions): CompareSettings {
  const alpha = options.alpha ?? DEFAULT_ALPHA;
  const maxNotAttemptedPct = options.maxNotAttemptedPct ?? DEFAULT_MAX_NOT_ATTEMPTED_PCT;
  if (!(options.maxDropPct >= 0)) throw new Error(`--max-drop must be a number of percentage points >= 0, got ${options.maxDropPct}`);
  if (!(alpha > 0 && alpha < 1)) throw new Error(`--alpha must be a probability between 0 and 1 (exclusive), got ${alpha}`);
  if (!(maxNotAttemptedPct >= 0 && maxNotAttemptedPct <= 100)) throw new Error(`--max-not-attempted must be a percentage from 0 to 100, got ${maxNotAttemptedPct}`);
  return { maxDropPct: options.maxDropPct, alpha, maxNotAttemptedPct };
}

interface DiscordantCounts {
  bothPassed: number;
  bothFailed: number;
  /** Passed before, fails now. */
  b: number;
  /** Failed before, passes now. */
  c: number;
}

interface ProblemPairs {
  before: Map<string, ProblemResult>;
  nowIds: Set<string>;
  /** Problems in both runs, and those of them graded in both. */
  common: number;
  sharedGraded: number;
  counts: DiscordantCounts;
  newlyFailing: ProblemChange[];
  newlyPassing: ProblemChange[];
  flaky: ProblemChange[];
  timingSensitive: ProblemChange[];
}

/** Each problem of this run beside its baseline result: the 2x2 table McNemar's test reads, and the changes (flaky ones apart). */
function pairProblems(current: EvalResults, baseline: EvalResults): ProblemPairs {
  const pairs: ProblemPairs = {
    before: new Map(baseline.problems.map((p) => [p.id, p])),
    nowIds: new Set(current.problems.map((p) => p.id)),
    common: 0,
    sharedGraded: 0,
    counts: { bothPassed: 0, bothFailed: 0, b: 0, c: 0 },
    newlyFailing: [],
    newlyPassing: [],
    flaky: [],
    timingSensitive: [],
  };
  const { counts } = pairs;
  for (const p of current.problems) {
    const prior = pairs.before.get(p.id);
    if (!prior) continue;
    pairs.common++;
    if (p.outcome === "not-attempted" || prior.outcome === "not-attempted") continue;
    pairs.sharedGraded++;
    const change = { id: p.id, title: p.title, now: gradeText(p), before: gradeText(prior), confirmedBy: (p.confirm?.runs ?? []).filter((r) => r.outcome === "failed").length };
    if (isFlaky(p)) {
      pairs.flaky.push(change);
      continue;
    }
    // A time limit that the calibrated limit's retry passes says "this runner is slow", not "the model got worse".
    if (prior.outcome === "passed" && isTimingSensitive(p)) {
      pairs.timingSensitive.push(change);
      continue;
    }
    const was = prior.outcome === "passed";
    const is = p.outcome === "passed";
    if (was && is) counts.bothPassed++;
    else if (!was && !is) counts.bothFailed++;
    else if (was) {
      counts.b++;
      pairs.newlyFailing.push(change);
    } else {
      counts.c++;
      pairs.newlyPassing.push(change);
    }
  }
  const byId = (x: { id: string }, y: { id: string }): number => (x.id < y.id ? -1 : x.id > y.id ? 1 : 0);
  for (const list of [pairs.newlyFailing, pairs.newlyPassing, pairs.flaky, pairs.timingSensitive]) list.sort(byId);
  return pairs;
}

function pairedRates(counts: DiscordantCounts): Paired {
  const shared = counts.bothPassed + counts.bothFailed + counts.b + counts.c;
  const baselinePassed = counts.bothPassed + counts.b;
  const currentPassed = counts.bothPassed + counts.c;
  const baselineRate = shared === 0 ? 0 : baselinePassed / shared;
  const currentRate = shared === 0 ? 0 : currentPassed / shared;
  return {
    shared,
    baselinePassed,
    currentPassed,
    baselineRate,
    currentRate,
    deltaPp: round2((currentRate - baselineRate) * 100),
    newlyFailing: counts.b,
    newlyPassing: counts.c,
    bothPassed: counts.bothPassed,
    bothFailed: counts.bothFailed,
    pValue: mcnemarExactP(counts.b, counts.c),
  };
}

/** What keeps the comparison from deciding, if anything: the first reason that applies (the later ones follow from the earlier). */
function whatKeepsItFromDeciding(current: EvalResults, pairs: ProblemPairs, baselineNotAttempted: NotAttemptedProblem[], settings: CompareSettings): string[] {
  const missing: string[] = [];
  const { common, sharedGraded } = pairs;
  const allowed = settings.maxNotAttemptedPct / 100;
  const own = runIncompleteness(current, settings.maxNotAttemptedPct);
  if (current.problems.length === 0) missing.push("this run evaluated no problem");
  else if (own !== null) missing.push(own);
  else if (common === 0) missing.push("no problem was evaluated in both this run and the baseline");
  else if (sharedGraded < (1 - allowed) * common) {
    const baselineMissing = baselineNotAttempted.filter((p) => pairs.nowIds.has(p.id));
    missing.push(
      `only ${sharedGraded} of the ${common} problems in both runs were graded in both (at least ${pct(100 - settings.maxNotAttemptedPct)} needed)` +
        (baselineMissing.length > 0 ? `; the baseline could not attempt ${baselineMissing.length}: ${causesText(baselineMissing)}` : ""),
    );
  }
  // Too few shared problems for McNemar's test is not incomplete: the per-problem rule decides them.
  return missing;
}

function verdictText(decision: Decision, rule: DecisionRule, paired: Paired, missing: string[], newlyFailing: readonly ProblemChange[], settings: CompareSettings): string {
  const drop = -paired.deltaPp;
  if (decision === "incomplete") return `Incomplete: ${missing.join("; ")}. No regression is decided; fix the cause and rerun.`;
  if (rule === "per-problem") {
    const shared = `${paired.shared} problem${paired.shared === 1 ? "" : "s"} graded in both runs, too few to test statistically; decided problem by problem`;
    if (newlyFailing.length === 0) return `No regression: no problem that passed in the baseline fails now (${shared}).`;
    const evidence = newlyFailing.map((p) => `${p.id} (before ${p.before}; now ${p.now}${p.confirmedBy === 0 ? "; not confirmed: no --confirm retry" : ""})`).join(", ");
    return `Regression: ${newlyFailing.length} problem${newlyFailing.length === 1 ? "" : "s"} passed in the baseline and fail${newlyFailing.length === 1 ? "s" : ""} now: ${evidence} (${shared}).`;
  }
  const on = `on the ${count(paired.shared, "problem")} graded in both (${paired.newlyFailing} newly failing, ${paired.newlyPassing} newly passing; McNemar exact p = ${formatP(paired.pValue)})`;
  if (decision === "regression") return `Regression: the pass rate dropped ${drop} points ${on}, at least the allowed ${settings.maxDropPct} and significant at alpha ${settings.alpha}.`;
  if (drop > 0) return `No regression: the pass rate dropped ${drop} points ${on}, ${drop < settings.maxDropPct ? `less than the allowed ${settings.maxDropPct}` : `not significant at alpha ${settings.alpha}`}.`;
  return `No regression: the pass rate ${paired.deltaPp > 0 ? `rose ${paired.deltaPp} points` : "is unchanged"} ${on}.`;
}

/**
 * Whether a run on its own is incomplete (no baseline to compare with, or `sstar eval`'s exit
 * code): more than `maxNotAttemptedPct` of its problems could not be attempted. null when complete.
 */
export function runIncompleteness(r: EvalResults, maxNotAttemptedPct = DEFAULT_MAX_NOT_ATTEMPTED_PCT): string | null {
  const notAttempted = notAttemptedOf(r);
  const n = r.problems.length;
  if (n === 0 || notAttempted.length / n <= maxNotAttemptedPct / 100) return null;
  return `${notAttempted.length} of ${count(n, "problem")} (${pct((100 * notAttempted.length) / n)}) could not be attempted, more than the allowed ${pct(maxNotAttemptedPct)}: ${causesText(notAttempted)}`;
}

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}
