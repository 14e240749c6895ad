// Docker: one long-lived container per worker (`docker run` once, `docker exec` per run), with no
// network, a read-only root, user 65534, no capabilities, and pids and memory limits. The host's
// system directories and interpreters are mounted read-only so programs see the same toolchain as
// under bwrap; the image only supplies an init and an empty root.
import { randomBytes } from "node:crypto";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { execa } from "execa";
import { sandboxEnv } from "../languages/index.ts";
import type { EnforcedLimits } from "../limits.ts";
import { runnerFlags } from "../limits.ts";
import type { SpawnPlan } from "../exec.ts";
import type { RootEntry } from "./bwrap.ts";
import type { Backend, ExecRequest } from "./common.ts";
import { guardMs, launcherEnv } from "./common.ts";

export const DEFAULT_DOCKER_IMAGE = "debian:bookworm-slim";
const ROOT_IN = "/sstar-root";
const BINS_IN = "/sstar-bin";
const RUNNER_IN = "/sstar/runner";
const HOME = "/tmp";

export interface ContainerSpec {
  name: string;
  image: string;
  layout: RootEntry[];
  /** Host directory holding every program directory (mounted read-only). */
  root: string;
  /** Host directory holding compiled binaries (read-only here; compiles get their own container). */
  bins: string;
  runner: string;
  binds: string[];
  memoryMb: number;
  pids: number;
  tmpBytes: number;
}

function mounts(c: Pick<ContainerSpec, "layout" | "binds" | "runner">): string[] {
  const a: string[] = [];
  for (const e of c.layout) {
    // Docker can't make symlinks at the root: mount the target's real directory there instead.
    const source = e.kind === "symlink" ? (e.target.startsWith("/") ? e.target : `/${e.target}`) : e.path;
    a.push("--mount", `type=bind,source=${source},target=${e.path},readonly`);
  }
  for (const b of c.binds) a.push("--mount", `type=bind,source=${b},target=${b},readonly`);
  a.push("--mount", `type=bind,source=${c.runner},target=${RUNNER_IN},readonly`);
  return a;
}

function hardening(memoryMb: number, pids: number, tmpBytes: number): string[] {
  return [
    "--network", "none",
    "--read-only",
    "--user", "65534:65534",
    "--cap-drop", "ALL",
    "--security-opt", "no-new-privileges",
    "--pids-limit", String(pids),
    "--memory", `${memoryMb}m`,
    "--memory-swap", `${memoryMb}m`,
    "--tmpfs", `${HOME}:rw,exec,nosuid,size=${tmpBytes}`,
    "--workdir", HOME,
    "--init",
  ];
}

/** `docker run` arguments for a worker's long-lived container. Pure. */
export function dockerRunArgs(c: ContainerSpec): string[] {
  return [
    "run", "--detach", "--rm", "--name", c.name,
    ...hardening(c.memoryMb, c.pids, c.tmpBytes),
    ...mounts(c),
    "--mount", `type=bind,source=${c.root},target=${ROOT_IN},readonly`,
    "--mount", `type=bind,source=${c.bins},target=${BINS_IN},readonly`,
    c.image, "sleep", "infinity",
  ];
}

/** `docker exec` arguments for one run in a worker's container. Pure. */
export function dockerExecArgs(container: string, request: ExecRequest, root: string, bins: string): string[] {
  const env = Object.entries(sandboxEnv(HOME)).flatMap(([k, v]) => ["--env", `${k}=${v}`]);
  const box = `${ROOT_IN}/${relativeTo(root, request.programDir)}`;
  const bin = `${BINS_IN}/${relativeTo(bins, request.binDir)}`;
  const data = request.dataDir === undefined ? HOME : `${ROOT_IN}/${relativeTo(root, request.dataDir)}`;
  return ["exec", "--interactive", ...env, "--workdir", HOME, container, RUNNER_IN, ...runnerFlags(request.limits), "--", ...request.argv({ box, bin, data })];
}

