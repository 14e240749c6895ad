// What the run spent, as outputs a workflow can act on (cost-usd, prompt-tokens, completion-tokens,
// cached-tokens, requests: summed over problems, "0" when nothing was spent, never empty) and as
// one line of the job summary.
import type { SolveReport } from "../engine/report.ts";
import type { EvalUsage } from "../eval/results.ts";

export const COST_OUTPUT_NAMES = ["cost-usd", "prompt-tokens", "completion-tokens", "cached-tokens", "requests"] as const;
export type CostOutputs = Record<(typeof COST_OUTPUT_NAMES)[number], string>;

export interface RunSpend {
  costUsd: number;
  promptTokens: number;
  completionTokens: number;
  /** Prompt tokens the provider's cache served (part of promptTokens). */
  cachedTokens: number;
  requests: number;
  /** Why the dollars are not a cost (no prices set, usage unreadable), from the first report that said so. */
  costNote?: string;
}

export function noSpend(): RunSpend {
  return { costUsd: 0, promptTokens: 0, completionTokens: 0, cachedTokens: 0, requests: 0 };
}

/** The sum over the problems' reports. */
export function spendOfReports(reports: Iterable<SolveReport>): RunSpend {
  const spend = noSpend();
  for (const r of reports) {
    const t = r.usage.total;
    spend.costUsd += t.costUsd;
    spend.promptTokens += t.promptTokens;
    spend.completionTokens += t.completionTokens;
    spend.cachedTokens += t.cachedPromptTokens ?? 0;
    spend.requests += t.requests ?? 0;
    if (r.usage.costNote !== undefined) spend.costNote ??= r.usage.costNote;
  }
  return spend;
}

/** An evaluation's totals (schedule mode). */
export function spendOfEval(usage: EvalUsage): RunSpend {
  return {
    costUsd: usage.costUsd,
    promptTokens: usage.promptTokens,
    completionTokens: usage.completionTokens,
    cachedTokens: usage.cachedPromptTokens ?? 0,
    requests: usage.requests ?? 0,
  };
}

/** Numbers as text a workflow compares: dollars to the micro-dollar, "0" for nothing. */
export function costOutputs(spend: RunSpend): CostOutputs {
  return {
    "cost-usd": String(Number(spend.costUsd.toFixed(6))),
    "prompt-tokens": String(spend.promptTokens),
    "completion-tokens": String(spend.completionTokens),
    "cached-tokens": String(spend.cachedTokens),
    requests: String(spend.requests),
  };
}

/** The job summary's cost line. */
export function spendSummary(spend: RunSpend): string {
  const dollars = spend.costNote !== undefined ? `cost unknown (${spend.costNote})` : `$${spend.costUsd.toFixed(4)}`;
  return `**Model spend:** ${dollars}; ${spend.requests} requests; ${spend.promptTokens} prompt tokens (${spend.cachedTokens} cached), ${spend.completionTokens} completion tokens.`;
}
