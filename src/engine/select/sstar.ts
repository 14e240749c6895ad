// Our selection, as docs/selection.md tells it: public filter and execution (prepare, index.ts),
// classify the inputs, cluster, then a schedule of matches, probes and rematches under a hard
// budget of model calls that grows with the number of clusters, a code review of the chosen
// cluster's programs that no input tells apart, and the pick. Each step lives in sstar/.
import { confidenceOf, type PickEvidence } from "./confidence.ts";
import type { SelectionContext } from "./context.ts";
import { classify, cluster, join, separateAndRun } from "./sstar/evidence.ts";
import { chooseCluster, inputsTrace, pick, review } from "./sstar/pick.ts";
import { schedule } from "./sstar/schedule.ts";
import { resolveSettings, type SstarSettings } from "./sstar/settings.ts";
import { newState, type SstarState } from "./sstar/state.ts";
import type { SelectionEnv, SelectionTrace, SelectOptions } from "./types.ts";

export { DEFAULT_CONFIDENCE, DEFAULT_ERROR_PENALTY, DEFAULT_MAX_INPUTS_PER_MATCH, defaultCallBudget, LOOKAHEAD, MIN_CALL_BUDGET, scaledBudget } from "./sstar/settings.ts";
export { similarity } from "./sstar/probe.ts";

type Result = Omit<SelectionTrace, "baselines">;

export async function runSstar(ctx: SelectionContext, env: SelectionEnv, options: SelectOptions = {}): Promise<Result> {
  const settings = resolveSettings(options);
  // While candidates are still being debugged, calls stay free for their clusters (state.ts, budget).
  const pendingLate = options.late !== undefined ? Math.max(1, options.latePending ?? 1) : 0;
  const s = newState(ctx, env, settings, pendingLate);
  if (ctx.kept.length < 2) return trivial(s);

  classify(
    s,
    s.inputs.map((_, i) => i),
  );
  await separateWhenNothingUsable(s, settings);
  env.onEvent?.({ type: "inputs", kept: s.trusted.length, dropped: s.suspectReason.size });
  cluster(s);

  await schedule(s);
  if (options.late !== undefined && env.stopped?.() !== true) {
    await join(s, await options.late);
    s.pendingLate = 0;
    // The same schedule over the final clusters and every vote so far: it plays the new
    // clusters and whatever else the larger field makes worth a match.
    await schedule(s);
  }

  const choice = chooseCluster(s);
  return pick(s, choice, await review(s, choice));
}

/** No candidate, or the only one left after the public filter: nothing to select among. */
function trivial(s: SstarState): Result {
  const only = s.kept[0];
  const evidence: PickEvidence | undefined = only && {
    candidates: s.ctx.all.length,
    kept: 1,
    fallback: s.ctx.fallback !== undefined,
    clusterSizes: [1],
    chosenSize: 1,
    posterior: 1,
    ...{ votesFor: 0, votesAgainst: 0, matches: 0, splitMatches: 0, distinctPrograms: 1, trusted: 0, suspect: 0, chosenErrors: 0 },
  };
  return {
    selection: {
      strategy: "sstar",
      selectedSample: only?.index ?? null,
      selectedCluster: only ? "c1" : null,
      reason: only ? "the only candidate left after the public filter" : "no candidates",
      ...(only && s.ctx.fallback ? { fallback: s.ctx.fallback } : {}),
      ...(evidence ? { confidence: confidenceOf(evidence), evidence } : {}),
    },
    inputs: inputsTrace(s),
    clusters: only ? [{ id: "c1", members: [only.index], representative: only.index, outputs: {} }] : [],
    matches: [],
    calls: s.calls,
  };
}

/**
 * Nothing usable to cluster on, yet the candidates differ: ask once for separating inputs (the
 * only call outside the per-cluster budget, see docs/selection.md).
 */
async function separateWhenNothingUsable(s: SstarState, settings: SstarSettings): Promise<void> {
  const distinctCodes = new Map<string, number>();
  s.kept.forEach((c, p) => {
    if (!distinctCodes.has(c.code)) distinctCodes.set(c.code, p);
  });
  const oneClusterBudget = settings.callBudget(1) - settings.reservedCalls;
  if (s.trusted.length > 0 || distinctCodes.size < 2 || s.calls.separate >= settings.maxSeparateCalls || oneClusterBudget < 1) return;
  const [pa, pb] = [...distinctCodes.values()] as [number, number];
  await separateAndRun(s, pa, pb);
}