/** A one-off container for a compile: like a worker's, but the program's bin dir is writable. */
export function dockerCompileArgs(c: Omit<ContainerSpec, "name" | "root" | "bins">, request: ExecRequest): string[] {
  const env = Object.entries(sandboxEnv(HOME)).flatMap(([k, v]) => ["--env", `${k}=${v}`]);
  return [
    "run", "--rm", "--interactive",
    ...hardening(c.memoryMb, c.pids, c.tmpBytes),
    ...mounts(c),
    "--mount", `type=bind,source=${request.programDir},target=/box,readonly`,
    "--mount", `type=bind,source=${request.binDir},target=/build`,
    ...env,
    c.image, RUNNER_IN, ...runnerFlags(request.limits), "--", ...request.argv({ box: "/box", bin: "/build", data: HOME }),
  ];
}

/** Where the docker client finds its daemon: not secrets, and needed to reach a non-default one. */
export function dockerClientEnv(env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of ["DOCKER_HOST", "DOCKER_CONTEXT", "DOCKER_CONFIG", "DOCKER_TLS_VERIFY", "DOCKER_CERT_PATH"]) {
    const v = env[k];
    if (v !== undefined) out[k] = v;
  }
  return out;
}

function relativeTo(base: string, path: string): string {
  if (!path.startsWith(`${base}/`)) throw new Error(`sandbox: ${path} is not under ${base}`);
  return path.slice(base.length + 1);
}

export interface DockerBackendOptions {
  docker: string;
  image: string;
  runner: string;
  layout: RootEntry[];
  /** The sandbox's working root: program dirs live in it, binaries in its bin/ subdirectory. */
  root: string;
  binds: string[];
  workers: number;
  /** Container-wide limits: the largest a run may ask for. */
  limits: EnforcedLimits;
  log: (line: string) => void;
}

export function createDockerBackend(o: DockerBackendOptions): Backend {
  const bins = join(o.root, "bin");
  mkdirSync(bins, { recursive: true });
  const tag = randomBytes(4).toString("hex");
  const containers = new Map<number, Promise<string>>();
  const spec = (name: string): ContainerSpec => ({
    name,
    image: o.image,
    layout: o.layout,
    root: o.root,
    bins,
    runner: o.runner,
    binds: o.binds,
    memoryMb: Math.ceil((o.limits.addressSpaceBytes ?? o.limits.dataBytes ?? 1 << 30) / (1 << 20)) + 64,
    pids: o.limits.processes + 8,
    tmpBytes: o.limits.tmpBytes,
  });
  const container = (slot: number): Promise<string> => {
    let c = containers.get(slot);
    if (c === undefined) {
      const name = `sstar-${process.pid}-${tag}-${slot}`;
      c = execa(o.docker, dockerRunArgs(spec(name)), { env: { ...launcherEnv(), ...dockerClientEnv() }, extendEnv: false }).then(() => {
        o.log(`sandbox: docker container ${name} started`);
        return name;
      });
      containers.set(slot, c);
    }
    return c;
  };
  return {
    name: "docker",
    async plan(request: ExecRequest, slot: number) {
      const base = { env: { ...launcherEnv(), ...dockerClientEnv() }, stdin: request.stdin, outputBytes: request.limits.outputBytes, resultBytes: request.resultBytes, guardMs: guardMs(request.limits) };
      if (request.binWritable) {
        const { name: _n, root: _r, bins: _b, ...rest } = spec("compile");
        const spawn: SpawnPlan = { command: o.docker, args: dockerCompileArgs(rest, request), ...base };
        return { spawn };
      }
      const name = await container(slot);
      const env = { ...launcherEnv(), ...dockerClientEnv() };
      const spawn: SpawnPlan = { command: o.docker, args: dockerExecArgs(name, request, o.root, bins), ...base, env };
      return { spawn };
    },
    async after(slot: number) {
      const c = containers.get(slot);
      if (c === undefined) return;
      // Everything of the run (a setsid grandchild too) dies; the container's init is exempt.
      await execa(o.docker, ["exec", await c, RUNNER_IN, "-K"], { env: { ...launcherEnv(), ...dockerClientEnv() }, extendEnv: false, reject: false });
    },
    async close() {
      const names = await Promise.allSettled(containers.values());
      containers.clear();
      await Promise.all(
        names.flatMap((n) => (n.status === "fulfilled" ? [execa(o.docker, ["rm", "--force", n.value], { env: { ...launcherEnv(), ...dockerClientEnv() }, extendEnv: false, reject: false })] : [])),
      );
    },
  };
}
