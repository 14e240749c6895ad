// bubblewrap: new pid, net, ipc, uts and cgroup namespaces (and a user namespace unless root), a
// read-only root with read-only system directories, sized private tmpfs for /tmp and /dev/shm, and
// nothing of the checkout, $HOME or the runner's temp dir. Programs never run as host root.
import { chownSync, existsSync, lstatSync, readlinkSync } from "node:fs";
import { sandboxEnv } from "../languages/index.ts";
import { runnerFlags } from "../limits.ts";
import type { Backend, ExecRequest } from "./common.ts";
import { handedFds, launcherEnv, spawnPlan } from "./common.ts";
import type { CgroupSetup, RunCgroup } from "./cgroup.ts";
import { createRunCgroup } from "./cgroup.ts";

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
  /** sstar runs as root: the program runs as this uid and gid instead (see sandboxUser). */
  user?: { uid: number; gid: number };
  /** No memory cgroup holds the run: the runner sums its memory, tmpfs included. */
  watchMemory?: boolean;
}

/** The folders above each path, outermost first, leaving out / and the system folders. Pure. */
export function parentDirs(paths: string[]): string[] {
  const dirs = new Set<string>();
  for (const p of paths) {
    const parts = p.split("/").filter(Boolean);
    for (let i = 1; i < parts.length; i++) {
      const dir = `/${parts.slice(0, i).join("/")}`;
      if (!TOP_DIRS.includes(`/${parts[0] as string}`)) dirs.add(dir);
    }
  }
  return [...dirs];
}

/** The writable tmpfs mounts inside, sized to sum to the run's memory and counted against it. */
export const WRITABLE_TMPFS = [HOME, "/dev/shm"];

/**
 * bwrap's arguments (after the executable) for one execution. Pure.
 *
 * Not root: bwrap makes a user namespace whose uid 65534 is our own unprivileged uid. As root that
 * mapping would make the program host root (kernel checks on /proc/sys, root's files, core_pattern
 * pass), so as root bwrap makes every namespace but the user one, keeps for the runner only what it
 * needs to hand the program its own uid and watch it (setuid, setgid, kill, reading its memory
 * maps), and the runner drops to that uid
 * before exec; every bind is made by root, so the interpreter may live in a folder only root can enter.
 */
export function bwrapArgs({ layout, runner, request, user, watchMemory }: BwrapArgsInput): string[] {
  const a: string[] =
    user === undefined
      ? ["--unshare-all", "--unshare-user", "--disable-userns", "--uid", "65534", "--gid", "65534", "--cap-drop", "ALL"]
      : ["--unshare-pid", "--unshare-net", "--unshare-ipc", "--unshare-uts", "--unshare-cgroup", "--cap-drop", "ALL", "--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID", "--cap-add", "CAP_KILL", "--cap-add", "CAP_SYS_PTRACE"];
  // The runner is pid 1: /proc/1/cmdline is its own short command line, not bwrap's host paths.
  a.push("--hostname", "sandbox", "--die-with-parent", "--new-session", "--as-pid-1");
  // bwrap makes the folders above a mount point 0700 when it runs as root: open them (/etc, and
  // /root for an interpreter under root's home) so that the program's uid can get through.
  for (const dir of parentDirs(layout.map((e) => e.path))) a.push("--perms", "0755", "--dir", dir);
  for (const e of layout) {
    if (e.kind === "symlink") a.push("--symlink", e.target, e.path);
    else a.push("--ro-bind", e.path, e.path);
  }
  a.push("--proc", "/proc");
  // Unprivileged bwrap covers /proc/sys read-only itself; as root it does not: bind it read-only.
  if (user !== undefined) a.push("--ro-bind", "/proc/sys", "/proc/sys");
  a.push("--dev", "/dev", "--remount-ro", "/dev");
  a.push("--perms", "1777", "--size", String(request.limits.tmpBytes), "--tmpfs", HOME);
  a.push("--perms", "1777", "--size", String(request.limits.shmBytes), "--tmpfs", "/dev/shm");
  // Interpreter binds come after the private /tmp: an interpreter installed under /tmp (a
  // checkout there with the `node` dev dependency) would otherwise be hidden by the tmpfs.
  for (const dir of parentDirs(request.binds)) a.push("--perms", "0755", "--dir", dir);
  for (const path of request.binds) a.push("--ro-bind", path, path);
  a.push("--ro-bind", request.programDir, BOX);
  a.push(request.binWritable ? "--bind" : "--ro-bind", request.binDir, BIN);
  if (request.dataDir !== undefined) a.push("--ro-bind", request.dataDir, DATA);
  a.push("--ro-bind", runner, RUNNER);
  a.push("--remount-ro", "/", "--chdir", HOME, "--clearenv");
  for (const [k, v] of Object.entries(sandboxEnv(HOME))) a.push("--setenv", k, v);
  const flags = runnerFlags(request.limits, { ...(user === undefined ? {} : { user }), ...(watchMemory === true ? { watchMemory: { tmpfs: WRITABLE_TMPFS } } : {}), keepFds: handedFds(request) });
  a.push(RUNNER, ...flags, "--", ...request.argv({ box: BOX, bin: BIN, data: DATA }));
  return a;
}

export interface BwrapBackendOptions {
  bwrap: string;
  runner: string;
  /** Per-run cgroups, when they can be made here. */
  cgroups: CgroupSetup;
  /** The uid and gid of each worker slot's programs when sstar is root; undefined otherwise. */
  userFor?: (slot: number) => { uid: number; gid: number };
}

/** Memory the sandbox's own processes (bwrap, the runner) add to a run's cgroup. */
export const SANDBOX_OVERHEAD_BYTES = 8 * 1024 * 1024;

/** The command that starts a sandbox: joins the run's cgroups first when there are any. */
export function launch(runner: string, cgroup: RunCgroup | undefined, command: string, args: string[]): { command: string; args: string[] } {
  if (cgroup === undefined) return { command, args };
  return { command: runner, args: [...cgroup.procs.flatMap((p) => ["-g", p]), "--", command, ...args] };
}

export function createBwrapBackend(o: BwrapBackendOptions): Backend {
  const layout = systemLayout().filter((e) => e.kind === "symlink" || existsSync(e.path));
  const cgroups = o.cgroups;
  return {
    name: "bwrap",
    async plan(request: ExecRequest, slot: number) {
      const user = o.userFor?.(slot);
      // A compile writes its binary as the program's uid.
      if (user !== undefined && request.binWritable) chownSync(request.binDir, user.uid, user.gid);
      const args = bwrapArgs({ layout, runner: o.runner, request, ...(user === undefined ? {} : { user }), watchMemory: cgroups.kind === "none" });
      // + bwrap's own processes and the runner
      const cgroup = cgroups.kind === "none" ? undefined : createRunCgroup(cgroups, { memoryBytes: request.limits.runMemoryBytes + SANDBOX_OVERHEAD_BYTES, pids: request.limits.processes + 3 });
      const spawn = spawnPlan(request, { ...launch(o.runner, cgroup, o.bwrap, args), env: launcherEnv() });
      return { spawn, ...(cgroup === undefined ? {} : { cgroup }) };
    },
    async close() {},
  };
}
