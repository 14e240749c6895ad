// What every backend is given for one execution, and what it returns: a plan to spawn.
import type { EnforcedLimits } from "../limits.ts";
import type { SpawnPlan } from "../exec.ts";
import { RESULT_FD } from "../exec.ts";
import type { RunCgroup } from "./cgroup.ts";

export interface ExecRequest {
  /** Host directory with the program's files (read-only inside). */
  programDir: string;
  /** Host directory for the compiled binary: read-only when running, writable when compiling. */
  binDir: string;
  binWritable: boolean;
  /** Host directory with the request's extra files (read-only inside), if any. */
  dataDir?: string;
  /** The command inside the sandbox, given where the box and bin directories appear there. */
  argv: (paths: { box: string; bin: string; data: string }) => string[];
  /** Host paths the command needs read-only (interpreter prefixes), bound at the same path. */
  binds: string[];
  limits: EnforcedLimits;
  stdin: string;
  /** Bytes the function harness may write on its result channel. */
  resultBytes: number;
}

export interface Backend {
  readonly name: "bwrap" | "docker" | "none";
  /** The spawn plan for one execution on worker `slot`; `release` runs after it ends; `cgroup` holds the run, if one could be made. */
  plan(request: ExecRequest, slot: number): Promise<{ spawn: SpawnPlan; cgroup?: RunCgroup; release?: () => Promise<void> | void }>;
  close(): Promise<void>;
}

/**
 * A backend's spawn plan: its launcher (command, arguments, environment, folder) plus what every
 * backend passes on alike, the request's stdin and output caps and the outer guard.
 */
export function spawnPlan(request: ExecRequest, launcher: Pick<SpawnPlan, "command" | "args" | "env" | "cwd">): SpawnPlan {
  return {
    ...launcher,
    stdin: request.stdin,
    outputBytes: request.limits.outputBytes,
    resultBytes: request.resultBytes,
    guardMs: guardMs(request.limits),
  };
}

/** The outer guard: well past the runner's own wall limit, for a sandbox that hangs. */
export function guardMs(limits: EnforcedLimits): number {
  return limits.wallMs + 5000;
}

/** Minimal environment for the sandbox tool itself: secrets in our environment never reach it. */
export function launcherEnv(): Record<string, string> {
  return { PATH: "/usr/local/bin:/usr/bin:/bin", LANG: "C.UTF-8", HOME: "/tmp" };
}

/** The descriptors the program is handed besides stdin, stdout and stderr: the result channel, when it has one. */
export function handedFds(request: ExecRequest): number[] {
  return request.resultBytes > 0 ? [RESULT_FD] : [];
}
