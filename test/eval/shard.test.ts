import { describe, expect, it } from "vitest";
import { estimateSpecCost, parseShard, partition, selectShard, specCosts } from "../../src/eval/shard.ts";
import type { ProblemSpec } from "../../src/spec/schema.ts";

function spec(id: string, o: { statement?: number; pub?: number; hidden?: number; timeMs?: number } = {}): ProblemSpec {
  const test = (i: number) => ({ name: `t${i}`, input: "1\n", output: "1\n" });
  return {
    id,
    title: id,
    statement: "x".repeat(o.statement ?? 1000),
    io: { kind: "stdio" },
    language: "python",
    limits: { timeMs: o.timeMs ?? 2000, memoryMb: 256 },
    checker: { kind: "tokens" },
    multipleAnswers: false,
    tests: { public: Array.from({ length: o.pub ?? 2 }, (_, i) => test(i)), hidden: Array.from({ length: o.hidden ?? 5 }, (_, i) => test(i)) },
    tags: [],
  };
}

describe("parseShard", () => {
  it("reads 1-based i/n", () => {
    expect(parseShard("2/3")).toEqual({ index: 2, count: 3 });
    expect(parseShard(" 1 / 1 ")).toEqual({ index: 1, count: 1 });
  });
  it.each(["0/3", "4/3", "3", "a/b", "1/0", "-1/2", "1/2/3"])("refuses %s with a one-line message naming the flag", (bad) => {
    expect(() => parseShard(bad)).toThrow(/^--shard must look like i\/n/);
  });
});

describe("partition (greedy LPT)", () => {
  it("balances by cost, not count", () => {
    const items = [{ id: "big", cost: 10 }, ...Array.from({ length: 10 }, (_, i) => ({ id: `s${i}`, cost: 1 }))];
    const [a, b] = partition(items, 2);
    expect(a).toEqual(["big"]);
    expect(b).toHaveLength(10);
  });

  it("puts every id in exactly one shard and ignores input order", () => {
    const items = Array.from({ length: 37 }, (_, i) => ({ id: `p${String(i).padStart(2, "0")}`, cost: (i * 7919) % 13 + 1 }));
    const shards = partition(items, 4);
    const all = shards.flat().sort();
    expect(all).toEqual(items.map((i) => i.id).sort());
    expect(new Set(all).size).toBe(items.length);
    const shuffled = [...items].reverse();
    expect(partition(shuffled, 4)).toEqual(shards);
    const loads = shards.map((ids) => ids.reduce((s, id) => s + items.find((i) => i.id === id)!.cost, 0));
    // LPT bound: the heaviest shard is at most the mean plus the largest item.
    const mean = loads.reduce((a, b) => a + b, 0) / 4;
    expect(Math.max(...loads)).toBeLessThanOrEqual(mean + 13);
  });

  it("breaks cost ties by id so every runner gets the same answer", () => {
    const items = [{ id: "c", cost: 1 }, { id: "a", cost: 1 }, { id: "b", cost: 1 }];
    expect(partition(items, 2)).toEqual([["a", "c"], ["b"]]);
  });

  it("allows more shards than problems (some empty)", () => {
    expect(partition([{ id: "a", cost: 1 }], 3)).toEqual([["a"], [], []]);
  });

  it("refuses duplicate ids and bad counts", () => {
    expect(() => partition([{ id: "a", cost: 1 }, { id: "a", cost: 2 }], 2)).toThrow(/"a" appears twice/);
    expect(() => partition([], 0)).toThrow(/positive integer/);
  });
});

describe("cost model", () => {
  it("grows with tests, time limit and statement length", () => {
    const base = estimateSpecCost(spec("a"));
    expect(estimateSpecCost(spec("a", { hidden: 50 }))).toBeGreaterThan(base);
    expect(estimateSpecCost(spec("a", { pub: 6 }))).toBeGreaterThan(base);
    expect(estimateSpecCost(spec("a", { timeMs: 10_000 }))).toBeGreaterThan(base);
    expect(estimateSpecCost(spec("a", { statement: 8000 }))).toBeGreaterThan(base);
  });

  it("uses measured wall times where known and scales the estimates of the rest to match", () => {
    const specs = [spec("a"), spec("b"), spec("c")];
    const est = estimateSpecCost(specs[0]!);
    const measured = new Map([["a", est * 3], ["b", est * 3]]);
    const costs = specCosts(specs, measured);
    expect(costs.find((c) => c.id === "a")!.cost).toBeCloseTo(est * 3);
    expect(costs.find((c) => c.id === "c")!.cost).toBeCloseTo(est * 3);
    expect(specCosts(specs)).toEqual(specs.map((s) => ({ id: s.id, cost: est })));
  });
});

describe("selectShard", () => {
  it("splits a spec set into disjoint shards covering it, each sorted by id", () => {
    const specs = Array.from({ length: 10 }, (_, i) => spec(`p${i}`, { hidden: i + 1 }));
    const parts = [1, 2, 3].map((index) => selectShard(specs, { index, count: 3 }));
    expect(parts.flatMap((p) => p.ids).sort()).toEqual(specs.map((s) => s.id).sort());
    for (const p of parts) expect(p.specs.map((s) => s.id)).toEqual(p.ids);
  });

  it("changes the split when measured costs say so", () => {
    const specs = ["a", "b", "c", "d"].map((id) => spec(id));
    const plain = selectShard(specs, { index: 1, count: 2 }).ids;
    const measured = new Map([["a", 100], ["b", 1], ["c", 1], ["d", 1]]);
    expect(plain).toEqual(["a", "c"]);
    expect(selectShard(specs, { index: 1, count: 2 }, measured).ids).toEqual(["a"]);
  });
});
