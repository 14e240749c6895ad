// Spawns one sandboxed command, feeds stdin, caps what it prints, and collects the runner's report.
import { spawn } from "node:child_process";
import type { Readable, Writable } from "node:stream";
import type { Collected, RunnerReport } from "./status.ts";

export const STDERR_TAIL_BYTES = 8 * 1024;
const REPORT_FD = 3;
export const RESULT_FD = 4;

export interface SpawnPlan {
  command: string;
  args: string[];
  /** The complete environment of the sandbox process: nothing else of ours reaches it. */
  env: Record<string, string>;
  stdin: string;
  outputBytes: number;
  /** Limit for the function harness's result channel. */
  resultBytes: number;
  /** Outer guard: kill everything when the runner has not reported by then. */
  guardMs: number;
  cwd?: string;
}

/** An interactive run (assertion tests): stdin stays open for the channel, which also reads the result fd as it comes. */
export interface RunChannel {
  attach(stdin: Writable, result: Readable): void;
}

function killGroup(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, "SIGKILL");
  } catch {
    // already gone
  }
}

/** Live sandbox processes of this Node process, so that exiting kills them all. */
const liveGroups = new Set<number>();
let exitHookInstalled = false;
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once("exit", () => {
    for (const pid of liveGroups) killGroup(pid);
  });
}

export function killGroups(groups: Iterable<number>): void {
  for (const pid of groups) killGroup(pid);
}

export function spawnCollect(plan: SpawnPlan, live?: Set<number>, channel?: RunChannel): Promise<Collected> {
  installExitHook();
  return new Promise((resolve) => {
    const started = performance.now();
    const child = spawn(plan.command, plan.args, {
      env: plan.env,
      cwd: plan.cwd ?? "/",
      // own process group: one kill reaches bwrap and everything under it
      detached: true,
      stdio: ["pipe", "pipe", "pipe", "pipe", "pipe"],
    });
    if (child.pid !== undefined) {
      liveGroups.add(child.pid);
      live?.add(child.pid);
    }
    const stdout: Buffer[] = [];
    let stdoutBytes = 0;
    let stderr = Buffer.alloc(0);
    const report: Buffer[] = [];
    const result: Buffer[] = [];
    let resultBytes = 0;
    let outputOverflow = false;
    let guardKilled = false;
    let spawnError: string | null = null;

    const guard = setTimeout(() => {
      guardKilled = true;
      killGroup(child.pid);
    }, plan.guardMs);

    child.stdout.on("data", (chunk: Buffer) => {
      if (outputOverflow) return;
      stdoutBytes += chunk.length;
      if (stdoutBytes > plan.outputBytes) {
        outputOverflow = true;
        killGroup(child.pid);
        return;
      }
      stdout.push(chunk);
    });
    child.stderr.on("data", (chunk: Buffer) => {
      stderr = Buffer.concat([stderr, chunk]);
      if (stderr.length > STDERR_TAIL_BYTES) stderr = stderr.subarray(stderr.length - STDERR_TAIL_BYTES);
    });
    const reportStream = child.stdio[REPORT_FD] as Readable;
    reportStream.on("data", (chunk: Buffer) => report.push(chunk));
    const resultStream = child.stdio[RESULT_FD] as Readable;
    resultStream.on("data", (chunk: Buffer) => {
      if (outputOverflow) return;
      resultBytes += chunk.length;
      if (resultBytes > plan.resultBytes) {
        outputOverflow = true;
        killGroup(child.pid);
        return;
      }
      result.push(chunk);
    });
    // A program that never reads its input closes the pipe early: that is not an error of ours.
    child.stdin.on("error", () => {});
    if (channel === undefined) child.stdin.end(plan.stdin);
    else channel.attach(child.stdin, resultStream);
    child.on("error", (err) => {
      spawnError = err.message;
    });
    // Without a pid namespace (backend none) an escaped grandchild could hold our pipes open:
    // once the sandbox process itself is gone, stop waiting for them.
    child.on("exit", () => {
      setTimeout(() => {
        for (const s of child.stdio) s?.destroy();
      }, 300).unref();
    });
    child.on("close", (code, signal) => {
      clearTimeout(guard);
      // The group may hold leftovers (none under bwrap's pid namespace, but the none backend).
      killGroup(child.pid);
      if (child.pid !== undefined) {
        liveGroups.delete(child.pid);
        live?.delete(child.pid);
      }
      let parsed: RunnerReport | null = null;
      const text = Buffer.concat(report).toString("utf8").trim();
      if (text !== "") {
        try {
          parsed = JSON.parse(text.split("\n").pop() ?? "") as RunnerReport;
        } catch {
          parsed = null;
        }
      }
      let stderrTail = stderr.toString("utf8");
      if (spawnError !== null) stderrTail += `\nsandbox: could not start ${plan.command}: ${spawnError}`;
      resolve({
        report: parsed,
        stdout: Buffer.concat(stdout).toString("utf8"),
        stderrTail,
        result: result.length > 0 ? Buffer.concat(result).toString("utf8") : null,
        outputOverflow,
        guardKilled,
        outerWallMs: Math.round(performance.now() - started),
        sandboxExit: code,
        sandboxSignal: signal,
      });
    });
  });
}
