// A cgroup per run, so that a run's limits hold for all of it: memory (every process, and the tmpfs
// pages they write, /dev/shm included), process count and CPU time of processes that outlive their
// parent. cgroup v2 where a subtree we may write has the memory and pids controllers (root, or a
// delegated subtree named by SSTAR_CGROUP; `off` for none); else cgroup v1 memory + pids (+ cpuacct) hierarchies
// below our own groups; else none, and the runner's per-process limits and sampling stand alone.
import { accessSync, constants, existsSync, mkdirSync, readFileSync, rmdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export type CgroupSetup =
  | { kind: "cgroup2"; parent: string }
  | { kind: "cgroup1"; memory: string; pids: string; cpuacct: string | null }
  | { kind: "none"; reason: string };

export interface CgroupUsage {
  /** CPU time of every process that was in the group. */
  cpuMs: number | null;
  /** The kernel's OOM killer acted on the group: the run went over its memory. */
  oomKilled: boolean;
}

export interface RunCgroup {
  /** The cgroup.procs files a process writes its pid to, to join. */
  procs: string[];
  usage(): CgroupUsage;
  /** Kills every process still in the group and removes it. */
  release(): Promise<void>;
}

/** A cgroup mount from /proc/self/mountinfo: where it is, its root, and (v1) its controllers. */
export interface CgroupMount {
  version: 1 | 2;
  mountPoint: string;
  root: string;
  controllers: string[];
}

/** The cgroup mounts listed in a /proc/self/mountinfo text. Pure. */
export function parseCgroupMounts(mountinfo: string): CgroupMount[] {
  const mounts: CgroupMount[] = [];
  for (const line of mountinfo.split("\n")) {
    const [left, right] = line.split(" - ");
    if (left === undefined || right === undefined) continue;
    const f = left.split(" ");
    const [fstype, , superOptions = ""] = right.split(" ");
    const root = f[3];
    const mountPoint = f[4];
    if (root === undefined || mountPoint === undefined) continue;
    if (fstype === "cgroup2") mounts.push({ version: 2, mountPoint, root, controllers: [] });
    else if (fstype === "cgroup") mounts.push({ version: 1, mountPoint, root, controllers: superOptions.split(",").filter((o) => !["rw", "ro"].includes(o) && !o.includes("=")) });
  }
  return mounts;
}

/** Our group in each hierarchy from /proc/self/cgroup: controller ("" for v2) → path. Pure. */
export function parseOwnCgroups(text: string): Map<string, string> {
  const own = new Map<string, string>();
  for (const line of text.split("\n")) {
    const m = /^\d+:([^:]*):(.*)$/.exec(line);
    if (m === null) continue;
    for (const c of (m[1] as string).split(",")) own.set(c, m[2] as string);
  }
  return own;
}

/** The directory of `path` (as /proc/self/cgroup names it) under a mount. Pure. */
export function cgroupDir(mount: CgroupMount, path: string): string {
  const rel = mount.root !== "/" && (path === mount.root || path.startsWith(`${mount.root}/`)) ? path.slice(mount.root.length) : path;
  return join(mount.mountPoint, rel);
}

function read(path: string): string | null {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return null;
  }
}

/** Whether child groups made under `dir` get the files named. */
function canMakeChildren(dir: string, files: string[]): boolean {
  try {
    accessSync(dir, constants.W_OK);
    const probe = join(dir, `sstar-probe-${process.pid}`);
    mkdirSync(probe);
    const ok = files.every((f) => existsSync(join(probe, f)));
    rmdirSync(probe);
    return ok;
  } catch {
    return false;
  }
}

/** A v2 directory whose children get memory and pids: already enabled, or enabled by us (fails when it holds processes). */
function usableV2(dir: string): boolean {
  const controllers = (read(join(dir, "cgroup.subtree_control")) ?? "").split(/\s+/);
  if (!(controllers.includes("memory") && controllers.includes("pids"))) {
    try {
      writeFileSync(join(dir, "cgroup.subtree_control"), "+memory +pids");
    } catch {
      return false;
    }
  }
  return canMakeChildren(dir, ["memory.max", "pids.max"]);
}

