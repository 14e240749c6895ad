// The report's usage section: calls and tokens per stage from this run's own records, wall time
// per stage from the stage clock, and cost from the model client's accounting for this problem
// (the client knows the prices), shared out over the stages by their tokens.
import type { Stage, UsageSnapshot } from "../model/types.ts";
import type { SolveReport } from "./report.ts";
import type { StageCounts } from "./usage.ts";

type Usage = SolveReport["usage"];
type StageUsage = Usage["total"];

export function problemCost(before: UsageSnapshot | undefined, after: UsageSnapshot | undefined, problemId: string): number {
  const a = after?.byProblem[problemId]?.costUsd ?? 0;
  const b = before?.byProblem[problemId]?.costUsd ?? 0;
  return Math.max(0, a - b);
}

export function buildUsage(byStage: Partial<Record<Stage, StageCounts>>, wallMs: Record<string, number>, costUsd: number): Usage {
  const entries = Object.entries(byStage) as [Stage, StageCounts][];
  const tokens = entries.reduce((n, [, s]) => n + s.promptTokens + s.completionTokens, 0);
  const out: Record<string, StageUsage> = {};
  const total: StageUsage = { calls: 0, cachedCalls: 0, promptTokens: 0, cachedPromptTokens: 0, completionTokens: 0, costUsd, wallMs: wallMs.total ?? 0 };
  for (const [stage, s] of entries) {
    const share = tokens > 0 ? (s.promptTokens + s.completionTokens) / tokens : 0;
    out[stage] = {
      calls: s.calls,
      cachedCalls: s.cachedCalls,
      promptTokens: s.promptTokens,
      cachedPromptTokens: s.cachedPromptTokens,
      completionTokens: s.completionTokens,
      ...(s.failedCalls > 0 ? { failedCalls: s.failedCalls } : {}),
      costUsd: costUsd * share,
      ...(wallMs[stage] !== undefined ? { wallMs: wallMs[stage] } : {}),
    };
    total.calls += s.calls;
    total.cachedCalls += s.cachedCalls;
    total.promptTokens += s.promptTokens;
    total.cachedPromptTokens = (total.cachedPromptTokens ?? 0) + s.cachedPromptTokens;
    total.completionTokens += s.completionTokens;
  }
  return { total, byStage: out };
}
