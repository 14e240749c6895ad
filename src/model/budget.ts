// Accounting and the hard budget: plain arithmetic over our own records, no I/O.
//
// Each request reserves its worst case before it is sent (one call per choice it asks for; its
// estimated prompt tokens once plus max tokens per choice when set; the cost of those), so
// concurrent requests can't overrun the budget together. When the request ends the reservation is
// replaced by what was actually used.

import { BudgetExceededError, JUDGE_STAGES, type Stage, type StageUsage, type UsageSnapshot } from "./types.ts";

export interface Budget {
  calls?: number;
  tokens?: number;
  costUsd?: number;
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

export class Ledger {
  private readonly total = emptyUsage();
  private readonly byStage: Partial<Record<Stage, StageUsage>> = {};
  private readonly byProblem: Record<string, StageUsage> = {};
  private reservedCalls = 0;
  private reservedTokens = 0;
  private reservedCost = 0;
  private exceeded: string | undefined;

  constructor(
    private readonly budget: Budget | undefined,
    private readonly prices: Prices | undefined,
  ) {}

  /** Reserve one request for `choices` calls, or throw BudgetExceededError when it could pass the budget. */
  reserve(stage: Stage, problemId: string, estimatedPromptTokens: number, maxTokens: number | undefined, choices = 1): Reservation {
    const reason = this.refusal(stage, problemId, estimatedPromptTokens, maxTokens, choices);
    if (reason !== undefined) {
      this.exceeded ??= reason;
      throw new BudgetExceededError(reason);
    }
    const tokens = estimatedPromptTokens + (maxTokens ?? 0) * choices;
    const costUsd = callCost(stage, estimatedPromptTokens, (maxTokens ?? 0) * choices, this.prices);
    this.reservedCalls += choices;
    this.reservedTokens += tokens;
    this.reservedCost += costUsd;
    return { stage, problemId, calls: choices, tokens, costUsd };
  }

  /**
   * Reserve one request for as many of `wanted` choices as fit (at least one, else
   * BudgetExceededError); `refused` is the reason the others don't fit.
   */
  reserveUpTo(stage: Stage, problemId: string, estimatedPromptTokens: number, maxTokens: number | undefined, wanted: number): { reservation: Reservation; refused?: string } {
    let choices = wanted;
    while (choices > 1 && this.refusal(stage, problemId, estimatedPromptTokens, maxTokens, choices) !== undefined) choices--;
    const reservation = this.reserve(stage, problemId, estimatedPromptTokens, maxTokens, choices);
    if (choices === wanted) return { reservation };
    // Why the next choice doesn't fit, worded as a call of its own (its prompt is already reserved).
    const refused = this.refusal(stage, problemId, 0, maxTokens, 1) ?? `model budget reached; not starting a ${stage} call for problem ${problemId}`;
    this.exceeded ??= refused;
    return { reservation, refused };
  }

  private refusal(stage: Stage, problemId: string, estimatedPromptTokens: number, maxTokens: number | undefined, choices: number): string | undefined {
    const tokens = estimatedPromptTokens + (maxTokens ?? 0) * choices;
    const costUsd = callCost(stage, estimatedPromptTokens, (maxTokens ?? 0) * choices, this.prices);
    const budget = this.budget ?? {};
    const what = `not starting ${choices > 1 ? `${choices} ${stage} calls` : `a ${stage} call`} for problem ${problemId}`;
    if (budget.calls !== undefined && this.total.calls + this.reservedCalls + choices > budget.calls) {
      return `model budget reached: ${this.total.calls + this.reservedCalls} of ${budget.calls} calls used (--budget-calls; action input budget calls=N); ${what}`;
    }
    if (budget.tokens !== undefined && this.usedTokens() + this.reservedTokens + tokens > budget.tokens) {
      return (
        `model budget reached: ${this.usedTokens()} tokens used, ${this.reservedTokens} reserved by calls in flight, ` +
        `and this call may take ${tokens}, over the token budget of ${budget.tokens} (--budget-tokens; action input budget tokens=N); ${what}`
      );
    }
    if (budget.costUsd !== undefined && this.total.costUsd + this.reservedCost + costUsd > budget.costUsd) {
      return (
        `model budget reached: ${formatUsd(this.total.costUsd)} spent, ${formatUsd(this.reservedCost)} reserved, ` +
        `and this call may cost ${formatUsd(costUsd)}, over the budget of ${formatUsd(budget.costUsd)} (--budget-usd; action input budget); ${what}`
      );
    }
    return undefined;
  }

  /** A reserved request that never reached the server (cancelled while queued, refused `n`): nothing to count. */
  release(reservation: Reservation): void {
    this.reservedCalls -= reservation.calls;
    this.reservedTokens -= reservation.tokens;
    this.reservedCost -= reservation.costUsd;
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
      failedCalls: outcome.failed ? calls : 0,
    });
  }

  /** A reply served from the cache: free, so only counted. */
  cached(stage: Stage, problemId: string): void {
    this.record(stage, problemId, { cachedCalls: 1 });
  }

  snapshot(): UsageSnapshot {
    const copy = (u: StageUsage): StageUsage => ({ ...u });
    const snapshot: UsageSnapshot = {
      total: copy(this.total),
      byStage: Object.fromEntries(Object.entries(this.byStage).map(([k, v]) => [k, copy(v)])),
      byProblem: Object.fromEntries(Object.entries(this.byProblem).map(([k, v]) => [k, copy(v)])),
    };
    if (this.exceeded !== undefined) snapshot.budgetExceeded = this.exceeded;
    return snapshot;
  }

  private usedTokens(): number {
    return this.total.promptTokens + this.total.completionTokens;
  }

  private record(stage: Stage, problemId: string, delta: Partial<StageUsage>): void {
    add(this.total, delta);
    add((this.byStage[stage] ??= emptyUsage()), delta);
    add((this.byProblem[problemId] ??= emptyUsage()), delta);
  }
}