export function findCgroupSetup(env: NodeJS.ProcessEnv = process.env): CgroupSetup {
  if (env.SSTAR_CGROUP === "off") return { kind: "none", reason: "turned off (SSTAR_CGROUP=off)" };
  const mounts = parseCgroupMounts(read("/proc/self/mountinfo") ?? "");
  const own = parseOwnCgroups(read("/proc/self/cgroup") ?? "");
  const tried: string[] = [];
  const v2 = mounts.find((m) => m.version === 2);
  if (v2 !== undefined) {
    const candidates = [env.SSTAR_CGROUP, own.has("") ? cgroupDir(v2, own.get("") as string) : undefined, v2.mountPoint].filter((d): d is string => d !== undefined && d !== "");
    for (const dir of [...new Set(candidates)]) {
      if (usableV2(dir)) return { kind: "cgroup2", parent: dir };
      tried.push(`${dir} (cgroup v2)`);
    }
  }
  const v1 = (controller: string): string | null => {
    const m = mounts.find((x) => x.version === 1 && x.controllers.includes(controller));
    const path = own.get(controller);
    return m === undefined || path === undefined ? null : cgroupDir(m, path);
  };
  const memory = v1("memory");
  const pids = v1("pids");
  if (memory !== null && pids !== null) {
    if (canMakeChildren(memory, ["memory.limit_in_bytes"]) && canMakeChildren(pids, ["pids.max"])) {
      const cpuacct = v1("cpuacct");
      return { kind: "cgroup1", memory, pids, cpuacct: cpuacct !== null && canMakeChildren(cpuacct, ["cpuacct.usage"]) ? cpuacct : null };
    }
    tried.push(`${memory} and ${pids} (cgroup v1)`);
  }
  return { kind: "none", reason: tried.length === 0 ? "no cgroup hierarchy with the memory and pids controllers is mounted" : `no cgroup can be made under ${tried.join(", ")}` };
}

/** The first number after `key` in a flat-keyed cgroup file ("key value" lines). Pure. */
export function cgroupField(text: string | null, key: string): number | null {
  if (text === null) return null;
  const m = new RegExp(`^${key} (\\d+)$`, "m").exec(text);
  return m === null ? null : Number(m[1]);
}

function number(text: string | null): number | null {
  if (text === null) return null;
  const n = Number(text.trim());
  return Number.isFinite(n) ? n : null;
}

let counter = 0;

function tryWrite(path: string, value: string): void {
  if (existsSync(path)) writeFileSync(path, value);
}

async function killAndRemove(dirs: string[]): Promise<void> {
  for (const dir of dirs) {
    // cgroup.kill (v2, 5.14+) takes every process at once, forks in flight included.
    try {
      writeFileSync(join(dir, "cgroup.kill"), "1");
    } catch {
      // v1, or an older kernel: signal them one by one below
    }
  }
  for (let attempt = 0; attempt < 200; attempt++) {
    const left = dirs.filter((d) => existsSync(d));
    if (left.length === 0) return;
    for (const dir of left) {
      for (const pid of (read(join(dir, "cgroup.procs")) ?? "").split("\n").filter(Boolean).map(Number)) {
        try {
          process.kill(pid, "SIGKILL");
        } catch {
          // gone
        }
      }
      try {
        rmdirSync(dir);
      } catch {
        // still busy: the kill takes a moment
      }
    }
    if (dirs.some((d) => existsSync(d))) await new Promise((r) => setTimeout(r, 2));
  }
}

/** Makes a run's group(s) with these limits. */
export function createRunCgroup(setup: Exclude<CgroupSetup, { kind: "none" }>, limits: { memoryBytes: number; pids: number }): RunCgroup {
  const name = `sstar-${process.pid}-${++counter}`;
  if (setup.kind === "cgroup2") {
    const dir = join(setup.parent, name);
    mkdirSync(dir);
    try {
      writeFileSync(join(dir, "memory.max"), String(limits.memoryBytes));
      tryWrite(join(dir, "memory.swap.max"), "0");
      writeFileSync(join(dir, "pids.max"), String(limits.pids));
    } catch (err) {
      rmdirSync(dir);
      throw err;
    }
    return {
      procs: [join(dir, "cgroup.procs")],
      usage: () => {
        const usec = cgroupField(read(join(dir, "cpu.stat")), "usage_usec");
        return { cpuMs: usec === null ? null : Math.round(usec / 1000), oomKilled: (cgroupField(read(join(dir, "memory.events")), "oom_kill") ?? 0) > 0 };
      },
      release: () => killAndRemove([dir]),
    };
  }
  const memory = join(setup.memory, name);
  const pids = join(setup.pids, name);
  const cpuacct = setup.cpuacct === null ? null : join(setup.cpuacct, name);
  const dirs = [memory, pids, ...(cpuacct === null ? [] : [cpuacct])];
  const made: string[] = [];
  try {
    for (const d of dirs) {
      mkdirSync(d);
      made.push(d);
    }
    writeFileSync(join(memory, "memory.limit_in_bytes"), String(limits.memoryBytes));
    // memory+swap no higher than memory: no swapping past the limit (present with swap accounting)
    tryWrite(join(memory, "memory.memsw.limit_in_bytes"), String(limits.memoryBytes));
    writeFileSync(join(pids, "pids.max"), String(limits.pids));
  } catch (err) {
    for (const d of made.reverse()) rmdirSync(d);
    throw err;
  }
  return {
    procs: dirs.map((d) => join(d, "cgroup.procs")),
    usage: () => {
      const ns = cpuacct === null ? null : number(read(join(cpuacct, "cpuacct.usage")));
      return { cpuMs: ns === null ? null : Math.round(ns / 1e6), oomKilled: (cgroupField(read(join(memory, "memory.oom_control")), "oom_kill") ?? 0) > 0 };
    },
    release: () => killAndRemove(dirs),
  };
}
