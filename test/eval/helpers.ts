// Builders for EvalResults objects in unit tests: plain data, as a results file would hold it.
import { createServer } from "node:net";
import { specSetHash } from "../../src/eval/hash.ts";
import type { NotAttemptedCause } from "../../src/eval/outcome.ts";
import { EVAL_RESULTS_KIND, EVAL_RESULTS_VERSION, sortById, summarize, type EvalConfig, type EvalResults, type ProblemResult } from "../../src/eval/results.ts";

export interface ProblemOpts {
  id: string;
  passed?: boolean;
  first?: boolean;
  majority?: boolean;
  oracle?: boolean;
  costUsd?: number;
  calls?: number;
  wallMs?: number;
  title?: string;
  hash?: string;
  /** Not attempted, for this cause (the grade fields then say "no program"). */
  notAttempted?: NotAttemptedCause;
  /** --confirm retries: true passed, false failed. */
  confirm?: boolean[];
}

export function problem(o: ProblemOpts): ProblemResult {
  const passed = o.passed ?? true;
  if (o.notAttempted !== undefined) {
    const none = (strategy: string) => ({ strategy, sample: null, passed: false, hiddenPassed: 0, hiddenTotal: 5 });
    return {
      id: o.id,
      title: o.title ?? `Problem ${o.id}`,
      specHash: o.hash ?? `sha256:${o.id}`,
      outcome: "not-attempted",
      notAttempted: { cause: o.notAttempted, detail: `${o.notAttempted} (test)` },
      status: "error",
      error: `${o.notAttempted} (test)`,
      selected: none("sstar"),
      baselines: [none("first"), none("majority")],
      oracle: { passed: false, candidates: 0, passing: 0 },
      usage: { calls: 0, cachedCalls: 0, promptTokens: 0, completionTokens: 0, costUsd: 0 },
      wallMs: 0,
      gradeMs: 0,
      finishedAt: "2025-01-01T00:00:00.000Z",
    };
  }
  const grade = (ok: boolean) => ({ passed: ok, hiddenPassed: ok ? 5 : 3, hiddenTotal: 5, ...(ok ? {} : { firstFailure: "hidden-4: wrong-answer" }) });
  return {
    id: o.id,
    title: o.title ?? `Problem ${o.id}`,
    specHash: o.hash ?? `sha256:${o.id}`,
    outcome: passed ? "passed" : "failed",
    status: "solved",
    selected: { strategy: "sstar", sample: 0, ...grade(passed) },
    baselines: [
      { strategy: "first", sample: 0, ...grade(o.first ?? passed) },
      { strategy: "majority", sample: 1, ...grade(o.majority ?? passed) },
    ],
    oracle: { passed: o.oracle ?? passed, candidates: 3, passing: (o.oracle ?? passed) ? 1 : 0 },
    usage: { calls: o.calls ?? 10, cachedCalls: 0, promptTokens: 1000, completionTokens: 500, costUsd: o.costUsd ?? 0.01 },
    ...(o.confirm !== undefined
      ? {
          confirm: {
            runs: o.confirm.map((ok) => ({ outcome: ok ? ("passed" as const) : ("failed" as const), ...grade(ok) })).map(({ passed: _p, ...run }) => run),
            usage: { calls: 3, cachedCalls: 0, promptTokens: 100, completionTokens: 50, costUsd: 0.001 },
          },
        }
      : {}),
    wallMs: o.wallMs ?? 1000,
    gradeMs: 100,
    finishedAt: "2025-01-01T00:00:00.000Z",
  };
}

export function config(ids: readonly string[], over: Partial<EvalConfig> = {}): EvalConfig {
  const specHashes = Object.fromEntries(ids.map((id) => [id, `sha256:${id}`]));
  return {
    model: "gpt-test",
    judgeModel: "gpt-test",
    sandbox: "bwrap",
    settings: { samples: 8, rounds: 2, selection: "sstar", temperature: 0.7 },
    tool: { name: "sstar", version: "0.1.0" },
    specSetHash: specSetHash(specHashes),
    specHashes,
    shard: null,
    ...over,
  };
}

export function results(problems: readonly ProblemResult[], cfg: EvalConfig, startedAt = "2025-01-01T00:00:00.000Z"): EvalResults {
  const sorted = sortById(problems);
  return {
    kind: EVAL_RESULTS_KIND,
    version: EVAL_RESULTS_VERSION,
    config: cfg,
    skipped: [],
    problems: sorted,
    summary: summarize(sorted),
    meta: { startedAt, updatedAt: startedAt },
  };
}

/** One run split into shards by the given id lists. */
export function shards(all: readonly ProblemResult[], split: readonly (readonly string[])[], over: Partial<EvalConfig> = {}): EvalResults[] {
  const ids = all.map((p) => p.id);
  return split.map((part, i) =>
    results(
      all.filter((p) => part.includes(p.id)),
      config(ids, { ...over, shard: { index: i + 1, count: split.length, problems: [...part].sort() } }),
      `2025-01-0${i + 1}T00:00:00.000Z`,
    ),
  );
}

/** A local port nothing listens on (bound, then closed): connections to it are refused. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
