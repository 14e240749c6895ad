// The run's bounds, as pure decisions: the caps on the limits an issue may ask for (an issue's
// author chooses them, and the label that approves the kata should not approve a minute per test
// and 8 GB), and the deadline that leaves time to publish what is done before the job's timeout.
import type { ProblemSpec } from "../spec/index.ts";

type Limits = ProblemSpec["limits"];

export interface LimitCaps {
  maxTimeMs: number;
  maxMemoryMb: number;
}

/** The limits lowered to the caps, with one sentence per value that was lowered. */
export function capLimits(limits: Limits, caps: LimitCaps): { limits: Limits; clamped: string[] } {
  const clamped: string[] = [];
  const out = { ...limits };
  if (limits.timeMs > caps.maxTimeMs) {
    clamped.push(`time limit ${limits.timeMs} ms lowered to ${caps.maxTimeMs} ms (input max-time-ms)`);
    out.timeMs = caps.maxTimeMs;
  }
  if (limits.memoryMb > caps.maxMemoryMb) {
    clamped.push(`memory limit ${limits.memoryMb} MB lowered to ${caps.maxMemoryMb} MB (input max-memory-mb)`);
    out.memoryMb = caps.maxMemoryMb;
  }
  return { limits: out, clamped };
}

/**
 * How long solving may take under `timeout-minutes` (0: no deadline): the job's minutes less a
 * reserve for publishing (a fifth of the time, at least 30 s and at most 5 minutes).
 */
export function solveDeadlineMs(timeoutMinutes: number): number | undefined {
  if (timeoutMinutes <= 0) return undefined;
  const total = timeoutMinutes * 60_000;
  const reserve = Math.min(5 * 60_000, Math.max(30_000, total / 5));
  return Math.max(1_000, total - reserve);
}
