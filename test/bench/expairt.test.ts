// ExPairT's selection loop (bench/selection/expairt.ts) over scripted worlds: the Copeland
// round-robin's early exits, the equivalence split, no size prior, and its call counts.
import { describe, expect, it } from "vitest";
import { copeland, clusterByRows, expairtSelect, type ExpairtEnv } from "../../bench/selection/expairt.ts";
import type { CandidateInfo, Cell, JudgeQuestion, SelInput } from "../../src/engine/select/index.ts";

/** A world: each program is a function from input to output; `right` programs are correct. */
function world(programs: Record<string, (x: string) => string>, right: Set<string>, opts: { finds?: boolean } = {}) {
  const asked: JudgeQuestion[] = [];
  const equivalenceAsked: [string, string][] = [];
  const env: ExpairtEnv = {
    async execute(cands: CandidateInfo[], inputs: SelInput[]) {
      return new Map(cands.map((c) => [c.index, inputs.map((i): Cell => ({ ok: true, output: programs[c.code]!(i.input) }))]));
    },
    async judge(q) {
      asked.push(q);
      const f = right.has(q.firstCode);
      const s = right.has(q.secondCode);
      if (f === s) return { choice: "invalid" };
      return { choice: f ? "first" : "second" };
    },
    async equivalence(a, b) {
      equivalenceAsked.push([a.code, b.code]);
      if (opts.finds === false) return null;
      for (const x of ["0", "1", "2", "3", "9"]) if (programs[a.code]!(x) !== programs[b.code]!(x)) return x;
      return null;
    },
    equivalent: (x, y) => x === y,
  };
  return { env, asked, equivalenceAsked };
}
const cand = (index: number, code: string): CandidateInfo => ({ index, code, publicPassed: 1, publicTotal: 1 });
const inputs = (...xs: string[]): SelInput[] => xs.map((x, i) => ({ id: `in${i + 1}`, input: x, origin: "synthesized" }));

describe("expairt", () => {
  it("has no size prior: a right singleton beats a wrong majority when the judge is right", async () => {
    const { env } = world({ right: (x) => x, wrong: (x) => `${x}!` }, new Set(["right"]));
    const kept = [cand(0, "wrong"), cand(1, "wrong"), cand(2, "wrong"), cand(3, "right")];
    const r = await expairtSelect(kept, inputs("1"), env);
    expect(r.pick).toBe(3);
    expect(r.membership).toBe(1);
    // The right cluster is a singleton: no equivalence question.
    expect(r.equivalence).toBe(0);
  });

  it("splits the chosen cluster on an input an equivalence question found, then plays the pieces", async () => {
    // a and b agree on input 1 but differ on 0; a is right.
    const programs = { a: (x: string) => x, b: (x: string) => (x === "0" ? "z" : x), c: (x: string) => `${x}?` };
    const { env, equivalenceAsked } = world(programs, new Set(["a"]));
    const r = await expairtSelect([cand(0, "b"), cand(1, "a"), cand(2, "c")], inputs("1"), env);
    expect(r.pick).toBe(1);
    expect(equivalenceAsked).toEqual([["b", "a"]]);
    expect(r.rounds).toBe(2);
    // one membership question in each round
    expect(r.membership).toBe(2);
  });

  it("takes the cluster's first member when no equivalence question finds a difference", async () => {
    const programs = { a: (x: string) => x, b: (x: string) => (x === "0" ? "z" : x) };
    const { env } = world(programs, new Set(["a"]), { finds: false });
    const r = await expairtSelect([cand(0, "b"), cand(1, "a")], inputs("1"), env);
    expect(r).toMatchObject({ pick: 0, membership: 0, equivalence: 1, rounds: 1 });
  });

  it("stops the round-robin once a cluster beat every other", async () => {
    const programs = { r: (x: string) => x, w1: (x: string) => `${x}1`, w2: (x: string) => `${x}2`, w3: (x: string) => `${x}3` };
    const { env, asked } = world(programs, new Set(["r"]));
    const kept = [cand(0, "r"), cand(1, "w1"), cand(2, "w2"), cand(3, "w3")];
    const rows = await env.execute(kept, inputs("5"));
    const clusters = clusterByRows(kept, rows, env.equivalent);
    const counter = { membership: 0 };
    expect(await copeland(clusters, inputs("5"), env, counter)).toBe(0);
    // cluster 0 plays first (all at zero, first index) and beats all three: 3 questions, not 6.
    expect(counter.membership).toBe(3);
    expect(asked.every((q) => q.inputs.length === 1 && q.secondCode === "r")).toBe(true);
  });

  it("gives up on a cluster that can no longer catch the leader", async () => {
    // Two wrong programs the judge can't tell apart ("invalid") and one right one played last.
    const programs = { w1: (x: string) => `${x}1`, w2: (x: string) => `${x}2`, r: (x: string) => x };
    const { env } = world(programs, new Set(["r"]));
    const kept = [cand(0, "w1"), cand(1, "w2"), cand(2, "r")];
    const clusters = clusterByRows(kept, await env.execute(kept, inputs("5")), env.equivalent);
    const counter = { membership: 0 };
    // w1 plays w2 (no win) and r (r wins): r has 1 and plays w2 next; it wins: 2 = n - 1.
    expect(await copeland(clusters, inputs("5"), env, counter)).toBe(2);
    expect(counter.membership).toBe(3);
  });

  it("returns null for no candidates and the only program for one", async () => {
    const { env } = world({ a: (x) => x }, new Set(["a"]));
    expect((await expairtSelect([], inputs("1"), env)).pick).toBeNull();
    expect(await expairtSelect([cand(4, "a")], inputs("1"), env)).toMatchObject({ pick: 4, membership: 0, equivalence: 0 });
  });
});
