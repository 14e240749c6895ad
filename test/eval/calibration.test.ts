// Time limits that travel. The arithmetic (pure), and the promise itself: the same program graded
// on a machine slowed by a CPU quota (1.5% of one core, a cgroup around the grading process)
// flips from accepted to time-limit with the spec's own limit, and stays accepted once the limit
// is scaled by the calibration (reference: the same machine unslowed). Needs root and a writable
// cgroup v1 cpu hierarchy (skipped otherwise, saying so).
import { execa } from "execa";
import { existsSync, mkdirSync, rmdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { calibrationScale, MAX_CALIBRATION_SCALE, scaledSpec } from "../../src/eval/calibrate.ts";
import type { ProblemSpec } from "../../src/spec/schema.ts";

describe("calibration arithmetic", () => {
  it("scales by measured / reference, never below 1 nor above the cap, and refuses a bad reference", () => {
    expect(calibrationScale(800, 400)).toBe(2);
    expect(calibrationScale(1234, 400)).toBe(3.09);
    expect(calibrationScale(200, 400)).toBe(1);
    expect(calibrationScale(400 * 100, 400)).toBe(MAX_CALIBRATION_SCALE);
    expect(() => calibrationScale(100, 0)).toThrow("the calibration reference must be a time in ms > 0, got 0");
  });
  it("scales the time limit only", () => {
    const spec = { id: "x", limits: { timeMs: 2000, memoryMb: 256 } } as ProblemSpec;
    expect(scaledSpec(spec, 1)).toBe(spec);
    expect(scaledSpec(spec, 1.75).limits).toEqual({ timeMs: 3500, memoryMb: 256 });
  });
});

const CPU_ROOT = "/sys/fs/cgroup/cpu";
const canSlow = process.getuid?.() === 0 && existsSync(join(CPU_ROOT, "cpu.cfs_quota_us"));
const WORKER = join(process.cwd(), "test/fixtures/calibration-worker.ts");

interface Graded {
  calibration: { measuredMs: number; scale: number } | null;
  limitMs: number;
  verdicts: string[];
}

/** Runs the worker, in a CPU-quota cgroup when `group` is given (it joins once its sandbox is open). */
async function grade(args: { timeMs: number; calibrate: boolean; referenceMs?: number }, group?: string): Promise<Graded> {
  const r = await execa(process.execPath, ["--import", "tsx", WORKER, JSON.stringify({ ...args, ...(group ? { cgroup: group } : {}) })], { reject: false });
  if (r.exitCode !== 0) throw new Error(`calibration worker failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as Graded;
}

describe.skipIf(!canSlow)("a slowed machine (CPU quota 1.5% of a core)", () => {
  it("flips a verdict with the spec's own limit, and gives the same verdicts as the unslowed machine after calibration", async () => {
    const group = join(CPU_ROOT, `sstar-calibration-${process.pid}`);
    mkdirSync(group, { recursive: true });
    try {
      writeFileSync(join(group, "cpu.cfs_period_us"), "100000");
      writeFileSync(join(group, "cpu.cfs_quota_us"), "1500");
      // The machine as it is: its calibration time is the reference, and the limit leaves room for it.
      const normal = await grade({ timeMs: 1000, calibrate: true, referenceMs: 1_000_000 });
      const reference = normal.calibration!.measuredMs;
      const timeMs = Math.max(1000, reference);
      const plain = await grade({ timeMs, calibrate: false });
      const slowPlain = await grade({ timeMs, calibrate: false }, group);
      const slowCalibrated = await grade({ timeMs, calibrate: true, referenceMs: reference }, group);
      console.log(
        `calibration: reference ${reference} ms, limit ${timeMs} ms; unslowed ${plain.verdicts.join(",")}; slowed, uncalibrated ${slowPlain.verdicts.join(",")}; ` +
          `slowed, calibrated (measured ${slowCalibrated.calibration!.measuredMs} ms, scale ${slowCalibrated.calibration!.scale}, limit ${slowCalibrated.limitMs} ms) ${slowCalibrated.verdicts.join(",")}`,
      );
      expect(plain.verdicts).toEqual(["accepted"]);
      expect(slowPlain.verdicts).toEqual(["time-limit"]);
      expect(slowCalibrated.calibration!.scale).toBeGreaterThan(1);
      expect(slowCalibrated.verdicts).toEqual(plain.verdicts);
    } finally {
      rmdirSync(group);
    }
  }, 400_000);
});
