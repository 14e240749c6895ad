// The cost benchmark's core: every problem solved by the real engine (`solve`), over real HTTP,
// through the real model client, against the replay (replay.ts), once per row (a named set of
// solve options); what each problem cost is read from the replay's ledger.
import { DEFAULT_SOLVE_OPTIONS, solve, type SolveOptions } from "../../src/engine/index.ts";
import { createModelClient } from "../../src/model/index.ts";
import type { Sandbox } from "../../src/sandbox/types.ts";
import type { SimJudge } from "../selection/sim.ts";
import { startCostReplay, type CostProblem, type LedgerEntry } from "./replay.ts";

/** US dollars per million tokens: gpt-4o-mini's list price (cached input at half the input price). */
export const PRICE = { model: "gpt-4o-mini", input: 0.15, cachedInput: 0.075, output: 0.6 } as const;

export interface CostRow {
  name: string;
  what: string;
  /** Solve options on top of the defaults (N=16, R=2, sstar). */
  options: Record<string, unknown>;
}

/**
 * The rows. The reference schedule and fixed-16 ask for each sample in its own request (as the
 * reference does); one request asks for all N with `n` (the engine's default); adaptive draws
 * waves of 4, 4, 8, each wave one request.
 */
export const ROWS: readonly CostRow[] = [
  {
    name: "reference",
    what: "the reference schedule: N=16 separate generation requests, sstar-reference selection",
    options: { samples: 16, selection: "sstar-reference", generationRequests: "separate" },
  },
  { name: "fixed-16", what: "N=16 separate generation requests, sstar selection", options: { samples: 16, selection: "sstar", generationRequests: "separate" } },
  { name: "fixed-16-one-request", what: "N=16 from one generation request (`n`), sstar selection", options: { samples: 16, selection: "sstar", generationRequests: "one" } },
  {
    name: "adaptive",
    what: "adaptive sampling in waves 4, 4, 8 up to 16 (one request per wave), sstar selection",
    options: { samples: "auto", maxSamples: 16, selection: "sstar", generationRequests: "one" },
  },
];

export interface ProblemCost {
  row: string;
  problem: string;
  requests: number;
  promptTokens: number;
  cachedPromptTokens: number;
  completionTokens: number;
  usd: number;
  /** The longest chain of requests each sent after the previous was answered. */
  criticalPathCalls: number;
  /** Measured wall time of the solve at the replay's latency. */
  wallMs: number;
  samplesDrawn: number;
  correct: boolean;
  /** Share of the pool's programs that are correct. */
  poolCorrectShare: number;
}

export function dollars(promptTokens: number, cachedPromptTokens: number, completion: number): number {
  return ((promptTokens - cachedPromptTokens) * PRICE.input + cachedPromptTokens * PRICE.cachedInput + completion * PRICE.output) / 1e6;
}

/** Longest chain of requests where each began after the one before it was answered. */
export function criticalPath(entries: readonly LedgerEntry[]): number {
  const sorted = [...entries].sort((a, b) => a.startMs - b.startMs);
  const depth: number[] = [];
  sorted.forEach((e, i) => {
    let d = 0;
    for (let j = 0; j < i; j++) if (sorted[j]!.endMs <= e.startMs) d = Math.max(d, depth[j]!);
    depth.push(d + 1);
  });
  return Math.max(0, ...depth);
}

