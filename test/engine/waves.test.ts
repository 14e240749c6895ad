// Adaptive sampling's wave plan and stop rule (pure functions).
import { describe, expect, it } from "vitest";
import type { CandidateInfo, Cell } from "../../src/engine/select/types.ts";
import { STOP_POSTERIOR, waveDecision, wavePlan } from "../../src/engine/waves.ts";

const ok = (output: string): Cell => ({ ok: true, output });
const crash: Cell = { ok: false, output: "runtime-error" };
const same = (x: string, y: string) => x === y;

/** Candidates from (passes the public tests?, outputs on the inputs). */
function evidence(rows: [boolean, Cell[]][]) {
  const candidates: CandidateInfo[] = rows.map(([pass], index) => ({ index, code: `p${index}`, publicPassed: pass ? 2 : 1, publicTotal: 2 }));
  return { candidates, cells: rows.map(([, cells]) => cells), inputCount: rows[0]?.[1].length ?? 0, equivalent: same };
}

describe("wavePlan", () => {
  it("is 4, 4, 8 for the default 16, doubles the samples drawn after that, and trims the last wave to the bound", () => {
    expect(wavePlan(16)).toEqual([4, 4, 8]);
    expect(wavePlan(64)).toEqual([4, 4, 8, 16, 32]);
    expect(wavePlan(10)).toEqual([4, 4, 2]);
    expect(wavePlan(3)).toEqual([3]);
    expect(wavePlan(1)).toEqual([1]);
  });
});

describe("waveDecision", () => {
  const agree = (pass = true): [boolean, Cell[]] => [pass, [ok("1"), ok("2")]];
  const other = (pass = true): [boolean, Cell[]] => [pass, [ok("1"), ok("3")]];

  it("stops when 4 of 4 public-passing samples agree", () => {
    const d = waveDecision(evidence([agree(), agree(), agree(), agree()]), 1, 3);
    expect(d).toEqual({ stop: true, posterior: 1, reason: `after wave 1 of 3: the leading cluster holds 4 of 4 public-passing samples (1 cluster of 4), posterior 1.00 ≥ ${STOP_POSTERIOR}` });
  });

  it("goes on when another cluster passes the public tests too", () => {
    const d = waveDecision(evidence([agree(), agree(), agree(), other()]), 1, 3);
    expect(d.stop).toBe(false);
    expect(d.reason).toBe("after wave 1 of 3: the leading cluster holds 3 of 4 public-passing samples (2 clusters of 4); 1 other cluster passes the public tests too, posterior 0.75 < 0.85");
  });

  it("does not count samples that fail the public tests as rivals (selection drops them)", () => {
    // 3 of 4 agree and pass, the fourth fails the public tests: selection keeps one cluster.
    const d = waveDecision(evidence([agree(), agree(), agree(), agree(false)]), 1, 3);
    expect(d.stop).toBe(true);
    expect(d.posterior).toBeCloseTo(1);
    expect(d.reason).toBe(`after wave 1 of 3: the leading cluster holds 3 of 3 public-passing samples (1 cluster of 4), posterior 1.00 ≥ ${STOP_POSTERIOR}`);
  });

  it("stops on a clear majority with a rival: 7 of 8 public-passing samples agree (0.875)", () => {
    const d = waveDecision(evidence([...Array.from({ length: 7 }, () => agree()), other()]), 2, 3);
    expect(d.stop).toBe(true);
    expect(d.posterior).toBeCloseTo(0.875);
    expect(d.reason).toBe(`after wave 2 of 3: the leading cluster holds 7 of 8 public-passing samples (2 clusters of 8); 1 other cluster passes the public tests too, posterior 0.88 ≥ ${STOP_POSTERIOR}`);
  });

  it("needs two public-passing samples in the leading cluster", () => {
    expect(waveDecision(evidence([agree(), agree(false), agree(false), agree(false)]), 1, 3).reason).toBe(
      "after wave 1 of 3: 1 sample passes every public test, fewer than 2",
    );
    const d = waveDecision(evidence([agree(false), agree(false), agree(false), agree(), other()]), 1, 3);
    expect(d.stop).toBe(false);
    expect(d.reason).toMatch(/the leading cluster holds 1 of 2 public-passing samples .*, fewer than 2/);
  });

  it("goes on without a trusted synthesized input to compare the samples on", () => {
    expect(waveDecision({ ...evidence([agree(), agree()]), cells: [[], []], inputCount: 0 }, 1, 3).reason).toBe(
      "after wave 1 of 3: no trusted synthesized input to compare the samples on",
    );
    // Inputs on which (nearly) every sample crashes are suspect, as in selection.
    const crashed = waveDecision(evidence([[true, [crash]], [true, [crash]], [true, [crash]], [true, [crash]]]), 1, 3);
    expect(crashed.reason).toBe("after wave 1 of 3: no trusted synthesized input to compare the samples on");
  });
});
