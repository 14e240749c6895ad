// How a run ended, from the runner's report and what the reader saw. Pure.
import { constants } from "node:os";
import type { EnforcedLimits } from "./limits.ts";
import type { RunResult, RunStatus } from "./types.ts";
import type { CgroupUsage } from "./backends/cgroup.ts";

/** The runner's JSON line (see runner-source.ts). */
export interface RunnerReport {
  exit: number;
  signal: number;
  cpuMs: number;
  wallMs: number;
  maxRssKb: number;
  wallKilled: boolean;
  /** Without a cgroup: the runner's sum of the run's memory (processes and tmpfs) went over the limit. */
  memKilled?: boolean;
  /** Without a cgroup: the runner could not read /proc to sum the run's memory, so it stopped the run. */
  watchFailed?: boolean;
  execError: number;
}

export interface Collected {
  report: RunnerReport | null;
  stdout: string;
  stderrTail: string;
  /** Function harness result (fd 4), when the contract is a function call. */
  result: string | null;
  outputOverflow: boolean;
  /** The outer guard killed the sandbox (the runner itself did not report in time). */
  guardKilled: boolean;
  /** Wall time seen from outside, for when there is no report. */
  outerWallMs: number;
  /** Exit code and signal of the sandbox process itself. */
  sandboxExit: number | null;
  sandboxSignal: string | null;
  /** What the run's cgroup measured, when there was one. */
  cgroup?: CgroupUsage | null;
}

const MEMORY_PATTERNS = [
  /\bMemoryError\b/,
  /std::bad_alloc/,
  /JavaScript heap out of memory/,
  /Reached heap limit/,
  /FATAL ERROR: .*Allocation failed/,
  /Cannot allocate memory/,
  /failed to map segment from shared object/,
  /out of memory/i,
];

export function signalName(signal: number): string | null {
  if (signal === 0) return null;
  for (const [name, value] of Object.entries(constants.signals)) if (value === signal) return name;
  return `SIG${signal}`;
}

export function looksLikeMemoryFailure(stderrTail: string): boolean {
  return MEMORY_PATTERNS.some((p) => p.test(stderrTail));
}

export function classifyRun(c: Collected, limits: EnforcedLimits, contract: "stdio" | "function"): RunResult {
  const r = c.report;
  // The cgroup also counts CPU of processes the runner could not wait for.
  const cpuMs = r ? Math.max(r.cpuMs, c.cgroup?.cpuMs ?? 0) : c.outerWallMs;
  const overMemory = c.cgroup?.oomKilled === true || r?.memKilled === true;
  const watchNote = r?.watchFailed === true ? "\nsandbox: the runner could not read /proc to watch the run's memory (out of descriptors?), so it stopped the run" : "";
  const base = {
    stderrTail: c.stderrTail + watchNote,
    exitCode: r ? (r.exit >= 0 ? r.exit : null) : c.sandboxExit,
    signal: r ? signalName(r.signal) : c.sandboxSignal,
    timeMs: cpuMs,
    memoryKb: r ? r.maxRssKb : null,
  };
  const output = contract === "function" ? (c.result ?? "") : c.stdout;
  const status = ((): RunStatus => {
    if (c.outputOverflow) return "output-limit";
    if (r === null) {
      // The sandbox never reported: killed by the outer guard (hung), by the OOM killer, or failed to start.
      return c.guardKilled ? "time-limit" : overMemory ? "memory-limit" : "runtime-error";
    }
    if (r.execError !== 0 || r.watchFailed === true) return "runtime-error";
    if (r.wallKilled || r.signal === constants.signals.SIGXCPU || cpuMs > limits.timeMs) return "time-limit";
    if (overMemory) return "memory-limit";
    // A CPU-limit SIGKILL arrives a second after SIGXCPU; CPU time past the soft limit tells it apart.
    if (r.signal === constants.signals.SIGKILL && r.cpuMs >= limits.cpuSeconds * 1000) return "time-limit";
    const failed = r.exit !== 0 || r.signal !== 0;
    if (r.maxRssKb > limits.memoryKb) return "memory-limit";
    if (failed && looksLikeMemoryFailure(c.stderrTail)) return "memory-limit";
    if (r.signal === constants.signals.SIGXFSZ) return "output-limit";
    if (failed) return "runtime-error";
    if (contract === "function" && c.result === null) return "runtime-error";
    return "ok";
  })();
  return { status, output, ...base };
}
