// Comparing a run with a baseline: solve rates with confidence intervals, per-problem changes, cost,
// and the regression decision.
//
// Decision (documented in docs/eval.md): a regression is a drop in solve rate, in percentage
// points, strictly greater than `maxDropPct`, measured on the problems both runs graded (so adding
// or removing problems never looks like a regression). The Wilson intervals are shown to say how
// much a difference can be noise, but do not decide: with a few dozen problems a 95% interval is
// +-10 to 15 points wide and would hide every real regression.
import { canonicalJson } from "./hash.ts";
import type { EvalResults, ProblemResult } from "./results.ts";

export interface Interval {
  low: number;
  high: number;
}

/** Wilson score interval for `successes` of `n` at normal quantile `z` (1.96: 95%). n = 0: [0, 1]. */
export function wilsonInterval(successes: number, n: number, z = 1.96): Interval {
  if (n <= 0) return { low: 0, high: 1 };
  const p = successes / n;
  const z2 = z * z;
  const denom = 1 + z2 / n;
  const center = (p + z2 / (2 * n)) / denom;
  const half = (z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / denom;
  return { low: Math.max(0, center - half), high: Math.min(1, center + half) };
}

export interface RunStats {
  problems: number;
  solved: number;
  rate: number;
  ci: Interval;
  oracle: number;
  oracleRate: number;
  /** Strategy -> share of problems its pick solved. */
  baselines: Record<string, number>;
  costUsd: number;
  calls: number;
  tokens: number;
  model: string;
}

export interface ProblemChange {
  id: string;
  title: string;
  /** The selected program's hidden-test result now and before. */
  now: string;
  before: string;
}

export interface Comparison {
  current: RunStats;
  baseline: RunStats;
  /** Problems graded in both runs. */
  common: number;
  /** Solve rates on the common problems, and the change in percentage points (negative: a drop). */
  commonRate: { current: number; baseline: number; deltaPp: number };
  maxDropPct: number;
  regression: boolean;
  /** One sentence: why this is or is not a regression. */
  verdict: string;
  newlyFailing: ProblemChange[];
  newlyPassing: ProblemChange[];
  /** In the current run only / in the baseline only. */
  added: string[];
  removed: string[];
  cost: { current: number; baseline: number; deltaUsd: number; deltaPct: number | null };
  /** Configuration that differs from the baseline (model, settings, ...): expected when trying a new model. */
  configChanges: string[];
}

function stats(r: EvalResults): RunStats {
  const n = r.summary.problems;
  const baselines: Record<string, number> = {};
  for (const [k, v] of Object.entries(r.summary.baselines)) baselines[k] = n === 0 ? 0 : v / n;
  return {
    problems: n,
    solved: r.summary.solved,
    rate: n === 0 ? 0 : r.summary.solved / n,
    ci: wilsonInterval(r.summary.solved, n),
    oracle: r.summary.oracle,
    oracleRate: n === 0 ? 0 : r.summary.oracle / n,
    baselines,
    costUsd: r.summary.usage.costUsd,
    calls: r.summary.usage.calls,
    tokens: r.summary.usage.promptTokens + r.summary.usage.completionTokens,
    model: r.config.model,
  };
}

function gradeText(p: ProblemResult): string {
  const s = p.selected;
  if (s.sample === null) return p.error ? `no program (${p.error})` : "no program selected";
  return s.passed ? `passes ${s.hiddenPassed}/${s.hiddenTotal}` : `fails ${s.hiddenTotal - s.hiddenPassed}/${s.hiddenTotal}${s.firstFailure ? ` (${s.firstFailure})` : ""}`;
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

export function compareResults(current: EvalResults, baseline: EvalResults, options: { maxDropPct: number }): Comparison {
  if (!(options.maxDropPct >= 0)) throw new Error(`--max-drop must be a number of percentage points >= 0, got ${options.maxDropPct}`);
  const before = new Map(baseline.problems.map((p) => [p.id, p]));
  const nowIds = new Set(current.problems.map((p) => p.id));
  const newlyFailing: ProblemChange[] = [];
  const newlyPassing: ProblemChange[] = [];
  let common = 0;
  let commonNow = 0;
  let commonBefore = 0;
  for (const p of current.problems) {
    const b = before.get(p.id);
    if (!b) continue;
    common++;
    if (p.selected.passed) commonNow++;
    if (b.selected.passed) commonBefore++;
    const change = { id: p.id, title: p.title, now: gradeText(p), before: gradeText(b) };
    if (b.selected.passed && !p.selected.passed) newlyFailing.push(change);
    if (!b.selected.passed && p.selected.passed) newlyPassing.push(change);
  }
  const byId = (x: ProblemChange, y: ProblemChange): number => (x.id < y.id ? -1 : x.id > y.id ? 1 : 0);
  newlyFailing.sort(byId);
  newlyPassing.sort(byId);
  const rateNow = common === 0 ? 0 : commonNow / common;
  const rateBefore = common === 0 ? 0 : commonBefore / common;
  const deltaPp = round2((rateNow - rateBefore) * 100);
  const regression = common > 0 && -deltaPp > options.maxDropPct;
  const verdict =
    common === 0
      ? "No problem is graded in both runs: nothing to compare."
      : regression
        ? `Regression: the solve rate dropped ${Math.abs(deltaPp)} points on ${common} common problems (allowed: ${options.maxDropPct}).`
        : deltaPp < 0
          ? `Within the threshold: the solve rate dropped ${Math.abs(deltaPp)} points on ${common} common problems (allowed: ${options.maxDropPct}).`
          : `No regression: the solve rate ${deltaPp > 0 ? `rose ${deltaPp} points` : "is unchanged"} on ${common} common problems.`;
  const cur = stats(current);
  const base = stats(baseline);
  return {
    current: cur,
    baseline: base,
    common,
    commonRate: { current: rateNow, baseline: rateBefore, deltaPp },
    maxDropPct: options.maxDropPct,
    regression,
    verdict,
    newlyFailing,
    newlyPassing,
    added: current.problems.filter((p) => !before.has(p.id)).map((p) => p.id).sort(),
    removed: baseline.problems.filter((p) => !nowIds.has(p.id)).map((p) => p.id).sort(),
    cost: {
      current: cur.costUsd,
      baseline: base.costUsd,
      deltaUsd: Math.round((cur.costUsd - base.costUsd) * 1e6) / 1e6,
      deltaPct: base.costUsd > 0 ? round2(((cur.costUsd - base.costUsd) / base.costUsd) * 100) : null,
    },
    configChanges: configChanges(current, baseline),
  };
}

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}
