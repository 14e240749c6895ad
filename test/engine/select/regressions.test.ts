// One example per bug found by the review of selection (issue 15): each failed before its fix.
import { describe, expect, it } from "vitest";
import { defaultCallBudget, select, type JudgeQuestion } from "../../../src/engine/select/index.ts";
import { env, rightJudge, world, type Recorder } from "./helpers.ts";
import { candidatesOf, synthesizedOf, worldEnv, type Calls, type World } from "./worlds.ts";

const recorder = (): Recorder => ({ judge: [], separate: [], executed: 0 });
const posteriorIn = (reason: string): number => Number(/posterior,? (\d\.\d\d)/.exec(reason)?.[1]);
/** The same question: the same programs in the same order on the same inputs. */
const questionKey = (q: JudgeQuestion): string => JSON.stringify([q.firstCode, q.secondCode, q.inputs.map((i) => i.input)]);

describe("sstar regressions", () => {
  it("a probe that splits nothing does not end the schedule: the inputs it added are judged", async () => {
    // c1 = {0,1,2} is wrong, c2 = {3,4} right. On the one synthesized input the judge only has
    // position bias (a split verdict, no evidence); on other inputs it is right. Probing c1 finds
    // inputs separating c1 from c2 (but not 0 from 1 or 2): the judge must still see them.
    const rows = [["w"], ["w"], ["w"], ["r"], ["r"]];
    const w = world(rows, { extra: (c, input) => `${input}:${c < 3 ? "wrong" : "right"}` });
    const right = rightJudge(new Set([3, 4]));
    const judge = (a: number, b: number, q: JudgeQuestion) => (q.inputs[0]?.input === w.inputs[0]!.input ? "first" : right(a, b));
    const rec = recorder();
    const t = await select("sstar", w.candidates, w.inputs, env(w, judge, rec));
    expect(rec.separate.some(([a, b]) => a < 3 && b < 3)).toBe(true); // the leader was probed
    expect([3, 4]).toContain(t.selection.selectedSample);
    expect(posteriorIn(t.selection.reason)).toBeGreaterThanOrEqual(0.95);
    // The same leader with identical code (nothing to probe) reaches the same pick.
    const copies = w.candidates.map((c) => (c.index < 3 ? { ...c, code: "def f(x): return wrong(x)" } : c));
    const identical = { ...w, candidates: copies, codeIndex: (code: string) => copies.findIndex((c) => c.code === code) };
    const t2 = await select("sstar", copies, w.inputs, env(identical, judge));
    expect([3, 4]).toContain(t2.selection.selectedSample);
    expect(t.calls.separate + t.calls.judge).toBeLessThanOrEqual(defaultCallBudget(t.clusters.length));
  });

  it("the prior is the cluster size: inputs added later split every cluster they separate", async () => {
    // Two equal clusters on the synthesized input; the probe's inputs tell 2 from 3 apart. A judge
    // that always ties adds no evidence, so the posterior is the size prior, whatever the penalty.
    const rows = [["a"], ["a"], ["b"], ["b"]];
    const w = world(rows, { extra: (c, input) => `${input}:${c === 3 ? "odd" : c < 2 ? "a" : "b"}` });
    const byDefault = await select("sstar", w.candidates, w.inputs, env(w, () => "tie"));
    const noPenalty = await select("sstar", w.candidates, w.inputs, env(w, () => "tie"), { errorPenalty: 0 });
    expect(posteriorIn(byDefault.selection.reason)).toBe(posteriorIn(noPenalty.selection.reason));
    expect(byDefault.clusters.map((c) => c.members)).toEqual([[0, 1], [2], [3]]);
    expect(posteriorIn(byDefault.selection.reason)).toBe(0.5);
    // Every cluster's members agree on every input kept for clustering, probes included.
    for (const c of byDefault.clusters) {
      for (const inp of byDefault.inputs.filter((i) => i.dropped === undefined)) {
        expect(new Set(c.members.map((m) => w.cellOf(m, inp.input).output)).size).toBe(1);
      }
    }
  });

  it("many copies of one program never flip the pick inside a cluster to the odd one", async () => {
    // One cluster: program A once (sample 0), program B in k copies. A judge that finds no
    // difference leaves the pick to the copies, whatever k, with the review on or off.
    for (const k of [2, 3, 10, 30]) {
      const rows = Array.from({ length: k + 1 }, () => ["a"]);
      const w = world(rows, { extra: () => "same" });
      const candidates = w.candidates.map((c) => (c.index === 0 ? c : { ...c, code: "def f(x): return b(x)" }));
      const same = { ...w, candidates, codeIndex: (code: string) => candidates.findIndex((c) => c.code === code) };
      for (const codeReview of [true, false]) {
        const t = await select("sstar", candidates, w.inputs, env(same, () => "tie"), { codeReview });
        expect(t.selection.selectedSample, `B x${k}, review ${codeReview}`).toBe(1);
        expect(t.selection.reason).not.toMatch(/lowest-index one/);
        expect(t.selection.reason).toMatch(new RegExp(`${k} copies`));
      }
    }
  });

  it("a split verdict is a tie that moves no probability to clusters that did not play", async () => {
    // Sizes 5/3/2 (prior 0.5/0.3/0.2); the judge always names the program shown first.
    const sizes = [5, 3, 2];
    const rows = sizes.flatMap((s, g) => Array.from({ length: s }, () => [`out${g}`]));
    const w = world(rows, { extra: (c, input) => `${input}:${rows[c]![0]}` });
    const t = await select("sstar", w.candidates, w.inputs, env(w, () => "first"));
    expect(t.matches.length).toBeGreaterThan(0);
    expect(t.selection.reason).toMatch(/posterior, 0\.50, from cluster sizes and 0 judge votes naming a side/);
  });

  it("probeAgreeing: false never probes a cluster, whatever the number of clusters", async () => {
    const rows = [["a"], ["a"], ["a"], ["b"], ["b"]];
    const w = world(rows, { extra: (c, input) => `${input}:${c < 3 ? "a" : "b"}` });
    const clusterOf = (s: number) => (s < 3 ? 0 : 1);
    const rec = recorder();
    await select("sstar", w.candidates, w.inputs, env(w, () => "first", rec), { probeAgreeing: false });
    expect(rec.separate.filter(([a, b]) => clusterOf(a) === clusterOf(b))).toEqual([]);
  });

  it("the judge is never asked the same question twice", async () => {
    // Two clusters, one distinguishing input and a judge that never decides: the schedule wants
    // rematches, but once every separating input was shown there is nothing new to ask.
    const rows = [["a"], ["a"], ["a"], ["b"], ["b"]];
    const w = world(rows, { extra: (c, input) => `${input}:${c < 3 ? "a" : "b"}` });
    const rec = recorder();
    const t = await select("sstar", w.candidates, w.inputs, env(w, () => "first", rec));
    const keys = rec.judge.map(questionKey);
    expect(new Set(keys).size).toBe(keys.length);
    expect(t.calls.judge + t.calls.separate).toBeLessThanOrEqual(defaultCallBudget(t.clusters.length));
  });

  it("after a split the reported clusters are still ordered by size, then lowest index", async () => {
    // 0-3 agree on the synthesized input, but the probe tells {2,3} from {0,1}; 4 is its own cluster.
    const rows = [["a"], ["a"], ["a"], ["a"], ["b"]];
    const w = world(rows, { extra: (c) => (c <= 1 ? "wrong" : c === 4 ? "b" : "right") });
    const t = await select("sstar", w.candidates, w.inputs, env(w, rightJudge(new Set([2, 3]))));
    expect(t.clusters.map((c) => c.members)).toEqual([[0, 1], [2, 3], [4]]);
    expect(t.clusters.map((c) => c.id)).toEqual(["c1", "c2", "c3"]);
    // Matches and the selected cluster name clusters by the reported ids.
    const chosen = t.clusters.find((c) => c.id === t.selection.selectedCluster)!;
    expect(chosen.members).toContain(t.selection.selectedSample);
    for (const m of t.matches.filter((x) => x.a.startsWith("c"))) {
      for (const v of m.inputs) {
        expect(t.clusters.find((c) => c.id === m.a)!.outputs[v.inputId]).toBe(v.outputA);
        expect(t.clusters.find((c) => c.id === m.b)!.outputs[v.inputId]).toBe(v.outputB);
      }
    }
  });

  it("with the leader settled but the pick unsure, a wrong representative hiding a right program is probed", async () => {
    // Found by the perfect-judge property: c1 = two copies of a wrong program W; c2 = {V, R}
    // whose representative V is wrong and R right, told apart only by pool input p2, which
    // `separate` proposes for V and R but not for W and V. A judge that knows the right program
    // calls W against V a tie, so c2 can only win once it is probed and R stands on its own.
    const w: World = {
      synth: ["s0", "s1"],
      pool: ["p0", "p1", "p2"],
      truth: ["0", "0", "0", "0", "0"],
      programs: [
        { code: "def f(x): return w(x)", outputs: ["0", "2", "1", "1", "2"], correct: false },
        { code: "def f(x): return v(x)", outputs: ["0", "0", "0", "0", "2"], correct: false },
        { code: "def f(x): return r(x)", outputs: ["0", "0", "0", "0", "0"], correct: true },
      ],
      samples: [0, 1, 0, 2],
    };
    const rec: Calls = { judge: [], separate: [] };
    const t = await select("sstar", candidatesOf(w), synthesizedOf(w), worldEnv(w, "perfect", rec), { codeReview: false });
    expect(rec.separate).toContainEqual(["def f(x): return v(x)", "def f(x): return r(x)"]);
    expect(t.selection.selectedSample).toBe(3);
    expect(t.calls.separate + t.calls.judge).toBeLessThanOrEqual(defaultCallBudget(t.clusters.length));
  });
});
