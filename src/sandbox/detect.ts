// Which isolation backends work here, and why not. Also the one fix we may apply: Ubuntu 24.04
// blocks unprivileged user namespaces through AppArmor; with passwordless sudo we allow them for bwrap.
import { existsSync, readFileSync } from "node:fs";
import { execa } from "execa";
import { findExecutable, probeOptions, resolveInterpreter } from "./toolchain.ts";
import { dockerClientEnv } from "./backends/docker.ts";
import type { CgroupSetup } from "./backends/cgroup.ts";
import { findCgroupSetup } from "./backends/cgroup.ts";
import { describeProgramUser, sandboxUidBase } from "./user.ts";
import { launcherEnv } from "./backends/common.ts";
import type { Language } from "../spec/schema.ts";

export interface BackendReport {
  name: "bwrap" | "docker" | "none";
  available: boolean;
  /** Why it isn't available (one line, with what to do). */
  reason?: string;
  path?: string;
  version?: string;
  /** What was found or done on the way (e.g. the AppArmor fix). */
  notes: string[];
}

export interface InterpreterReport {
  language: Language;
  available: boolean;
  path?: string;
  version?: string;
  reason?: string;
}

export interface LimitsReport {
  /** The host uid programs run as. */
  programUser: string;
  /** Per-run cgroups: how, or why none. */
  cgroups: CgroupSetup;
  /** How each limit is enforced, one line each. */
  notes: string[];
}

const APPARMOR_SYSCTL = "/proc/sys/kernel/apparmor_restrict_unprivileged_userns";

/** The bwrap AppArmor profile Ubuntu documents for unprivileged user namespaces. */
export function bwrapAppArmorProfile(bwrap: string): string {
  return `abi <abi/4.0>,\ninclude <tunables/global>\n\nprofile sstar-bwrap ${bwrap} flags=(unconfined) {\n  userns,\n  include if exists <local/sstar-bwrap>\n}\n`;
}

/** Why unprivileged user namespaces are off, from the sysctl values (pure). */
export function usernsBlocker(values: { apparmorRestrict?: string; unprivilegedClone?: string; maxUserNamespaces?: string }): string | null {
  if (values.apparmorRestrict?.trim() === "1") return "AppArmor restricts unprivileged user namespaces (kernel.apparmor_restrict_unprivileged_userns=1)";
  if (values.unprivilegedClone?.trim() === "0") return "unprivileged user namespaces are disabled (kernel.unprivileged_userns_clone=0)";
  if (values.maxUserNamespaces?.trim() === "0") return "user namespaces are disabled (user.max_user_namespaces=0)";
  return null;
}

function readSysctl(path: string): string | undefined {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return undefined;
  }
}

async function probeBwrap(bwrap: string): Promise<string | null> {
  // The namespaces the backend uses: as root every one but the user namespace (see bwrapArgs).
  const args = process.getuid?.() === 0 ? ["--unshare-pid", "--unshare-net", "--unshare-ipc", "--unshare-uts", "--unshare-cgroup"] : ["--unshare-all", "--unshare-user", "--disable-userns"];
  args.push("--die-with-parent", "--new-session", "--as-pid-1", "--ro-bind", "/usr", "/usr");
  for (const d of ["/bin", "/lib", "/lib64"]) if (existsSync(d)) args.push("--ro-bind", d, d);
  args.push("--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp", "true");
  const r = await execa(bwrap, args, { env: launcherEnv(), extendEnv: false, reject: false, timeout: 20_000 });
  return r.exitCode === 0 ? null : (r.stderr.trim().split("\n").pop() ?? `exit ${r.exitCode}`);
}

async function sudoWorks(): Promise<boolean> {
  if (process.getuid?.() === 0) return true;
  const sudo = findExecutable("sudo");
  if (sudo === undefined) return false;
  const r = await execa(sudo, ["-n", "true"], { reject: false, timeout: 10_000, ...probeOptions() });
  return r.exitCode === 0;
}

