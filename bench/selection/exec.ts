// Runs bench/selection/runner.py on one job inside bubblewrap: no network, read-only filesystem,
// empty environment, dies with us. The pool programs are untrusted model output.
// A program that kills the interpreter or hangs past the watchdog is marked failed and the batch
// restarts after it, so one bad program never loses the others' results.
import { spawn, execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

export const RUNNER = fileURLToPath(new URL("./runner.py", import.meta.url));
/** The sandbox every benchmark program runs in (a cache key part: another backend may grade differently). */
export const SANDBOX_BACKEND = "bwrap";

export interface Job {
  mode: "call" | "stdin";
  entry: string;
  programs: string[];
  inputs: string[];
  checks: [number, string][];
  test: string | null;
  grade_inputs?: [string, string][];
  grade_timeout?: number;
  timeout: number;
}

export interface ProgramResult {
  cells: [boolean, string][];
  checks: string;
  graded: boolean | null;
  /** CPU seconds grading took (HumanEval: the check; CodeContests: the slowest hidden test). */
  grade_cpu?: number;
  /** Why grading failed ("" when it passed). */
  grade_note?: string;
}

let pythonPath: string | undefined;
/** The real interpreter behind `python3` (a pyenv shim is slow to start, and bwrap needs a path). */
export function resolvePython(): string {
  if (pythonPath) return pythonPath;
  for (const cand of ["python3", "python3.11", "python"]) {
    try {
      pythonPath = execFileSync(cand, ["-c", "import sys; print(sys.executable)"], { encoding: "utf8" }).trim();
      if (pythonPath) return pythonPath;
    } catch {
      // try the next name
    }
  }
  throw new Error("bench:selection: no python3 on PATH; install Python 3 to run the benchmark");
}

let sandboxVersion: string | undefined;
/**
 * What decides the outcome of a run besides the job itself: the runner's and this file's code,
 * where they and the interpreter live, the interpreter's and the sandbox's versions. Every cache
 * key includes it, so results made by other grading code, or under another sandbox, are never reused.
 */
export function gradingKey(extraFiles: readonly string[] = [], runner = RUNNER): string {
  const python = resolvePython();
  sandboxVersion ??= execFileSync("bwrap", ["--version"], { encoding: "utf8" }).trim();
  const pythonVersion = execFileSync(python, ["-c", "import sys; print(sys.version)"], { encoding: "utf8" }).trim();
  const h = createHash("sha256");
  for (const p of [runner, fileURLToPath(import.meta.url), ...extraFiles]) h.update(p).update("\0").update(readFileSync(p));
  h.update(JSON.stringify({ python, pythonVersion, backend: SANDBOX_BACKEND, sandboxVersion }));
  return h.digest("hex").slice(0, 16);
}

function bwrapArgs(python: string, runner: string): string[] {
  // The runner (and the interpreter) are bound again after the fresh /tmp, so a checkout under
  // /tmp stays visible inside the sandbox instead of every program "crashing".
  const underTmp = (p: string) => p === "/tmp" || p.startsWith("/tmp/");
  const rebind = [runner, python].filter(underTmp).flatMap((p) => ["--ro-bind", p, p]);
  return [
    "--ro-bind", "/", "/",
    "--dev", "/dev",
    "--proc", "/proc",
    "--tmpfs", "/tmp",
    ...rebind,
    "--unshare-all",
    "--die-with-parent",
    "--new-session",
    "--clearenv",
    "--chdir", "/tmp",
    python, "-S", "-B", runner,
  ];
}

/** Watchdog: no progress line for this long kills the batch (the current program is marked hung). */
const WATCHDOG_MS = 30_000;

function runOnce(job: Job, start: number, results: (ProgramResult | undefined)[], runner: string): Promise<number | null> {
  return new Promise((resolve, reject) => {
    const child = spawn("bwrap", bwrapArgs(resolvePython(), runner), { stdio: ["pipe", "ignore", "ignore", "pipe"] });
    let current: number | null = null;
    let timer: NodeJS.Timeout | undefined;
    const arm = () => {
      clearTimeout(timer);
      timer = setTimeout(() => child.kill("SIGKILL"), WATCHDOG_MS);
    };
    arm();
    const rl = createInterface({ input: child.stdio[3] as NodeJS.ReadableStream });
    rl.on("line", (line) => {
      arm();
      const msg = JSON.parse(line) as { start?: number; i?: number } & ProgramResult;
      if (msg.start !== undefined) current = msg.start;
      else if (msg.i !== undefined) {
        results[msg.i] = { cells: msg.cells, checks: msg.checks, graded: msg.graded, grade_cpu: msg.grade_cpu, grade_note: msg.grade_note };
        current = null;
      }
    });
    child.on("error", (e) => reject(new Error(`bench:selection: cannot start bwrap (${e.message}); install bubblewrap`)));
    child.on("close", () => {
      clearTimeout(timer);
      resolve(current);
    });
    // A batch that dies before reading all of its job (a program killed the interpreter, the
    // watchdog fired) makes this write fail with EPIPE: the close handler above already deals
    // with the death, so the error must not escape as an uncaught exception.
    child.stdin?.on("error", () => {});
    child.stdin?.end(JSON.stringify({ ...job, start }));
  });
}

/** @param runner the batch runner (another copy only in tests: one under /tmp, say) */
export async function runJob(job: Job, runner = RUNNER): Promise<ProgramResult[]> {
  const results: (ProgramResult | undefined)[] = new Array(job.programs.length);
  let start = 0;
  while (start < job.programs.length) {
    const stuck = await runOnce(job, start, results, runner);
    const firstMissing = results.findIndex((r, i) => i >= start && r === undefined);
    if (firstMissing === -1 && results.length === job.programs.length && !results.includes(undefined)) break;
    const bad = stuck ?? firstMissing;
    if (bad === -1) break;
    // The program that was running when the batch died: every cell failed.
    results[bad] = {
      cells: job.inputs.map(() => [false, "crashed"]),
      checks: job.checks.map(() => "0").join(""),
      graded: false,
      grade_note: "crashed",
    };
    start = bad + 1;
  }
  return results.map(
    (r) => r ?? { cells: job.inputs.map(() => [false, "crashed"] as [boolean, string]), checks: job.checks.map(() => "0").join(""), graded: false, grade_note: "crashed" },
  );
}
