// The sandbox's public contract: run one untrusted program on one input under limits.
import type { IoContract, Language } from "../spec/schema.ts";

export interface Program {
  language: Language;
  code: string;
}

export interface Limits {
  timeMs: number;
  memoryMb: number;
  /** Bytes of stdout kept before the run is stopped with output-limit. */
  outputBytes?: number;
  /** Processes (threads count too) the program may have at once. */
  processes?: number;
}

/** How a run ended, before any comparison with an expected output. */
export type RunStatus = "ok" | "time-limit" | "memory-limit" | "runtime-error" | "compile-error" | "output-limit";

export interface RunRequest {
  program: Program;
  io: IoContract;
  /** stdin text, or for function problems the JSON array of arguments. */
  input: string;
  /** Function problems only: Python assertion code run with `candidate` bound to the function. */
  assert?: string;
  limits: Limits;
  /**
   * Extra read-only files (name → content) for the program, e.g. a custom checker's input, output
   * and answer; their paths inside the sandbox are passed to it as arguments, in this order.
   */
  files?: Record<string, string>;
}

export interface RunResult {
  status: RunStatus;
  /** stdout, or for function problems the JSON of the return value. */
  output: string;
  /** The last few KiB of stderr (error text, traceback, compiler message). */
  stderrTail: string;
  exitCode: number | null;
  signal: string | null;
  timeMs: number;
  /** Peak resident memory in KiB, when the backend can tell. */
  memoryKb: number | null;
  /**
   * Assertion tests only: what the judge (the test code, run apart from the program) decided.
   * `passed` only when every assertion held and the program answered every call as plain data.
   */
  judged?: { passed: boolean; message: string };
  /** True when the result came from the cache, not a new process. */
  cached?: boolean;
}

export type Verdict =
  | "accepted"
  | "wrong-answer"
  | "time-limit"
  | "memory-limit"
  | "runtime-error"
  | "compile-error"
  | "output-limit";

export interface Sandbox {
  /** Backend name as shown by `sstar doctor` (bwrap, docker, none). */
  readonly backend: string;
  run(request: RunRequest): Promise<RunResult>;
  /** Kills everything still running and frees workers. */
  close(): Promise<void>;
}