async function asRoot(argv: string[], input?: string): Promise<boolean> {
  const cmd = process.getuid?.() === 0 ? argv : ["sudo", "-n", ...argv];
  const [file, ...args] = cmd;
  if (file === undefined) return false;
  const r = await execa(file, args, { reject: false, timeout: 30_000, ...probeOptions(), ...(input === undefined ? {} : { input }) });
  return r.exitCode === 0;
}

/** Tries the AppArmor profile first (narrow), then the sysctl (machine-wide). */
async function fixUserns(bwrap: string, log: (line: string) => void): Promise<string | null> {
  if (!(await sudoWorks())) return null;
  const parser = findExecutable("apparmor_parser", `${process.env.PATH ?? ""}:/usr/sbin:/sbin`);
  if (parser !== undefined && existsSync("/etc/apparmor.d")) {
    const profile = "/etc/apparmor.d/sstar-bwrap";
    if ((await asRoot(["tee", profile], bwrapAppArmorProfile(bwrap))) && (await asRoot([parser, "-r", profile]))) {
      if ((await probeBwrap(bwrap)) === null) {
        const note = `installed the AppArmor profile ${profile} allowing user namespaces for ${bwrap}`;
        log(`sandbox: ${note}`);
        return note;
      }
    }
  }
  if (await asRoot(["sysctl", "-w", "kernel.apparmor_restrict_unprivileged_userns=0"])) {
    if ((await probeBwrap(bwrap)) === null) {
      const note = "set kernel.apparmor_restrict_unprivileged_userns=0 (sudo sysctl) so bwrap can create user namespaces";
      log(`sandbox: ${note}`);
      return note;
    }
  }
  return null;
}

let fixAttempted = false;

export async function detectBwrap(log: (line: string) => void = () => {}): Promise<BackendReport> {
  const bwrap = findExecutable("bwrap");
  if (bwrap === undefined) {
    return { name: "bwrap", available: false, reason: "bwrap is not installed: apt-get install bubblewrap", notes: [] };
  }
  const version = (await execa(bwrap, ["--version"], { reject: false, ...probeOptions() })).stdout.trim().replace(/^bubblewrap\s*/, "");
  const notes: string[] = [];
  let failure = await probeBwrap(bwrap);
  if (failure !== null) {
    const blocker = usernsBlocker({
      apparmorRestrict: readSysctl(APPARMOR_SYSCTL),
      unprivilegedClone: readSysctl("/proc/sys/kernel/unprivileged_userns_clone"),
      maxUserNamespaces: readSysctl("/proc/sys/user/max_user_namespaces"),
    });
    if (blocker !== null) {
      notes.push(blocker);
      // Changing a machine's AppArmor setup is fine on a throwaway CI runner, not on someone's
      // own computer: there it takes SSTAR_FIX_USERNS=1, and otherwise the reason says what to run.
      const mayFix = process.env.GITHUB_ACTIONS === "true" || process.env.CI === "true" || process.env.SSTAR_FIX_USERNS === "1";
      if (blocker.includes("AppArmor") && mayFix && !fixAttempted) {
        fixAttempted = true;
        const fixed = await fixUserns(bwrap, log);
        if (fixed !== null) {
          notes.push(fixed);
          failure = null;
        }
      }
    }
    if (failure !== null) {
      const what = blocker ?? failure;
      return { name: "bwrap", available: false, path: bwrap, version, reason: `bwrap can't create its namespaces: ${what}${blocker?.includes("AppArmor") ? " (on a CI runner with passwordless sudo this is fixed automatically; elsewhere run with SSTAR_FIX_USERNS=1 or see docs/sandbox.md)" : ""}`, notes };
    }
  }
  return { name: "bwrap", available: true, path: bwrap, version, notes };
}