export async function runCost(
  problems: readonly CostProblem[],
  rows: readonly CostRow[],
  opts: { seed: number; judge: SimJudge; latencyMs: number; sandbox: Sandbox; rounds?: number; log: (s: string) => void; label: string },
): Promise<ProblemCost[]> {
  const replay = await startCostReplay({ judge: opts.judge, latencyMs: opts.latencyMs });
  const out: ProblemCost[] = [];
  try {
    for (const row of rows) {
      for (const [n, p] of problems.entries()) {
        // The same draw for every row: rows are compared on the same programs.
        replay.begin(p, `${opts.seed}|${p.id}`);
        const model = createModelClient({ baseUrl: replay.url, apiKey: "bench", model: "replay:pool", cacheDir: null, concurrency: 17, maxRetries: 0 });
        const options = {
          ...DEFAULT_SOLVE_OPTIONS,
          rounds: opts.rounds ?? DEFAULT_SOLVE_OPTIONS.rounds,
          modelName: "replay:pool",
          judgeModelName: "replay:simulated-judge",
          sandboxName: opts.sandbox.backend,
          replay: true,
          ...row.options,
        } as SolveOptions;
        const t0 = performance.now();
        const report = await solve(p.spec, { model, sandbox: opts.sandbox }, options);
        const wallMs = performance.now() - t0;
        const entries = replay.ledger();
        const sum = (f: (e: LedgerEntry) => number) => entries.reduce((s, e) => s + f(e), 0);
        const promptTokens = sum((e) => e.promptTokens);
        const completionTokens = sum((e) => e.completionTokens);
        // The engine's own accounting (from `usage` in the replies) must agree with the ledger.
        const choices = sum((e) => e.choices);
        const cached = sum((e) => e.cachedPromptTokens);
        const counted = report.usage.total;
        if (counted.calls !== choices || counted.promptTokens !== promptTokens || counted.completionTokens !== completionTokens || (counted.cachedPromptTokens ?? 0) !== cached) {
          throw new Error(
            `bench:cost: ${p.id} (${row.name}): the engine counted ${counted.calls} calls / ${counted.promptTokens} prompt tokens (${counted.cachedPromptTokens ?? 0} cached) / ${counted.completionTokens} completion tokens, the replay served ${choices} / ${promptTokens} (${cached}) / ${completionTokens}`,
          );
        }
        if (report.status === "error") throw new Error(`bench:cost: ${p.id} (${row.name}): the solve failed: ${report.error ?? "no program"}`);
        const selectedCode = report.selected?.code.trim();
        const picked = selectedCode === undefined ? -1 : p.programs.findIndex((c) => c.trim() === selectedCode);
        if (selectedCode !== undefined && picked < 0) throw new Error(`bench:cost: ${p.id} (${row.name}): the selected program is not in the pool`);
        out.push({
          row: row.name,
          problem: p.id,
          requests: entries.length,
          promptTokens,
          cachedPromptTokens: cached,
          completionTokens,
          usd: dollars(promptTokens, cached, completionTokens),
          criticalPathCalls: criticalPath(entries),
          wallMs,
          samplesDrawn: report.samples.length,
          correct: picked >= 0 && p.correct[picked] === true,
          poolCorrectShare: p.correct.filter(Boolean).length / p.correct.length,
        });
        if ((n + 1) % 10 === 0) opts.log(`${opts.label} ${row.name}: ${n + 1}/${problems.length} problems`);
      }
    }
  } finally {
    await replay.close();
  }
  return out;
}

export interface RowSummary {
  row: string;
  problems: number;
  requests: number;
  promptTokens: number;
  cachedPromptTokens: number;
  completionTokens: number;
  usd: number;
  criticalPathCalls: number;
  wallMs: number;
  samplesDrawn: number;
  /** Share of all problems where a correct program was selected. */
  correctShare: number;
  /** Samples drawn per problem on the easy problems (at least 60% of the pool correct). */
  easySamplesDrawn: number | null;
  easyProblems: number;
}

export const EASY_SHARE = 0.6;

/** Per-problem means of one row. */
export function summarize(costs: readonly ProblemCost[], row: string): RowSummary {
  const xs = costs.filter((c) => c.row === row);
  const mean = (f: (c: ProblemCost) => number, of: readonly ProblemCost[] = xs) => (of.length === 0 ? 0 : of.reduce((s, c) => s + f(c), 0) / of.length);
  const easy = xs.filter((c) => c.poolCorrectShare >= EASY_SHARE);
  return {
    row,
    problems: xs.length,
    requests: mean((c) => c.requests),
    promptTokens: mean((c) => c.promptTokens),
    cachedPromptTokens: mean((c) => c.cachedPromptTokens),
    completionTokens: mean((c) => c.completionTokens),
    usd: mean((c) => c.usd),
    criticalPathCalls: mean((c) => c.criticalPathCalls),
    wallMs: mean((c) => c.wallMs),
    samplesDrawn: mean((c) => c.samplesDrawn),
    correctShare: mean((c) => (c.correct ? 1 : 0)),
    easySamplesDrawn: easy.length === 0 ? null : mean((c) => c.samplesDrawn, easy),
    easyProblems: easy.length,
  };
}
