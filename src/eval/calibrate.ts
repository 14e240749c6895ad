// Time limits that travel: before grading, time a fixed CPU-bound program in this runner's sandbox
// and compare it with its time on the reference runner; limits are multiplied by the ratio (never
// below 1), so a slower or busier runner does not turn passes into time limits. The scale and
// every timed run are recorded in the results (meta.calibration) and shown in the summary and
// the HTML report. The arithmetic is pure (`calibrationScale`, `scaledSpec`); `calibrate` times.
import type { Sandbox } from "../sandbox/types.ts";
import type { ProblemSpec } from "../spec/schema.ts";
import type { Calibration } from "./results.ts";

/** A fixed Python loop, about 0.3 s of one core on the reference runner; its output checks it ran to the end. */
export const CALIBRATION_PROGRAM = ["s = 0", "for i in range(1_500_000):", "    s = (s + i * i) % 1_000_003", "print(s)"].join("\n");
export const CALIBRATION_EXPECTED = "749961";
export const CALIBRATION_NAME = "python: 1.5M modular multiply-adds";
/**
 * The program's median wall time in the sandbox on the reference runner (this repository's CI
 * machine, idle; `npm run bench:calibration` measures it again). Override with --calibration-reference.
 */
export const CALIBRATION_REFERENCE_MS = 400;
/** Timed runs; the median is used, so one hiccup does not set the scale. */
export const CALIBRATION_RUNS = 3;
/** The largest scale applied: beyond it the runner is too slow to grade fairly at all. */
export const MAX_CALIBRATION_SCALE = 20;
/** A time-limit verdict is retried at this multiple of the (scaled) limit; passing then is "timing-sensitive". */
export const TIMING_RETRY_FACTOR = 2;

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** measured / reference, rounded to 2 decimals, at least 1 (a faster runner keeps the spec's limits), at most MAX_CALIBRATION_SCALE. */
export function calibrationScale(measuredMs: number, referenceMs: number): number {
  if (!(referenceMs > 0)) throw new Error(`the calibration reference must be a time in ms > 0, got ${referenceMs}`);
  const ratio = Math.round((measuredMs / referenceMs) * 100) / 100;
  return Math.min(MAX_CALIBRATION_SCALE, Math.max(1, ratio));
}

/** The spec with its time limit multiplied by `scale` (the spec's hash is taken before, from the original). */
export function scaledSpec(spec: ProblemSpec, scale: number): ProblemSpec {
  if (scale === 1) return spec;
  return { ...spec, limits: { ...spec.limits, timeMs: Math.round(spec.limits.timeMs * scale) } };
}

/** Times the calibration program in `sandbox` and returns the calibration to record. */
export async function calibrate(sandbox: Sandbox, options: { referenceMs?: number; shard?: number | null; runs?: number } = {}): Promise<Calibration> {
  const referenceMs = options.referenceMs ?? CALIBRATION_REFERENCE_MS;
  const runs: number[] = [];
  for (let i = 0; i < (options.runs ?? CALIBRATION_RUNS); i++) {
    const start = performance.now();
    // The run number in a comment keeps the sandbox's result cache from answering instead of timing.
    const r = await sandbox.run({
      program: { language: "python", code: `# calibration run ${i} ${Date.now()}\n${CALIBRATION_PROGRAM}` },
      io: { kind: "stdio" },
      input: "",
      limits: { timeMs: 60_000, memoryMb: 256 },
    });
    const wall = performance.now() - start;
    if (r.status !== "ok" || r.output.trim() !== CALIBRATION_EXPECTED) {
      throw new Error(`the time calibration program did not run in the sandbox (${r.status}${r.stderrTail ? `: ${r.stderrTail.trim().split("\n").at(-1)}` : ""}); check \`sstar doctor\` or run without --calibrate`);
    }
    runs.push(Math.round(wall));
  }
  const measuredMs = median(runs);
  return { shard: options.shard ?? null, program: CALIBRATION_NAME, referenceMs, measuredMs, runs, scale: calibrationScale(measuredMs, referenceMs) };
}
