// The report's usage section: calls and tokens per stage from this run's own records, wall time
// per stage from the stage clock, and cost, requests and retries per stage from the model
// client's accounting for this problem (the client knows the prices: each stage is priced from
// its own input, cached input and output tokens at its own prices, judge prices included).
import type { Stage, StageUsage as ClientStageUsage, UsageSnapshot } from "../model/types.ts";
import type { SolveReport } from "./report.ts";
import type { StageCounts } from "./usage.ts";

type Usage = SolveReport["usage"];
type StageUsage = Usage["total"];

/** The model client's usage at one moment, or why it could not be read. */
export type UsageReading = { snapshot: UsageSnapshot } | { error: string };

/** What the client billed this problem: in all and per stage, or why the cost is unknown. */
export interface ProblemSpend {
  costUsd: number;
  byStage: Partial<Record<Stage, { costUsd: number; requests: number; retries: number }>>;
  /** Set when the cost can't be given (usage unreadable, no prices, no per-stage usage): said, never a silent $0. */
  costNote?: string;
}

const NO_PRICES = "no prices set (--price-input, --price-output; action inputs price-input, price-output), so no cost was computed";

function delta(after: ClientStageUsage | undefined, before: ClientStageUsage | undefined): { costUsd: number; requests: number; retries: number } {
  return {
    costUsd: Math.max(0, (after?.costUsd ?? 0) - (before?.costUsd ?? 0)),
    requests: Math.max(0, (after?.requests ?? 0) - (before?.requests ?? 0)),
    retries: Math.max(0, (after?.retries ?? 0) - (before?.retries ?? 0)),
  };
}

/** The difference the solve made to the client's usage of `problemId`. */
export function problemSpend(before: UsageReading, after: UsageReading, problemId: string): ProblemSpend {
  const failed = "error" in before ? before.error : "error" in after ? after.error : undefined;
  if (failed !== undefined || !("snapshot" in before) || !("snapshot" in after)) {
    return { costUsd: 0, byStage: {}, costNote: `the model client's usage could not be read (${failed ?? "no usage"}), so the cost is unknown` };
  }
  const [b, a] = [before.snapshot, after.snapshot];
  const costUsd = delta(a.byProblem[problemId], b.byProblem[problemId]).costUsd;
  const stagesAfter = a.byProblemStage?.[problemId];
  const stagesBefore = b.byProblemStage?.[problemId] ?? {};
  const byStage: ProblemSpend["byStage"] = {};
  for (const stage of Object.keys(stagesAfter ?? {}) as Stage[]) byStage[stage] = delta(stagesAfter?.[stage], stagesBefore[stage]);
  const spend: ProblemSpend = { costUsd, byStage };
  if (a.priced === false) spend.costNote = NO_PRICES;
  else if (stagesAfter === undefined && costUsd > 0) spend.costNote = "the model client gives no usage per stage, so only the total cost is known";
  return spend;
}

function stageRow(s: StageCounts, spend: ProblemSpend["byStage"][Stage] | undefined, wallMs: number | undefined): StageUsage {
  return {
    calls: s.calls,
    ...(spend !== undefined ? { requests: spend.requests, retries: spend.retries } : {}),
    cachedCalls: s.cachedCalls,
    promptTokens: s.promptTokens,
    cachedPromptTokens: s.cachedPromptTokens,
    completionTokens: s.completionTokens,
    ...(s.failedCalls > 0 ? { failedCalls: s.failedCalls } : {}),
    costUsd: spend?.costUsd ?? 0,
    ...(wallMs !== undefined ? { wallMs } : {}),
  };
}

export function buildUsage(byStage: Partial<Record<Stage, StageCounts>>, wallMs: Record<string, number>, spend: ProblemSpend): Usage {
  const entries = Object.entries(byStage) as [Stage, StageCounts][];
  const out: Record<string, StageUsage> = {};
  const total: StageUsage = { calls: 0, requests: 0, retries: 0, cachedCalls: 0, promptTokens: 0, cachedPromptTokens: 0, completionTokens: 0, costUsd: spend.costUsd, wallMs: wallMs.total ?? 0 };
  for (const [stage, s] of entries) {
    out[stage] = stageRow(s, spend.byStage[stage], wallMs[stage]);
    total.calls += s.calls;
    total.cachedCalls += s.cachedCalls;
    total.promptTokens += s.promptTokens;
    total.cachedPromptTokens = (total.cachedPromptTokens ?? 0) + s.cachedPromptTokens;
    total.completionTokens += s.completionTokens;
  }
  for (const s of Object.values(spend.byStage)) {
    total.requests = (total.requests ?? 0) + s.requests;
    total.retries = (total.retries ?? 0) + s.retries;
  }
  return { total, byStage: out, ...(spend.costNote !== undefined ? { costNote: spend.costNote } : {}) };
}
