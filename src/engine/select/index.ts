// Selection stage: the public surface the engine codes against.
import { baselines, firstBaseline, majorityBaseline } from "./baselines.ts";
import { clusterRows } from "./cluster.ts";
import { clusterTrace } from "./common.ts";
import type { SelectionContext } from "./context.ts";
import { publicFilter } from "./filter.ts";
import { runReference } from "./reference.ts";
import { runSstar } from "./sstar.ts";
import type { CandidateInfo, Cell, SelectionEnv, SelectionTrace, SelectOptions, SelInput, StrategyName } from "./types.ts";

export * from "./types.ts";
export { publicFilter } from "./filter.ts";
export { SUSPECT_ERROR_SHARE, classifyInputs } from "./inputs.ts";
export { defaultCallBudget, DEFAULT_MAX_INPUTS_PER_MATCH } from "./sstar.ts";
export { posterior, JUDGE_ACCURACY_GRID } from "./posterior.ts";

/** Run the public filter and one execution of the kept candidates on the synthesized inputs. */
export async function prepare(candidates: CandidateInfo[], synthesized: SelInput[], env: SelectionEnv): Promise<SelectionContext> {
  const all = [...candidates].sort((a, b) => a.index - b.index);
  const { kept, fallback } = publicFilter(all);
  env.onEvent?.({ type: "filtered", kept: kept.map((c) => c.index), ...(fallback ? { fallback } : {}) });
  let cells: Cell[][] = kept.map(() => []);
  if (kept.length >= 2 && synthesized.length > 0) {
    const res = await env.execute(kept, synthesized);
    cells = kept.map((c) => {
      const row = res.get(c.index);
      return synthesized.map((_, i) => row?.[i] ?? { ok: false, output: "not run" });
    });
  }
  return { all, kept, ...(fallback ? { fallback } : {}), inputs: synthesized, cells };
}

export async function select(
  strategy: StrategyName,
  candidates: CandidateInfo[],
  synthesized: SelInput[],
  env: SelectionEnv,
  options: SelectOptions = {},
): Promise<SelectionTrace> {
  const { late, ...rest } = options;
  if (late !== undefined) {
    // Only sstar can start before every candidate is known, and only when the
    // early candidates are a real field (two or more passing every public test, so a late one
    // that fails a public test is dropped exactly as the public filter would drop it).
    const early = publicFilter(candidates);
    const overlap = strategy === "sstar" && !early.fallback && early.kept.length >= 2;
    if (!overlap) return select(strategy, [...candidates, ...(await late)], synthesized, env, rest);
  }
  const ctx = await prepare(candidates, synthesized, env);
  let trace: SelectionTrace;
  if (strategy === "sstar" && late !== undefined) {
    const result = await runSstar(ctx, env, options);
    // Baselines over the final field (runSstar added the late candidates to ctx).
    const order = ctx.kept.map((_, p) => p).sort((x, y) => ctx.kept[x]!.index - ctx.kept[y]!.index);
    const base = baselines(
      ctx.all,
      order.map((p) => ctx.kept[p]!),
      order.map((p) => ctx.cells[p]!),
      synthesized.length,
      (x, y) => env.equivalent(x, y),
    );
    trace = { ...result, baselines: base };
    env.onEvent?.({ type: "selected", sample: trace.selection.selectedSample, reason: trace.selection.reason });
    return trace;
  }
  const cellsInputCount = ctx.cells[0]?.length ?? 0;
  const base = baselines(ctx.all, ctx.kept, ctx.cells, cellsInputCount, (x, y) => env.equivalent(x, y));
  if (strategy === "sstar") trace = { ...(await runSstar(ctx, env, options)), baselines: base };
  else if (strategy === "sstar-reference") trace = { ...(await runReference(ctx, env, options)), baselines: base };
  else trace = { ...baselineTrace(strategy, ctx, env), baselines: base };
  const share = clusterShare(trace);
  if (trace.selection.confidence === undefined && share !== undefined) trace.selection.confidence = share;
  env.onEvent?.({ type: "selected", sample: trace.selection.selectedSample, reason: trace.selection.reason });
  return trace;
}

/**
 * The confidence of a strategy without a calibrated model of its own (first, majority,
 * sstar-reference): the share of the clustered candidates in the selected one's cluster.
 */
export function clusterShare(trace: Omit<SelectionTrace, "baselines">): number | undefined {
  const sample = trace.selection.selectedSample;
  if (sample === null) return undefined;
  const total = trace.clusters.reduce((n, c) => n + c.members.length, 0);
  const own = trace.clusters.find((c) => c.members.includes(sample));
  return own === undefined || total === 0 ? undefined : own.members.length / total;
}

function baselineTrace(strategy: "first" | "majority", ctx: SelectionContext, env: SelectionEnv): Omit<SelectionTrace, "baselines"> {
  const n = ctx.cells[0]?.length ?? 0;
  const eq = (x: string, y: string) => env.equivalent(x, y);
  const groups = ctx.kept.length > 0 ? clusterRows(ctx.cells, Array.from({ length: n }, (_, i) => i), eq) : [];
  const clusters = groups.map((g, gi) =>
    clusterTrace(
      `c${gi + 1}`,
      g.map((p) => ctx.kept[p]!.index),
      ctx.cells[g[0]!]!,
      ctx.inputs,
    ),
  );
  const sample = strategy === "first" ? firstBaseline(ctx.all) : majorityBaseline(ctx.kept, ctx.cells, n, eq);
  const reason =
    sample === null
      ? "no candidates"
      : strategy === "first"
        ? "lowest-index candidate with the best public pass rate"
        : `lowest-index member of the largest output cluster (${groups[0]?.length ?? 0} of ${ctx.kept.length} public-filtered candidates)`;
  return {
    selection: {
      strategy,
      selectedSample: sample,
      selectedCluster: sample === null ? null : (clusters.find((c) => c.members.includes(sample))?.id ?? null),
      reason,
      ...(ctx.fallback ? { fallback: ctx.fallback } : {}),
    },
    inputs: ctx.inputs.map((i) => ({ ...i })),
    clusters,
    matches: [],
    calls: { separate: 0, judge: 0 },
  };
}
