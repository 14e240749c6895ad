import { describe, expect, it } from "vitest";
import { mergeResults, MergeError } from "../../src/eval/merge.ts";
import { comparableView } from "../../src/eval/results.ts";
import { config, problem, results, shards } from "./helpers.ts";

const all = ["a", "b", "c", "d", "e", "f"].map((id, i) => problem({ id, passed: i % 2 === 0, costUsd: 0.1 * (i + 1), wallMs: 1000 * i }));
const ids = all.map((p) => p.id);
const split = [["a", "d"], ["b", "e"], ["c", "f"]];

describe("mergeResults", () => {
  it("gives the same comparable result as one unsharded run, whatever the input order", () => {
    const whole = results(all, config(ids));
    const parts = shards(all, split);
    const merged = mergeResults(parts, ["s1.json", "s2.json", "s3.json"]);
    expect(comparableView(merged)).toEqual(comparableView(whole));
    expect(merged.config.shard).toBeNull();
    expect(merged.problems.map((p) => p.id)).toEqual(ids);
    expect(merged.summary.solved).toBe(3);
    expect(merged.summary.usage.costUsd).toBe(2.1);
    expect(merged.meta.mergedFrom).toEqual(["s1.json", "s2.json", "s3.json"]);
    expect(merged.meta.startedAt).toBe("2025-01-01T00:00:00.000Z");
    const reversed = mergeResults([...parts].reverse());
    expect(comparableView(reversed)).toEqual(comparableView(merged));
  });

  it("passes a single unsharded result through", () => {
    const whole = results(all, config(ids));
    expect(comparableView(mergeResults([whole]))).toEqual(comparableView(whole));
  });

  const cases: [string, () => unknown[], RegExp][] = [
    ["a different model", () => { const p = shards(all, split); p[1] = shards(all, split, { model: "other" })[1]!; return p; }, /s1\.json and s2\.json come from different runs: config\.model: "gpt-test" vs "other"/],
    ["different settings", () => { const p = shards(all, split); p[2] = shards(all, split, { settings: { samples: 16, rounds: 2, selection: "sstar", temperature: 0.7 } })[2]!; return p; }, /s1\.json and s3\.json come from different runs: config\.settings\.samples: 8 vs 16/],
    ["a different spec version", () => {
      const p = shards(all, split);
      const hashes = { ...p[0]!.config.specHashes, c: "sha256:changed" };
      p[2] = { ...p[2]!, config: { ...p[2]!.config, specHashes: hashes } };
      return p;
    }, /config\.specHashes\["c"\] \(spec c differs in version or is missing\)/],
    ["the same shard twice", () => { const p = shards(all, split); return [p[0], p[1], p[1]]; }, /s2\.json and s3\.json are both shard 2\/3: overlapping shards/],
    ["a missing shard", () => shards(all, split).slice(0, 2), /shard 3\/3 missing \(got s1\.json = 1\/3, s2\.json = 2\/3\)/],
    ["an unfinished shard", () => { const p = shards(all, split); p[1] = { ...p[1]!, problems: p[1]!.problems.slice(0, 1) }; return p; }, /s2\.json: shard 2\/3 is unfinished \(1 of 2 problems missing: e\); rerun it with the same --out/],
    ["shards of different splits", () => { const p = shards(all, split); const q = shards(all, [["a", "b"], ["c", "d"], ["e", "f"]]); return [p[0], p[1], q[2]]; }, /s2\.json and s3\.json both hold problem e \(config\.shard\.problems\)/],
    ["shard counts that differ", () => { const p = shards(all, split); const q = shards(all, [["a", "b", "c"], ["d", "e", "f"]]); return [p[0], q[1]]; }, /config\.shard\.count differs/],
    ["an unsharded result among shards", () => [...shards(all, split), results(all, config(ids))], /s4\.json is an unsharded \(or already merged\) result/],
  ];
  it.each(cases)("refuses %s with one line naming the files and the field", (_name, make, message) => {
    const inputs = make() as Parameters<typeof mergeResults>[0];
    const names = inputs.map((_, i) => `s${i + 1}.json`);
    let error: unknown;
    try {
      mergeResults(inputs, names);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(MergeError);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).not.toContain("\n");
  });

  it("refuses an empty list", () => {
    expect(() => mergeResults([])).toThrow(/nothing to merge/);
  });
});
