// Accounting and the hard budget: plain arithmetic over our own records, no I/O.
//
// Each request reserves its worst case before it is sent (one call per choice it asks for; its
// estimated prompt tokens once plus max tokens per choice when set; the cost of those), so
// concurrent requests can't overrun the budget together. When the request ends the reservation is
// replaced by what was actually used.

import { BudgetExceededError, JUDGE_STAGES, type Stage, type StageUsage, type UsageSnapshot } from "./types.ts";

/** Hard limits on model spend; any may be left out. */
export interface BudgetLimits {
  calls?: number;
  tokens?: number;
  costUsd?: number;
}

/** The run's limits, and `perProblem`: the same kinds of limit for each problem on its own. */
export interface Budget extends BudgetLimits {
  perProblem?: BudgetLimits;
}

/**
 * A budget as text (the action's `budget` and `budget-per-problem`, the CLI's
 * `--budget-per-problem`): a plain number is a cap in US dollars ("5", "$2.50"); or a comma list of
 * `usd=…`, `calls=…`, `tokens=…`. Empty: none. Throws a one-line Error naming `name`.
 */
export function parseBudgetText(text: string, name: string): BudgetLimits | undefined {
  const v = text.trim();
  if (v === "") return undefined;
  const plain = v.replace(/^\$/, "");
  if (/^\d+(\.\d+)?$/.test(plain)) return { costUsd: Number(plain) };
  const limits: BudgetLimits = {};
  for (const part of v.split(",")) {
    const m = part.trim().match(/^(usd|cost|calls|tokens)\s*=\s*\$?(\d+(?:\.\d+)?(?:e\d+)?)$/i);
    if (m === null) throw new Error(`${name}: cannot read ${JSON.stringify(part.trim())}: use a dollar amount like 5 or a list like usd=5,calls=400,tokens=2000000`);
    const key = m[1]!.toLowerCase();
    const n = Number(m[2]);
    if (key === "calls" || key === "tokens") {
      if (!Number.isInteger(n) || n < 1) throw new Error(`${name}: ${key} must be a positive integer`);
      limits[key] = n;
    } else limits.costUsd = n;
  }
  return limits;
}

/**
 * US dollars per million tokens. Judge prices apply to the judge stages when given. Cached
 * prompt tokens cost `cachedInputPerMTok`, or the input price when it is not given (and, for the
 * judge stages, the judge input price when that is given).
 */
export interface Prices {
  inputPerMTok: number;
  outputPerMTok: number;
  cachedInputPerMTok?: number;
  judgeInputPerMTok?: number;
  judgeOutputPerMTok?: number;
}

export interface Reservation {
  readonly stage: Stage;
  readonly problemId: string;
  /** Choices reserved (calls, for the calls cap). */
  readonly calls: number;
  readonly tokens: number;
  readonly costUsd: number;
}

export interface CallOutcome {
  promptTokens: number;
  /** Of the prompt tokens, those the provider's cache served; default 0. */
  cachedPromptTokens?: number;
  completionTokens: number;
  /** Attempts beyond the first. */
  retries: number;
  /** The call ended in an error (it was still sent, so it still counts as a call). */
  failed: boolean;
  /** Of a request's choices, those that failed on their own (a garbled streamed choice); default: all when `failed`. */
  failedCalls?: number;
  /** Choices the request was counted for; default: all it reserved (fewer when the server answered fewer). */
  calls?: number;
  /** HTTP requests it took; default 1 (0 for a replayed choice that shared another's request). */
  requests?: number;
}

export function emptyUsage(): StageUsage {
  return { calls: 0, requests: 0, cachedCalls: 0, promptTokens: 0, cachedPromptTokens: 0, completionTokens: 0, costUsd: 0, retries: 0, failedCalls: 0 };
}

/** About four characters a token: good enough to reserve budget before the server counts. */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

/** `promptTokens` includes `cachedPromptTokens`, which are priced apart. */
export function callCost(stage: Stage, promptTokens: number, completionTokens: number, prices: Prices | undefined, cachedPromptTokens = 0): number {
  if (prices === undefined) return 0;
  const judge = JUDGE_STAGES.includes(stage);
  const input = judge ? (prices.judgeInputPerMTok ?? prices.inputPerMTok) : prices.inputPerMTok;
  const output = judge ? (prices.judgeOutputPerMTok ?? prices.outputPerMTok) : prices.outputPerMTok;
  const cachedInput = judge && prices.judgeInputPerMTok !== undefined ? prices.judgeInputPerMTok : (prices.cachedInputPerMTok ?? input);
  const cached = Math.min(cachedPromptTokens, promptTokens);
  return ((promptTokens - cached) * input + cached * cachedInput + completionTokens * output) / 1_000_000;
}

