import { describe, expect, it } from "vitest";
import { defaultCallBudget, select } from "../../../src/engine/select/index.ts";
import { rng } from "../../../bench/selection/sim.ts";
import { env, ERR, world, type Recorder } from "./helpers.ts";

// Random worlds: 16 candidates with random outputs (some errors), hidden differences that only
// `separate` reveals, and a judge answering at random. Whatever happens (code review included),
// the call bound holds.
describe("sstar call budget", () => {
  it.each([
    ["defaults", {}, 1],
    ["budgetMultiplier 2", { budgetMultiplier: 2 }, 2],
    ["budgetMultiplier 0.5", { budgetMultiplier: 0.5 }, 0.5],
  ] as const)("never exceeds multiplier x max(15, 3 x (clusters - 1)) (%s)", async (_name, options, multiplier) => {
    let beyondDefault = 0;
    for (let seed = 1; seed <= 150; seed++) {
      const r = rng(seed);
      const kinds = 1 + Math.floor(r() * 7);
      const inputs = Math.floor(r() * 4);
      const behaviour = Array.from({ length: 16 }, () => Math.floor(r() * kinds));
      const hidden = Array.from({ length: 16 }, () => Math.floor(r() * 3));
      const rows = behaviour.map((b) => Array.from({ length: inputs }, (_, i) => (r() < 0.15 ? ERR : `${b % (i + 2)}`)));
      const w = world(rows, { extra: (c, input) => `${input}:${behaviour[c]}:${hidden[c]}` });
      const rec: Recorder = { judge: [], separate: [], executed: 0 };
      const pick = rng(seed * 7919);
      const choices = ["first", "second", "tie", "invalid"] as const;
      const reserved = seed % 3 === 0 ? 1 : 0;
      const t = await select("sstar", w.candidates, w.inputs, env(w, () => choices[Math.floor(pick() * 4)]!, rec), { ...options, reservedCalls: reserved });
      const calls = rec.judge.length + rec.separate.length;
      const k = t.clusters.length;
      expect(calls).toBe(t.calls.judge + t.calls.separate);
      expect(calls + reserved, `seed ${seed}`).toBeLessThanOrEqual(Math.max(Math.floor(multiplier * defaultCallBudget(k)), reserved));
      if (calls + reserved > defaultCallBudget(k)) beyondDefault++;
      expect(t.selection.selectedSample).not.toBeNull();
      expect(t.clusters.flatMap((c) => c.members).sort((a, b) => a - b)).toEqual([...Array(16).keys()]);
    }
    // A larger bound is spent where the pick is still unsure; the default bound is never passed.
    if (multiplier > 1) expect(beyondDefault).toBeGreaterThan(0);
    else expect(beyondDefault).toBe(0);
  });
});
