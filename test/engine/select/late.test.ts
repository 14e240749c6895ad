// sstar with late candidates (still being debugged when selection starts): they join after the
// first schedule, by cluster, and the pick does not depend on when they arrive.
import { describe, expect, it } from "vitest";
import { defaultCallBudget, select, type CandidateInfo, type SelectionTrace, type StrategyName } from "../../../src/engine/select/index.ts";
import { env, rightJudge, world, type Recorder } from "./helpers.ts";

// 0-3 wrong ("w" on input 3), 4-5 correct, 6 a third answer; all agree elsewhere.
const rows = [
  ["1", "2", "w"],
  ["1", "2", "w"],
  ["1", "2", "w"],
  ["1", "2", "w"],
  ["1", "2", "right"],
  ["1", "2", "right"],
  ["1", "2", "other"],
];

const newRec = (): Recorder => ({ judge: [], separate: [], executed: 0 });
const split = (cands: CandidateInfo[], late: number[]) => ({
  early: cands.filter((c) => !late.includes(c.index)),
  late: cands.filter((c) => late.includes(c.index)),
});

/** What a solve report keeps of a selection, for comparing runs. */
const outcome = (t: SelectionTrace) => ({ selection: t.selection, clusters: t.clusters, matches: t.matches, calls: t.calls });

describe("select: sstar with late candidates", () => {
  it("a late candidate with a known output vector joins its cluster without a judge call", async () => {
    const w = world(rows.slice(0, 6));
    const good = rightJudge(new Set([4, 5]));
    const { early, late } = split(w.candidates, [5]);
    const rec = newRec();
    const t = await select("sstar", early, w.inputs, env(w, good, rec), { late: Promise.resolve(late), latePending: 1 });
    expect(t.clusters.map((c) => c.members)).toEqual([[0, 1, 2, 3], [4, 5]]);
    // Joining 5 to 4's cluster made no new pairing: every cluster match is between the two early
    // clusters; the code review inside the chosen cluster then compares 4 and 5 (a tie: both right).
    const review = t.matches.filter((m) => m.note?.startsWith("code review"));
    const played = t.matches.filter((m) => !review.includes(m));
    expect(played.length).toBeGreaterThan(0);
    for (const m of played) expect([m.a, m.b, m.winner]).toEqual(["c1", "c2", "b"]);
    expect(review.map((m) => [m.a, m.b, m.winner])).toEqual([["s4", "s5", "tie"]]);
    expect(rec.judge.length + rec.separate.length).toBeLessThanOrEqual(defaultCallBudget(2));
    expect(t.selection.selectedSample).toBe(4);
    const together = await select("sstar", w.candidates, w.inputs, env(w, good));
    expect(t.selection.selectedSample).toBe(together.selection.selectedSample);
    // The baselines see the final field.
    expect(t.baselines).toEqual([
      { strategy: "first", selectedSample: 0 },
      { strategy: "majority", selectedSample: 0 },
    ]);
  });

  it("a late candidate with a new output vector becomes a cluster that plays within the budget", async () => {
    const w = world(rows);
    const { early, late } = split(w.candidates, [6]);
    const rec = newRec();
    const t = await select("sstar", early, w.inputs, env(w, rightJudge(new Set([6])), rec), { late: Promise.resolve(late), latePending: 1 });
    expect(t.clusters.map((c) => c.members)).toEqual([[0, 1, 2, 3], [4, 5], [6]]);
    expect(t.matches.some((m) => m.a === "c3" || m.b === "c3")).toBe(true);
    expect(t.selection.selectedSample).toBe(6);
    expect(rec.judge.length + rec.separate.length).toBeLessThanOrEqual(defaultCallBudget(3));
    expect(t.calls).toEqual({ judge: rec.judge.length, separate: rec.separate.length });
  });

  it("when the late candidates arrive does not change the trace", async () => {
    const w = world(rows);
    const { early, late } = split(w.candidates, [5, 6]);
    const judge = rightJudge(new Set([4, 5]));
    const runs: SelectionTrace[] = [];
    // Already there / arriving after the first judge call / after the first schedule asked for them.
    for (const arriveAfterCalls of [0, 1, Infinity]) {
      let release: () => void = () => undefined;
      const arrived = new Promise<CandidateInfo[]>((resolve) => (release = () => resolve(late)));
      if (arriveAfterCalls === 0) release();
      const base = env(w, judge);
      const e = {
        ...base,
        async judge(q: Parameters<typeof base.judge>[0]) {
          if (base.rec.judge.length + 1 >= arriveAfterCalls) release();
          return base.judge(q);
        },
      };
      const lateList = arriveAfterCalls === Infinity ? arrived.then((x) => x) : arrived;
      if (arriveAfterCalls === Infinity) queueMicrotask(release);
      runs.push(await select("sstar", early, w.inputs, e, { late: lateList, latePending: 2 }));
    }
    expect(outcome(runs[1]!)).toEqual(outcome(runs[0]!));
    expect(outcome(runs[2]!)).toEqual(outcome(runs[0]!));
    expect(runs[0]!.selection.selectedSample).toBe(4);
  });

  it("a late candidate failing a public test is dropped, as the public filter would", async () => {
    const w = world(rows, { publicPassed: [1, 1, 1, 1, 1, 1, 0] });
    const { early, late } = split(w.candidates, [6]);
    const rec = newRec();
    const t = await select("sstar", early, w.inputs, env(w, rightJudge(new Set([4, 5])), rec), { late: Promise.resolve(late) });
    expect(t.clusters.flatMap((c) => c.members)).not.toContain(6);
    expect(t.selection.selectedSample).toBe(4);
  });

  it("the cluster's lowest sample index is selected even when it arrived late", async () => {
    // 0 is correct but late; 1 and 2 agree with it, 3-5 are wrong.
    const w = world([["r"], ["r"], ["r"], ["w"], ["w"], ["w"]]);
    const { early, late } = split(w.candidates, [0]);
    const t = await select("sstar", early, w.inputs, env(w, rightJudge(new Set([0, 1, 2]))), { late: Promise.resolve(late) });
    expect(t.selection.selectedSample).toBe(0);
    expect(t.clusters.find((c) => c.id === t.selection.selectedCluster)).toMatchObject({ members: [0, 1, 2], representative: 0 });
  });

  it("other strategies, and sstar with fewer than two passing early candidates, select as if all came at once", async () => {
    const w = world(rows, { publicPassed: [0, 0, 0, 0, 1, 1, 1] });
    const judge = rightJudge(new Set([4, 5]));
    const cases: [StrategyName, number[]][] = [
      ["first", [5, 6]],
      ["majority", [5, 6]],
      ["sstar-reference", [5, 6]],
      ["sstar", [5, 6]], // only 4 passes among the early ones
    ];
    for (const [strategy, lateIdx] of cases) {
      const { early, late } = split(w.candidates, lateIdx);
      const together = await select(strategy, w.candidates, w.inputs, env(w, judge));
      const overlapped = await select(strategy, early, w.inputs, env(w, judge), { late: Promise.resolve(late) });
      expect({ ...outcome(overlapped), baselines: overlapped.baselines }).toEqual({ ...outcome(together), baselines: together.baselines });
    }
  });
});