function add(into: StageUsage, delta: Partial<StageUsage>): void {
  into.calls += delta.calls ?? 0;
  into.requests = (into.requests ?? 0) + (delta.requests ?? 0);
  into.cachedCalls += delta.cachedCalls ?? 0;
  into.promptTokens += delta.promptTokens ?? 0;
  into.cachedPromptTokens = (into.cachedPromptTokens ?? 0) + (delta.cachedPromptTokens ?? 0);
  into.completionTokens += delta.completionTokens ?? 0;
  into.costUsd += delta.costUsd ?? 0;
  into.retries = (into.retries ?? 0) + (delta.retries ?? 0);
  into.failedCalls = (into.failedCalls ?? 0) + (delta.failedCalls ?? 0);
}

function formatUsd(value: number): string {
  return `$${value.toFixed(value < 1 ? 4 : 2)}`;
}

/** Calls, tokens and dollars: what a request may take, and what a scope holds in reservations. */
interface Amounts {
  calls: number;
  tokens: number;
  costUsd: number;
}

/** Where a limit was set, for the refusal's line: the run's budget or the per-problem one. */
interface LimitNames {
  calls: string;
  tokens: string;
  costUsd: string;
  /** "" for the run; " for problem p" for a problem's own budget. */
  of: string;
}

const RUN_LIMITS: LimitNames = {
  calls: "--budget-calls; action input budget calls=N",
  tokens: "--budget-tokens; action input budget tokens=N",
  costUsd: "--budget-usd; action input budget",
  of: "",
};

const problemLimits = (problemId: string): LimitNames => ({
  calls: "--budget-per-problem calls=N; action input budget-per-problem",
  tokens: "--budget-per-problem tokens=N; action input budget-per-problem",
  costUsd: "--budget-per-problem usd=X; action input budget-per-problem",
  of: ` of problem ${problemId}`,
});

/** One scope of accounting (the run, or one problem): what it used and what its calls in flight reserved. */
class Scope {
  readonly used = emptyUsage();
  readonly reserved: Amounts = { calls: 0, tokens: 0, costUsd: 0 };

  hold(amounts: Amounts, sign: 1 | -1): void {
    this.reserved.calls += sign * amounts.calls;
    this.reserved.tokens += sign * amounts.tokens;
    this.reserved.costUsd += sign * amounts.costUsd;
  }

  /** Why `ask` can't start within `limits` (one line), or undefined when it fits. */
  refusal(limits: BudgetLimits, names: LimitNames, ask: Amounts, what: string): string | undefined {
    const { used, reserved } = this;
    const tokens = used.promptTokens + used.completionTokens;
    if (limits.calls !== undefined && used.calls + reserved.calls + ask.calls > limits.calls) {
      return `model budget reached: ${used.calls + reserved.calls} of ${limits.calls} calls used${names.of} (${names.calls}); ${what}`;
    }
    if (limits.tokens !== undefined && tokens + reserved.tokens + ask.tokens > limits.tokens) {
      return (
        `model budget reached: ${tokens} tokens used${names.of}, ${reserved.tokens} reserved by calls in flight, ` +
        `and this call may take ${ask.tokens}, over the token budget of ${limits.tokens} (${names.tokens}); ${what}`
      );
    }
    if (limits.costUsd !== undefined && used.costUsd + reserved.costUsd + ask.costUsd > limits.costUsd) {
      return (
        `model budget reached: ${formatUsd(used.costUsd)} spent${names.of}, ${formatUsd(reserved.costUsd)} reserved, ` +
        `and this call may cost ${formatUsd(ask.costUsd)}, over the budget of ${formatUsd(limits.costUsd)} (${names.costUsd}); ${what}`
      );
    }
    return undefined;
  }
}

/**
 * The run's accounting and its hard budget: reserve before a request, settle when it ends,
 * release when it never went out. Kept per run, per stage, per problem and per problem and stage
 * (the report prices each stage from its own tokens).
 */
export class Ledger {
  private readonly run = new Scope();
  private readonly problems = new Map<string, Scope>();
  private readonly byStage: Partial<Record<Stage, StageUsage>> = {};
  private readonly byProblemStage: Record<string, Partial<Record<Stage, StageUsage>>> = {};
  private exceeded: string | undefined;

  constructor(
    private readonly budget: Budget | undefined,
    private readonly prices: Prices | undefined,
  ) {}

  /** Reserve one request for `choices` calls, or throw BudgetExceededError when it could pass the budget. */
  reserve(stage: Stage, problemId: string, estimatedPromptTokens: number, maxTokens: number | undefined, choices = 1): Reservation {
    const ask = this.worstCase(stage, estimatedPromptTokens, maxTokens, choices);
    const reason = this.refusal(stage, problemId, ask, choices);
    if (reason !== undefined) throw this.refuse(reason);
    this.run.hold(ask, 1);
    this.problem(problemId).hold(ask, 1);
    return { stage, problemId, ...ask };
  }

