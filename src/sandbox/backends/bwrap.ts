// bubblewrap: new user, pid, net, ipc, uts (and cgroup) namespaces, read-only system directories,
// a private tmpfs, and nothing of the checkout, $HOME or the runner's temp dir.
import { existsSync, lstatSync, readlinkSync } from "node:fs";
import { sandboxEnv } from "../languages/index.ts";
import { runnerFlags } from "../limits.ts";
import type { SpawnPlan } from "../exec.ts";
import type { Backend, ExecRequest } from "./common.ts";
import { guardMs, launcherEnv } from "./common.ts";
import type { PidsCgroup } from "./cgroup.ts";
import { createPidsCgroup } from "./cgroup.ts";

/** How a top-level system path appears inside: a symlink (merged /usr) or a read-only bind. */
export type RootEntry = { kind: "symlink"; path: string; target: string } | { kind: "ro-bind"; path: string };

const TOP_DIRS = ["/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32"];
/** The few /etc entries programs and the dynamic loader need; the rest of /etc stays out. */
const ETC_ENTRIES = ["/etc/ld.so.cache", "/etc/ld.so.conf", "/etc/ld.so.conf.d", "/etc/alternatives", "/etc/localtime"];

export function systemLayout(): RootEntry[] {
  const entries: RootEntry[] = [];
  for (const path of [...TOP_DIRS, ...ETC_ENTRIES]) {
    let st;
    try {
      st = lstatSync(path);
    } catch {
      continue;
    }
    entries.push(st.isSymbolicLink() ? { kind: "symlink", path, target: readlinkSync(path) } : { kind: "ro-bind", path });
  }
  return entries;
}

export const BOX = "/box";
export const BIN = "/build";
export const RUNNER = "/sstar/runner";
export const DATA = "/data";
export const HOME = "/tmp";

export interface BwrapArgsInput {
  layout: RootEntry[];
  runner: string;
  request: ExecRequest;
}

/** bwrap's arguments (after the executable) for one execution. Pure. */
export function bwrapArgs({ layout, runner, request }: BwrapArgsInput): string[] {
  const a: string[] = [
    "--unshare-all",
    "--unshare-user", // required, not "try"
    "--disable-userns",
    "--uid", "65534",
    "--gid", "65534",
    "--hostname", "sandbox",
    "--die-with-parent",
    "--new-session",
    "--cap-drop", "ALL",
  ];
  for (const e of layout) {
    if (e.kind === "symlink") a.push("--symlink", e.target, e.path);
    else a.push("--ro-bind", e.path, e.path);
  }
  a.push("--proc", "/proc", "--dev", "/dev");
  a.push("--perms", "1777", "--size", String(request.limits.tmpBytes), "--tmpfs", HOME);
  // Interpreter binds come after the private /tmp: an interpreter installed under /tmp (a
  // checkout there with the `node` dev dependency) would otherwise be hidden by the tmpfs.
  for (const path of request.binds) a.push("--ro-bind", path, path);
  a.push("--ro-bind", request.programDir, BOX);
  a.push(request.binWritable ? "--bind" : "--ro-bind", request.binDir, BIN);
  if (request.dataDir !== undefined) a.push("--ro-bind", request.dataDir, DATA);
  a.push("--ro-bind", runner, RUNNER);
  a.push("--chdir", HOME, "--clearenv");
  for (const [k, v] of Object.entries(sandboxEnv(HOME))) a.push("--setenv", k, v);
  a.push(RUNNER, ...runnerFlags(request.limits), "--", ...request.argv({ box: BOX, bin: BIN, data: DATA }));
  return a;
}

export interface BwrapBackendOptions {
  bwrap: string;
  runner: string;
  /** A pids cgroup root, when RLIMIT_NPROC can't hold (running as real root). */
  pidsCgroupRoot: string | null;
}

export function createBwrapBackend(o: BwrapBackendOptions): Backend {
  const layout = systemLayout().filter((e) => e.kind === "symlink" || existsSync(e.path));
  return {
    name: "bwrap",
    async plan(request: ExecRequest) {
      const args = bwrapArgs({ layout, runner: o.runner, request });
      let cgroup: PidsCgroup | undefined;
      let command = o.bwrap;
      let fullArgs = args;
      if (o.pidsCgroupRoot !== null) {
        // + bwrap's own two processes and the runner
        cgroup = createPidsCgroup(o.pidsCgroupRoot, request.limits.processes + 3);
        command = o.runner;
        fullArgs = ["-g", cgroup.procs, "--", o.bwrap, ...args];
      }
      const spawn: SpawnPlan = {
        command,
        args: fullArgs,
        env: launcherEnv(),
        stdin: request.stdin,
        outputBytes: request.limits.outputBytes,
        resultBytes: request.resultBytes,
        guardMs: guardMs(request.limits),
      };
      return { spawn, release: cgroup === undefined ? undefined : () => cgroup.release() };
    },
    async after() {},
    async close() {},
  };
}