export async function detectDocker(): Promise<BackendReport> {
  const docker = findExecutable("docker");
  if (docker === undefined) return { name: "docker", available: false, reason: "docker is not installed", notes: [] };
  const r = await execa(docker, ["version", "--format", "{{.Server.Version}}"], { reject: false, timeout: 15_000, env: { ...launcherEnv(), ...dockerClientEnv() }, extendEnv: false });
  if (r.exitCode !== 0) {
    return { name: "docker", available: false, path: docker, reason: `the docker engine is not reachable: ${r.stderr.trim().split("\n").pop() ?? ""}`, notes: [] };
  }
  return { name: "docker", available: true, path: docker, version: r.stdout.trim(), notes: [] };
}

/** How each limit is enforced given the cgroup setup. Pure. */
/** What holds on every backend and host, whatever the cgroup situation. */
const RUNNER_NOTES = [
  "descriptors: the runner closes all but stdin, stdout, stderr and a function harness's result channel before exec",
  "the runner's own limits, priority and affinity: out of the program's reach (seccomp lets prlimit64, setpriority, sched_* and ioprio_set act on the caller only)",
];

export function limitNotes(cgroups: CgroupSetup): string[] {
  return [...cgroupNotes(cgroups), ...RUNNER_NOTES];
}

function cgroupNotes(cgroups: CgroupSetup): string[] {
  if (cgroups.kind === "cgroup2") {
    return [
      `memory: a cgroup v2 per run under ${cgroups.parent} (memory.max, memory.swap.max=0): every process, /tmp and /dev/shm together; also the runner's rlimits per process`,
      "processes: pids.max of the run's cgroup, and RLIMIT_NPROC",
      "CPU time: the run's cgroup (cpu.stat), and the runner's count of every descendant (child subreaper, RUSAGE_CHILDREN)",
    ];
  }
  if (cgroups.kind === "cgroup1") {
    return [
      `memory: a cgroup v1 memory group per run under ${cgroups.memory} (memory.limit_in_bytes, memsw): every process, /tmp and /dev/shm together; also the runner's rlimits per process`,
      `processes: a pids group per run under ${cgroups.pids}, and RLIMIT_NPROC`,
      `CPU time: ${cgroups.cpuacct === null ? "" : `a cpuacct group per run under ${cgroups.cpuacct}, and `}the runner's count of every descendant (child subreaper, RUSAGE_CHILDREN)`,
    ];
  }
  return [
    `no cgroup: ${cgroups.reason}`,
    "memory: per process (RLIMIT_AS/RLIMIT_DATA), and the runner sums every process's memory (PSS) and /tmp and /dev/shm every 10 ms, killing the run past the limit; /tmp and /dev/shm together are the limit, and files left at the end plus the peak RSS count",
    "processes: RLIMIT_NPROC inside the run's own user namespace (or, as root, for its own uid in a uid block this sstar process alone holds)",
    "CPU time: the runner's count of every descendant (child subreaper, RUSAGE_CHILDREN after reaping all)",
  ];
}

export function detectLimits(workers = 1): LimitsReport {
  const uid = process.getuid?.() ?? 0;
  const cgroups = findCgroupSetup();
  return { programUser: describeProgramUser(uid, workers, sandboxUidBase()), cgroups, notes: limitNotes(cgroups) };
}

/** Every backend, in the order auto tries them. */
export async function detectBackends(options: { log?: (line: string) => void } = {}): Promise<BackendReport[]> {
  const [bwrap, docker] = await Promise.all([detectBwrap(options.log), detectDocker()]);
  const none: BackendReport = { name: "none", available: true, notes: ["not isolation: only resource limits and a clean environment; use only when asked for"] };
  return [bwrap, docker, none];
}

export async function detectInterpreters(): Promise<InterpreterReport[]> {
  const languages: Language[] = ["python", "javascript", "cpp"];
  return Promise.all(
    languages.map(async (language) => {
      try {
        const i = await resolveInterpreter(language);
        return { language, available: true, path: i.exe, version: i.version };
      } catch (err) {
        return { language, available: false, reason: (err as Error).message };
      }
    }),
  );
}