  /**
   * Reserve one request for as many of `wanted` choices as fit (at least one, else
   * BudgetExceededError); `refused` is the reason the others don't fit.
   */
  reserveUpTo(stage: Stage, problemId: string, estimatedPromptTokens: number, maxTokens: number | undefined, wanted: number): { reservation: Reservation; refused?: string } {
    const fits = (n: number) => this.refusal(stage, problemId, this.worstCase(stage, estimatedPromptTokens, maxTokens, n), n) === undefined;
    let choices = wanted;
    while (choices > 1 && !fits(choices)) choices--;
    const reservation = this.reserve(stage, problemId, estimatedPromptTokens, maxTokens, choices);
    if (choices === wanted) return { reservation };
    // Why the next choice doesn't fit, worded as a call of its own (its prompt is already reserved).
    const refused = this.refusal(stage, problemId, this.worstCase(stage, 0, maxTokens, 1), 1) ?? `model budget reached; not starting a ${stage} call for problem ${problemId}`;
    this.exceeded ??= refused;
    return { reservation, refused };
  }

  /** A refusal the recording made (a cassette replayed): refused again with the same line. */
  refuse(reason: string): BudgetExceededError {
    this.exceeded ??= reason;
    return new BudgetExceededError(reason);
  }

  /** A reserved request that never reached the server (cancelled while queued, refused `n`): nothing to count. */
  release(reservation: Reservation): void {
    this.run.hold(reservation, -1);
    this.problem(reservation.problemId).hold(reservation, -1);
  }

  /** Replace a reservation by what the request actually used. */
  settle(reservation: Reservation, outcome: CallOutcome): void {
    this.release(reservation);
    const calls = outcome.calls ?? reservation.calls;
    this.record(reservation.stage, reservation.problemId, {
      calls,
      requests: outcome.requests ?? 1,
      promptTokens: outcome.promptTokens,
      cachedPromptTokens: outcome.cachedPromptTokens ?? 0,
      completionTokens: outcome.completionTokens,
      costUsd: callCost(reservation.stage, outcome.promptTokens, outcome.completionTokens, this.prices, outcome.cachedPromptTokens ?? 0),
      retries: outcome.retries,
      failedCalls: outcome.failedCalls ?? (outcome.failed ? calls : 0),
    });
  }

  /** A reply served from the cache: free, so only counted. */
  cached(stage: Stage, problemId: string): void {
    this.record(stage, problemId, { cachedCalls: 1 });
  }

  snapshot(): UsageSnapshot {
    const copy = (u: StageUsage): StageUsage => ({ ...u });
    const copyStages = (stages: Partial<Record<Stage, StageUsage>>) => Object.fromEntries(Object.entries(stages).map(([k, v]) => [k, copy(v)]));
    const snapshot: UsageSnapshot = {
      total: copy(this.run.used),
      byStage: copyStages(this.byStage),
      byProblem: Object.fromEntries([...this.problems].map(([k, v]) => [k, copy(v.used)])),
      byProblemStage: Object.fromEntries(Object.entries(this.byProblemStage).map(([k, v]) => [k, copyStages(v)])),
      priced: this.prices !== undefined,
    };
    if (this.exceeded !== undefined) snapshot.budgetExceeded = this.exceeded;
    return snapshot;
  }

  /** What a request may take at most: every choice, its prompt once and max tokens per choice. */
  private worstCase(stage: Stage, estimatedPromptTokens: number, maxTokens: number | undefined, choices: number): Amounts {
    const completion = (maxTokens ?? 0) * choices;
    return { calls: choices, tokens: estimatedPromptTokens + completion, costUsd: callCost(stage, estimatedPromptTokens, completion, this.prices) };
  }

  /** The run's budget first, then the problem's own. */
  private refusal(stage: Stage, problemId: string, ask: Amounts, choices: number): string | undefined {
    const what = `not starting ${choices > 1 ? `${choices} ${stage} calls` : `a ${stage} call`} for problem ${problemId}`;
    const perProblem = this.budget?.perProblem;
    return (
      this.run.refusal(this.budget ?? {}, RUN_LIMITS, ask, what) ??
      (perProblem !== undefined ? this.problem(problemId).refusal(perProblem, problemLimits(problemId), ask, what) : undefined)
    );
  }

  private problem(problemId: string): Scope {
    let scope = this.problems.get(problemId);
    if (scope === undefined) this.problems.set(problemId, (scope = new Scope()));
    return scope;
  }

  private record(stage: Stage, problemId: string, delta: Partial<StageUsage>): void {
    add(this.run.used, delta);
    add((this.byStage[stage] ??= emptyUsage()), delta);
    add(this.problem(problemId).used, delta);
    add(((this.byProblemStage[problemId] ??= {})[stage] ??= emptyUsage()), delta);
  }
}
