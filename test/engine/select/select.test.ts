import { describe, expect, it } from "vitest";
import { defaultCallBudget, select, type JudgeQuestion, type SelectOptions } from "../../../src/engine/select/index.ts";
import { env, ERR, rightJudge, world, type Recorder } from "./helpers.ts";

// 8 candidates: 0-5 agree on a wrong answer, 6 and 7 are correct. Input 3 is invalid: everyone errors.
const rows8 = [
  ["1", "2", "w", ERR],
  ["1", "2", "w", ERR],
  ["1", "2", "w", ERR],
  ["1", "2", "w", ERR],
  ["1", "2", "w", ERR],
  ["1", "2", "w", ERR],
  ["1", "2", "right", ERR],
  ["1", "2", "right", ERR],
];

describe("select: sstar", () => {
  it("2 of 8 correct, majority wrong: a distinguishing input and a correct judge select a correct one", async () => {
    const w = world(rows8);
    const e = env(w, rightJudge(new Set([6, 7])));
    const t = await select("sstar", w.candidates, w.inputs, e);
    expect([6, 7]).toContain(t.selection.selectedSample);
    expect(t.clusters.map((c) => c.members)).toEqual([
      [0, 1, 2, 3, 4, 5],
      [6, 7],
    ]);
    // The match showed the input where they differ, with both actual outputs, in both orders.
    const m = t.matches[0]!;
    expect(m.inputs.map((i) => [i.inputId, i.outputA, i.outputB])).toEqual([["in3", "w", "right"]]);
    expect(m.votes.map((v) => [v.order, v.choice])).toEqual([
      ["ab", "b"],
      ["ba", "b"],
    ]);
    expect(m.winner).toBe("b");
    // Baselines from the same executions: first = 0, majority = the wrong cluster.
    expect(t.baselines).toEqual([
      { strategy: "first", selectedSample: 0 },
      { strategy: "majority", selectedSample: 0 },
    ]);
    // The invalid input is reported as dropped and never shown to the judge.
    expect(t.inputs.find((i) => i.id === "in4")?.dropped).toMatch(/every candidate errored/);
    expect(e.rec.judge.every((q) => q.inputs.every((i) => i.input !== w.inputs[3]!.input))).toBe(true);
    expect(t.calls).toEqual({ separate: e.rec.separate.length, judge: e.rec.judge.length });
    expect(t.calls.separate + t.calls.judge).toBeLessThanOrEqual(defaultCallBudget(t.clusters.length));
  });

  it("a judge that contradicts itself across orders counts as a tie: the larger cluster stays", async () => {
    const w = world(rows8);
    const e = env(w, () => "first"); // always the program shown first: pure position bias
    const t = await select("sstar", w.candidates, w.inputs, e);
    for (const m of t.matches) expect(m.winner).toBe("tie");
    expect(t.selection.selectedSample).toBe(0);
    expect(t.selection.selectedCluster).toBe("c1");
  });

  it("with 6 clusters makes at most 3 x (clusters - 1) selection calls, whatever the judge says", async () => {
    // 16 candidates over 6 clusters (sizes 6,3,3,2,1,1), distinguished on input 0.
    const sizes = [6, 3, 3, 2, 1, 1];
    const rows = sizes.flatMap((s, g) => Array.from({ length: s }, () => [`out${g}`, "same"]));
    const w = world(rows);
    for (const judge of [rightJudge(new Set([15])), () => "first" as const, () => "tie" as const]) {
      const rec: Recorder = { judge: [], separate: [], executed: 0 };
      const t = await select("sstar", w.candidates, w.inputs, env(w, judge, rec));
      expect(t.clusters).toHaveLength(6);
      const calls = rec.judge.length + rec.separate.length;
      expect(calls).toBeLessThanOrEqual(defaultCallBudget(6));
      expect(calls).toBe(t.calls.judge + t.calls.separate);
      expect(calls).toBeGreaterThanOrEqual(2 * 5); // every challenger played
    }
  });

  it("a larger bound (budgetMultiplier) is spent on more rematches while the pick is unsure", async () => {
    // The smaller cluster is right; the judge says so except on every third input (in both
    // orders), so the default bound runs out before the pick is sure. `separate` always finds fresh inputs.
    const w = world([["a"], ["a"], ["a"], ["b"], ["b"]], { extra: (c, input) => `${input}:${c < 3 ? "a" : "b"}` });
    const right = rightJudge(new Set([3, 4]));
    const judge = (first: number, second: number, q: JudgeQuestion) => {
      const n = Number(/\d+$/.exec(q.inputs[0]?.input ?? "")?.[0] ?? 1);
      return n % 3 === 0 ? right(second, first) : right(first, second);
    };
    const spent = async (options: SelectOptions) => {
      const rec: Recorder = { judge: [], separate: [], executed: 0 };
      let fresh = 0;
      const e = { ...env(w, judge, rec), separate: async () => [`fresh${++fresh}`, `fresh${++fresh}`] };
      const t = await select("sstar", w.candidates, w.inputs, e, { codeReview: false, ...options });
      expect(t.selection.selectedSample).toBe(3);
      return { matches: t.matches.length, calls: t.calls.judge + t.calls.separate };
    };
    const base = await spent({});
    const wide = await spent({ budgetMultiplier: 4 });
    expect(base.calls).toBe(defaultCallBudget(2));
    expect(wide.matches).toBeGreaterThan(base.matches);
    expect(wide.calls).toBeGreaterThan(base.calls);
    expect(wide.calls).toBeLessThanOrEqual(4 * defaultCallBudget(2));
  });

  it("a reserved synthesis call is taken out of the budget", async () => {
    const w = world([["a"], ["b"]]);
    const rec: Recorder = { judge: [], separate: [], executed: 0 };
    await select("sstar", w.candidates, w.inputs, env(w, rightJudge(new Set([1])), rec), { reservedCalls: 1 });
    expect(rec.judge.length + rec.separate.length).toBeLessThanOrEqual(defaultCallBudget(2) - 1);
    const tight: Recorder = { judge: [], separate: [], executed: 0 };
    await select("sstar", w.candidates, w.inputs, env(w, rightJudge(new Set([1])), tight), { reservedCalls: 1, callBudget: () => 3 });
    expect(tight.judge.length + tight.separate.length).toBeLessThanOrEqual(2);
  });

  it("reports the fallback when no candidate passes the public tests", async () => {
    const w = world(
      [
        ["1", "x"],
        ["1", "y"],
        ["2", "y"],
      ],
      { publicTotal: 3, publicPassed: [1, 2, 2] },
    );
    const t = await select("sstar", w.candidates, w.inputs, env(w, rightJudge(new Set([2]))));
    expect(t.selection.fallback).toMatch(/no candidate passed every public test/);
    expect(t.clusters.flatMap((c) => c.members).sort()).toEqual([1, 2]);
    expect(t.selection.selectedSample).toBe(2);
  });

  it("error-heavy inputs don't split correct programs", async () => {
    // 0,1 correct; 1 doesn't error on the invalid input 1 where nearly everyone else does.
    const rows = [
      ["ok", ERR, "a"],
      ["ok", "junk", "a"],
      ["bad", ERR, "b"],
      ["bad", ERR, "b"],
      ["bad", ERR, "b"],
    ];
    const w = world(rows, { extra: (c) => (c < 2 ? "good" : "bad") });
    const t = await select("sstar", w.candidates, w.inputs, env(w, rightJudge(new Set([0, 1]))));
    expect(t.clusters.map((c) => c.members)).toEqual([
      [2, 3, 4],
      [0, 1],
    ]);
    expect(t.inputs.find((i) => i.id === "in2")?.dropped).toMatch(/4 of 5 candidates errored/);
    expect([0, 1]).toContain(t.selection.selectedSample);
  });

  it("asks for separating inputs when no usable synthesized input exists", async () => {
    const w = world([[ERR], [ERR], [ERR]], { extra: (c, input) => `${input}${c}` });
    const rec: Recorder = { judge: [], separate: [], executed: 0 };
    const e = env(w, rightJudge(new Set([2])), rec, ["p", "q"]);
    // Programs 0,1 and 2 have different codes; separating inputs give distinct outputs per program.
    const t = await select("sstar", w.candidates, w.inputs, e);
    expect(rec.separate[0]).toEqual([0, 1]);
    expect(t.inputs.filter((i) => i.origin === "separating").map((i) => i.input).slice(0, 2)).toEqual(["p", "q"]);
    expect(t.clusters.length).toBe(3);
  });

  it("splits a wrong program hiding in the leading cluster with a spare separate call", async () => {
    // 0-3 agree on every synthesized input, but 0 and 1 are wrong (they differ from 2, 3 on
    // inputs only `separate` finds); 4 is another wrong cluster.
    const rows = [["a"], ["a"], ["a"], ["a"], ["b"]];
    const w = world(rows, { extra: (c) => (c <= 1 ? "wrong" : c === 4 ? "b" : "right") });
    const rec: Recorder = { judge: [], separate: [], executed: 0 };
    const t = await select("sstar", w.candidates, w.inputs, env(w, rightJudge(new Set([2, 3])), rec));
    expect(rec.separate[0]![0]).toBe(0);
    expect(t.clusters.map((c) => c.members)).toEqual([[0, 1], [2, 3], [4]]);
    expect([2, 3]).toContain(t.selection.selectedSample);
    expect(rec.separate.length + rec.judge.length).toBeLessThanOrEqual(defaultCallBudget(3));
    expect(t.inputs.some((i) => i.origin === "separating")).toBe(true);
  });

  it("probes once when every candidate agrees; with code review off it makes no other call if nothing separates them", async () => {
    const same = [["a"], ["a"], ["a"]];
    const quiet = world(same, { extra: () => "same" });
    const rec: Recorder = { judge: [], separate: [], executed: 0 };
    const t = await select("sstar", quiet.candidates, quiet.inputs, env(quiet, rightJudge(new Set([2])), rec), { codeReview: false });
    expect(rec.separate).toHaveLength(1);
    expect(rec.judge).toHaveLength(0);
    expect(t.clusters).toHaveLength(1);
    expect(t.selection.selectedSample).toBe(0);
    expect(t.selection.reason).toMatch(/agree on every usable input; each program once, so the lowest-index one: sample 0/);
    // The same world, but the probe's inputs expose candidate 2 as different: it becomes a
    // cluster of its own and a correct judge picks it, within the budget for 2 clusters.
    const loud = world(same, { extra: (c) => (c === 2 ? "right" : "wrong") });
    const rec2: Recorder = { judge: [], separate: [], executed: 0 };
    const t2 = await select("sstar", loud.candidates, loud.inputs, env(loud, rightJudge(new Set([2])), rec2));
    expect(t2.clusters.map((c) => c.members)).toEqual([[0, 1], [2]]);
    expect(t2.selection.selectedSample).toBe(2);
    expect(rec2.separate.length + rec2.judge.length).toBeLessThanOrEqual(defaultCallBudget(2));
    const off = await select("sstar", loud.candidates, loud.inputs, env(loud, rightJudge(new Set([2]))), { probeAgreeing: false, codeReview: false });
    expect(off.calls).toEqual({ separate: 0, judge: 0 });
  });

  it("reviews the code of a chosen cluster's programs that no input tells apart", async () => {
    // 0-3 agree on every input, probes included; only 2 is right. The judge can tell from the code.
    const same = [["a"], ["a"], ["a"], ["a"]];
    const quiet = world(same, { extra: () => "same" });
    const rec: Recorder = { judge: [], separate: [], executed: 0 };
    const t = await select("sstar", quiet.candidates, quiet.inputs, env(quiet, rightJudge(new Set([2])), rec));
    expect(t.clusters.map((c) => c.members)).toEqual([[0, 1, 2, 3]]);
    expect(t.selection.selectedSample).toBe(2);
    expect(t.selection.reason).toMatch(/a code review of its 4 distinct programs \(\d+ decisive votes\) chose sample 2/);
    // Code-only questions (no inputs), both orders, each pair at most once, within the bound.
    expect(rec.judge.length).toBeGreaterThan(0);
    expect(rec.judge.every((q) => q.codeOnly === true && q.inputs.length === 0)).toBe(true);
    expect(rec.separate.length + rec.judge.length).toBeLessThanOrEqual(defaultCallBudget(1));
    const review = t.matches.filter((m) => m.note?.startsWith("code review inside c1"));
    expect(review).toHaveLength(t.matches.length);
    expect(new Set(review.map((m) => `${m.a}-${m.b}`)).size).toBe(review.length);
    for (const m of review) expect(m.votes.map((v) => v.order)).toEqual(["ab", "ba"]);
    // A judge with position bias only: every review match is a tie, so the lowest index stays.
    const biased = await select("sstar", quiet.candidates, quiet.inputs, env(quiet, () => "first"));
    expect(biased.selection.selectedSample).toBe(0);
    for (const m of biased.matches) expect(m.winner).toBe("tie");
    // A judge that calls two reviewed pairs equal in both orders sees no difference: the review stops.
    const tieRec: Recorder = { judge: [], separate: [], executed: 0 };
    const even = await select("sstar", quiet.candidates, quiet.inputs, env(quiet, () => "tie", tieRec));
    expect(tieRec.judge).toHaveLength(4);
    expect(even.selection.selectedSample).toBe(0);
    expect(even.selection.reason).toMatch(/found no difference \(2 matches, no decisive vote\)/);
    // Copies of one program: nothing to review, and no probe either.
    const copies = quiet.candidates.map((c) => ({ ...c, code: "def f(x): return 1" }));
    const rec3: Recorder = { judge: [], separate: [], executed: 0 };
    const t3 = await select("sstar", copies, quiet.inputs, env(quiet, rightJudge(new Set([2])), rec3));
    expect(t3.calls).toEqual({ separate: 0, judge: 0 });
    expect(t3.selection.selectedSample).toBe(0);
  });

  it("plays the review in rounds of disjoint pairs at once, two in the first", async () => {
    // 8 programs that agree everywhere; only 7 is right. The judge names the right one, and
    // between two wrong ones the program shown first (a split: no vote, and no double tie that
    // would end the review). Count the judge calls in flight.
    const same = Array.from({ length: 8 }, () => ["a"]);
    const quiet = world(same, { extra: () => "same" });
    const base = env(quiet, (first, second) => (second === 7 ? "second" : "first"));
    let inFlight = 0;
    const widths: number[] = [];
    const slow = {
      ...base,
      async judge(q: Parameters<typeof base.judge>[0]) {
        inFlight++;
        widths.push(inFlight);
        await new Promise((r) => setTimeout(r, 5));
        inFlight--;
        return base.judge(q);
      },
    };
    const t = await select("sstar", quiet.candidates, quiet.inputs, slow);
    expect(t.selection.selectedSample).toBe(7);
    const review = t.matches.filter((m) => m.note?.startsWith("code review"));
    // The first round's two pairs are disjoint and ran together (4 calls in flight); a later round ran wider.
    const [m1, m2] = review;
    expect(new Set([m1!.a, m1!.b, m2!.a, m2!.b]).size).toBe(4);
    expect(widths.slice(0, 4)).toEqual([1, 2, 3, 4]);
    expect(Math.max(...widths)).toBeGreaterThan(4);
    expect(t.calls.judge + t.calls.separate).toBeLessThanOrEqual(defaultCallBudget(1));
  });

  it("reviews a mixed winning cluster only with the budget that is left", async () => {
    // 0-2 agree everywhere (only 1 is right), 3 differs on the input. The cluster match (0 against
    // 3, both wrong) is a tie, size keeps c1, and the review finds 1. With a budget of 3 (one
    // match between the clusters), nothing is left for the review.
    const rows = [["a"], ["a"], ["a"], ["b"]];
    const w = world(rows, { extra: (c) => (c < 3 ? "same" : "other") });
    const t = await select("sstar", w.candidates, w.inputs, env(w, rightJudge(new Set([1]))));
    expect(t.selection.selectedSample).toBe(1);
    expect(t.matches.some((m) => m.a === "c1" && m.b === "c2")).toBe(true);
    expect(t.matches.some((m) => m.note?.startsWith("code review inside c1"))).toBe(true);
    const tight = await select("sstar", w.candidates, w.inputs, env(w, rightJudge(new Set([1]))), { callBudget: () => 3, probeAgreeing: false });
    expect(tight.calls.judge + tight.calls.separate).toBeLessThanOrEqual(3);
    expect(tight.matches.filter((m) => m.note?.startsWith("code review"))).toHaveLength(0);
    expect(tight.selection.selectedSample).toBe(0);
  });

  it("a single public-passing candidate is selected without executing or asking anything", async () => {
    const w = world([["a"], ["b"]], { publicTotal: 1, publicPassed: [0, 1] });
    const rec: Recorder = { judge: [], separate: [], executed: 0 };
    const t = await select("sstar", w.candidates, w.inputs, env(w, () => "first", rec));
    expect(t.selection.selectedSample).toBe(1);
    expect(rec).toEqual({ judge: [], separate: [], executed: 0 });
    expect(t.inputs.every((i) => i.dropped === undefined)).toBe(true);
  });

  it("is deterministic", async () => {
    const w = world(rows8);
    const a = await select("sstar", w.candidates, w.inputs, env(w, rightJudge(new Set([6, 7]))));
    const b = await select("sstar", w.candidates, w.inputs, env(w, rightJudge(new Set([6, 7]))));
    expect(a).toEqual(b);
  });
});

