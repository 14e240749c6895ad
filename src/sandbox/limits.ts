// Turns the contract's Limits into what the runner and the reader enforce. Pure.
import type { Language } from "../spec/schema.ts";
import type { Limits } from "./types.ts";

const MiB = 1024 * 1024;

export const DEFAULT_OUTPUT_BYTES = 16 * MiB;
export const DEFAULT_PROCESSES = 64;
/** Compiles get their own, generous limits (g++ -O2 on a big file is slow and hungry), within the caps. */
export const COMPILE_LIMITS: Limits = { timeMs: 60_000, memoryMb: 2048, outputBytes: 1 * MiB, processes: 64 };

/** The most time and memory any run may have, compiles included (the action's max-time-ms and max-memory-mb). */
export interface LimitCaps {
  timeMs: number;
  memoryMb: number;
}

/** `limits` lowered to the caps, if any. Pure. */
export function capLimits(limits: Limits, caps: LimitCaps | undefined): Limits {
  if (caps === undefined) return limits;
  return { ...limits, timeMs: Math.min(limits.timeMs, caps.timeMs), memoryMb: Math.min(limits.memoryMb, caps.memoryMb) };
}

/**
 * A compile's enforced limits: a run like any other (time, memory, tmpfs and processes held the
 * same way), under the compile's own limits lowered to the caps. The binary it writes is a file of
 * the run: no larger than its memory limit (RLIMIT_FSIZE). Pure.
 */
export function compileLimits(caps: LimitCaps | undefined): EnforcedLimits {
  const l = enforcedLimits(capLimits(COMPILE_LIMITS, caps), "cpp");
  return { ...l, fileSizeBytes: Math.min(l.fileSizeBytes, l.runMemoryBytes) };
}

export interface EnforcedLimits {
  /** RLIMIT_CPU soft limit in seconds (SIGXCPU, SIGKILL a second later). */
  cpuSeconds: number;
  /** Wall-clock limit the runner kills at. */
  wallMs: number;
  /** RLIMIT_AS, or null where the runtime reserves huge address space (V8). */
  addressSpaceBytes: number | null;
  /** RLIMIT_DATA (writable private memory): used for V8 instead of RLIMIT_AS. */
  dataBytes: number | null;
  stackBytes: number;
  processes: number;
  fileSizeBytes: number;
  outputBytes: number;
  /** Size of the writable /tmp tmpfs. */
  tmpBytes: number;
  /** Size of /dev/shm: with /tmp it sums to the memory limit, so files alone never exceed it. */
  shmBytes: number;
  /** All of a run's memory: every process, and what its tmpfs hold. */
  runMemoryBytes: number;
  /** The time limit proper: CPU time above this is time-limit. */
  timeMs: number;
  memoryKb: number;
}

/** A quarter of the memory for /dev/shm (POSIX shared memory, semaphores), the rest for /tmp. */
function shmBytes(memoryBytes: number): number {
  return Math.floor(memoryBytes / 4 / 4096) * 4096;
}

export function enforcedLimits(limits: Limits, language: Language): EnforcedLimits {
  const memoryBytes = limits.memoryMb * MiB;
  const js = language === "javascript";
  return {
    cpuSeconds: Math.ceil(limits.timeMs / 1000) + 1,
    // Wall slack covers start-up and a loaded machine; CPU time decides the verdict.
    wallMs: limits.timeMs * 2 + 1000,
    // V8 reserves many GiB of address space up front, so for Node limit writable memory instead.
    addressSpaceBytes: js ? null : memoryBytes,
    // Node needs about 1 GiB of writable mappings just to start (code range, cage); the heap itself
    // is held to the limit by --max-old-space-size, and peak RSS above it is memory-limit.
    dataBytes: js ? memoryBytes + 1024 * MiB : null,
    stackBytes: language === "cpp" ? memoryBytes : Math.min(memoryBytes, 64 * MiB),
    processes: limits.processes ?? DEFAULT_PROCESSES,
    fileSizeBytes: 64 * MiB,
    outputBytes: limits.outputBytes ?? DEFAULT_OUTPUT_BYTES,
    // Sized so that together they are the memory limit, and counted with everything else against
    // it (the run's cgroup, or the runner's sums): a program can't park memory in /tmp or /dev/shm,
    // and files alone can never exceed the limit, whatever the sampler sees.
    tmpBytes: memoryBytes - shmBytes(memoryBytes),
    shmBytes: shmBytes(memoryBytes),
    runMemoryBytes: memoryBytes,
    timeMs: limits.timeMs,
    memoryKb: limits.memoryMb * 1024,
  };
}

/** What the runner must do besides the rlimits, decided by the backend. */
export interface RunnerOptions {
  /** Run the program as this uid and gid (sstar is root: never run a program as root). */
  user?: { uid: number; gid: number };
  /** No memory cgroup: the runner sums the run's memory itself, with these tmpfs mounts. */
  watchMemory?: { tmpfs: string[] };
  /** Descriptors above stderr the program is handed on purpose; the runner closes every other one. */
  keepFds?: number[];
}

/** The runner's command-line flags for these limits; every program also runs under its seccomp filter (-S). */
export function runnerFlags(l: EnforcedLimits, o: RunnerOptions = {}): string[] {
  const flags = ["-S", "-c", String(l.cpuSeconds), "-w", String(l.wallMs), "-s", String(l.stackBytes), "-p", String(l.processes), "-f", String(l.fileSizeBytes)];
  if (l.addressSpaceBytes !== null) flags.push("-a", String(l.addressSpaceBytes));
  if (l.dataBytes !== null) flags.push("-d", String(l.dataBytes));
  if (o.user !== undefined) flags.push("-u", String(o.user.uid), "-G", String(o.user.gid));
  for (const fd of o.keepFds ?? []) flags.push("-k", String(fd));
  if (o.watchMemory !== undefined) {
    flags.push("-m", String(l.runMemoryBytes));
    for (const t of o.watchMemory.tmpfs) flags.push("-t", t);
  }
  return flags;
}
