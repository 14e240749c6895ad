// A real solve report, built by hand and validated by the report's zod schema: two clusters that
// disagree on one synthesized input, a judge that prefers cluster c0.
import { solveReportSchema, type SolveReport } from "../../src/engine/report.ts";

const usage = { calls: 9, cachedCalls: 0, promptTokens: 4200, completionTokens: 900, costUsd: 0.0123 };

export function makeReport(overrides: { status?: "solved" | "unsolved"; code?: string; id?: string; title?: string } = {}): SolveReport {
  const status = overrides.status ?? "solved";
  const code = overrides.code ?? "a, b = map(int, input().split())\nprint(a + b)\n";
  const wrong = "a, b = map(int, input().split())\nprint(abs(a) + b)\n";
  const sample = (index: number, finalCode: string, passed: number) => ({
    index,
    rounds: [{ round: 0, code: finalCode, publicResults: [{ test: "public-1", verdict: passed === 2 ? ("accepted" as const) : ("wrong-answer" as const), timeMs: 12 }], publicPassed: passed, publicTotal: 2 }],
    finalCode,
    publicPassed: passed,
    publicTotal: 2,
  });
  return solveReportSchema.parse({
    version: 1,
    problem: { id: overrides.id ?? "issue-7", title: overrides.title ?? "Sum of two integers", language: "python", io: "stdio" },
    settings: { model: "test-model", judgeModel: "test-model", samples: 2, rounds: 1, selection: "sstar", temperature: 0.7, sandbox: "bwrap", replay: false },
    status,
    samples: status === "solved" ? [sample(0, code, 2), sample(1, wrong, 2)] : [sample(0, wrong, 1), sample(1, wrong, 0)],
    inputs: [{ id: "s1", input: "-3 5\n", origin: "synthesized" }],
    clusters:
      status === "solved"
        ? [
            { id: "c0", members: [0], representative: 0, outputs: { s1: "2" } },
            { id: "c1", members: [1], representative: 1, outputs: { s1: "8" } },
          ]
        : [],
    matches:
      status === "solved"
        ? [
            {
              a: "c0",
              b: "c1",
              inputs: [{ inputId: "s1", input: "-3 5\n", outputA: "2", outputB: "8" }],
              votes: [
                { order: "ab", choice: "a", reasoning: "-3 + 5 = 2" },
                { order: "ba", choice: "a", reasoning: "A is right" },
              ],
              winner: "a",
            },
          ]
        : [],
    selection:
      status === "solved"
        ? { strategy: "sstar", selectedSample: 0, selectedCluster: "c0", reason: "c0 won its only match on a distinguishing input." }
        : { strategy: "sstar", selectedSample: null, selectedCluster: null, reason: "no candidate passed every public test", fallback: "none" },
    baselines: [{ strategy: "first", selectedSample: 0 }],
    selected: status === "solved" ? { sample: 0, code, publicPassed: 2, publicTotal: 2 } : null,
    usage: { total: usage, byStage: { generate: usage } },
    timings: { totalMs: 1234, byStageMs: { generate: 800, select: 400 } },
    startedAt: "2025-01-01T00:00:00.000Z",
  });
}