describe("select: baselines", () => {
  it("first and majority need no model calls", async () => {
    const w = world(rows8, { publicTotal: 2, publicPassed: [1, 2, 2, 2, 2, 2, 2, 2] });
    const rec: Recorder = { judge: [], separate: [], executed: 0 };
    const first = await select("first", w.candidates, w.inputs, env(w, () => "first", rec));
    expect(first.selection.selectedSample).toBe(1);
    const maj = await select("majority", w.candidates, w.inputs, env(w, () => "first", rec));
    expect(maj.selection.selectedSample).toBe(1);
    expect(rec.judge.length + rec.separate.length).toBe(0);
  });
});

describe("select: sstar-reference", () => {
  it("plays every cross-cluster sample pair once per ordered pair, with separate + both orders", async () => {
    // Per input: input 0 splits {0,1} vs {2}; input 1 the same partition again (cache hit).
    const w = world([
      ["a", "p"],
      ["a", "p"],
      ["b", "q"],
    ]);
    const rec: Recorder = { judge: [], separate: [], executed: 0 };
    const t = await select("sstar-reference", w.candidates, w.inputs, env(w, rightJudge(new Set([2])), rec));
    expect(rec.separate).toEqual([
      [0, 2],
      [1, 2],
    ]);
    expect(rec.judge).toHaveLength(4);
    expect(rec.judge.every((q) => q.inputs.length === 2 && !q.codeOnly)).toBe(true);
    expect(t.selection.selectedSample).toBe(2);
    expect(t.calls).toEqual({ separate: 2, judge: 4 });
  });

  it("drops error clusters per input and breaks ties to the lowest index", async () => {
    // Input 0: {0} vs {1} (2 errors dropped); tie verdicts everywhere give 0.5-0.5: no single top,
    // so every score is 0 -> code-only round-robin, all ties -> lowest index (0).
    const w = world([["a"], ["b"], [ERR], [ERR]]);
    const rec: Recorder = { judge: [], separate: [], executed: 0 };
    const t = await select("sstar-reference", w.candidates, w.inputs, env(w, () => "tie", rec));
    expect(rec.separate).toEqual([[0, 1]]);
    const codeOnly = rec.judge.filter((q) => q.codeOnly);
    expect(codeOnly).toHaveLength(2 * 6); // round-robin over 4 samples, both orders
    expect(t.selection.selectedSample).toBe(0);
    expect(t.selection.reason).toMatch(/code-only round-robin/);
  });

  it("gives +1 to every member of the single top cluster and picks the lowest index among equals", async () => {
    const w = world([["b"], ["a"], ["a"]]);
    const t = await select("sstar-reference", w.candidates, w.inputs, env(w, rightJudge(new Set([1, 2]))));
    expect(t.selection.selectedSample).toBe(1);
  });

  it("returns the best-rate sample outright when none passes the public tests", async () => {
    const w = world([["a"], ["b"]], { publicTotal: 2, publicPassed: [0, 1] });
    const rec: Recorder = { judge: [], separate: [], executed: 0 };
    const t = await select("sstar-reference", w.candidates, w.inputs, env(w, () => "first", rec));
    expect(t.selection.selectedSample).toBe(1);
    expect(t.selection.fallback).toBeDefined();
    expect(rec.judge).toHaveLength(0);
  });
});
