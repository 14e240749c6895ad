// A pids cgroup per run, for when RLIMIT_NPROC can't work: the kernel ignores it for real root
// (uid 0 outside the sandbox), so as root a fork bomb is held by pids.max instead. Also lets us
// kill whatever a run left behind.
import { accessSync, constants, existsSync, mkdirSync, readFileSync, rmdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export interface PidsCgroup {
  /** The file a process writes its pid to, to join. */
  procs: string;
  /** Kills every process still in the group and removes it. */
  release(): Promise<void>;
}

/** The writable pids-controller directory we can make child groups in, or null. */
export function findPidsCgroupRoot(): string | null {
  const candidates: string[] = [];
  // cgroup v1: a pids hierarchy of its own.
  candidates.push("/sys/fs/cgroup/pids");
  // cgroup v2: our own group, when pids is delegated to it.
  try {
    const line = readFileSync("/proc/self/cgroup", "utf8").split("\n").find((l) => l.startsWith("0::"));
    if (line !== undefined && existsSync("/sys/fs/cgroup/cgroup.controllers")) {
      const own = join("/sys/fs/cgroup", line.slice(3));
      if (readFileSync(join(own, "cgroup.controllers"), "utf8").split(/\s+/).includes("pids")) candidates.push(own);
    }
  } catch {
    // no cgroup v2
  }
  for (const dir of candidates) {
    try {
      accessSync(dir, constants.W_OK);
      const probe = join(dir, `sstar-probe-${process.pid}`);
      mkdirSync(probe);
      const ok = existsSync(join(probe, "pids.max"));
      rmdirSync(probe);
      if (ok) return dir;
    } catch {
      // not usable
    }
  }
  return null;
}

let counter = 0;

export function createPidsCgroup(root: string, maxPids: number): PidsCgroup {
  const dir = join(root, `sstar-${process.pid}-${++counter}`);
  mkdirSync(dir);
  writeFileSync(join(dir, "pids.max"), String(maxPids));
  return {
    procs: join(dir, "cgroup.procs"),
    async release() {
      for (let attempt = 0; attempt < 100; attempt++) {
        let pids: number[];
        try {
          pids = readFileSync(join(dir, "cgroup.procs"), "utf8").split("\n").filter(Boolean).map(Number);
        } catch {
          return;
        }
        for (const pid of pids) {
          try {
            process.kill(pid, "SIGKILL");
          } catch {
            // gone
          }
        }
        try {
          rmdirSync(dir);
          return;
        } catch {
          // still busy: the kill takes a moment
          await new Promise((r) => setTimeout(r, 5));
        }
      }
    },
  };
}
