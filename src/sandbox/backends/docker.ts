// Docker: one container per run (`docker run --rm`), with no network, a read-only root, a uid that
// is not root, no capabilities, and the run's own pids and memory limits. It mounts only that run's
// program, binary and data, and gets a fresh /tmp and /dev/shm, so no run sees another's files (a
// custom checker's answers included) and nothing one run writes is there for the next. The host's
// system directories and interpreters are mounted read-only so programs see the same toolchain as
// under bwrap; the image only supplies an init and an empty root.
import { randomBytes } from "node:crypto";
import { chmodSync } from "node:fs";
import { execa } from "execa";
import { sandboxEnv } from "../languages/index.ts";
import { runnerFlags } from "../limits.ts";
import type { RootEntry } from "./bwrap.ts";
import { BIN, BOX, DATA, SANDBOX_OVERHEAD_BYTES } from "./bwrap.ts";
import type { Backend, ExecRequest } from "./common.ts";
import { handedFds, launcherEnv, spawnPlan } from "./common.ts";

export const DEFAULT_DOCKER_IMAGE = "debian:bookworm-slim";
const RUNNER_IN = "/sstar/runner";
const HOME = "/tmp";

export interface ContainerSpec {
  name: string;
  image: string;
  layout: RootEntry[];
  runner: string;
  /** Interpreter directories, mounted read-only at the same path. */
  binds: string[];
}

function mounts(c: ContainerSpec, request: ExecRequest): string[] {
  const a: string[] = [];
  for (const e of c.layout) {
    // Docker can't make symlinks at the root: mount the target's real directory there instead.
    const source = e.kind === "symlink" ? (e.target.startsWith("/") ? e.target : `/${e.target}`) : e.path;
    a.push("--mount", `type=bind,source=${source},target=${e.path},readonly`);
  }
  for (const b of [...new Set([...c.binds, ...request.binds])]) a.push("--mount", `type=bind,source=${b},target=${b},readonly`);
  a.push("--mount", `type=bind,source=${c.runner},target=${RUNNER_IN},readonly`);
  // This run's files only.
  a.push("--mount", `type=bind,source=${request.programDir},target=${BOX},readonly`);
  a.push("--mount", `type=bind,source=${request.binDir},target=${BIN}${request.binWritable ? "" : ",readonly"}`);
  if (request.dataDir !== undefined) a.push("--mount", `type=bind,source=${request.dataDir},target=${DATA},readonly`);
  return a;
}

/** `docker run` arguments for one run in a container of its own. Pure. */
export function dockerRunArgs(c: ContainerSpec, request: ExecRequest): string[] {
  const l = request.limits;
  const memory = l.runMemoryBytes + SANDBOX_OVERHEAD_BYTES;
  const env = Object.entries(sandboxEnv(HOME)).flatMap(([k, v]) => ["--env", `${k}=${v}`]);
  return [
    "run", "--rm", "--interactive", "--name", c.name,
    "--network", "none",
    "--read-only",
    "--user", "65534:65534",
    "--cap-drop", "ALL",
    "--security-opt", "no-new-privileges",
    "--pids-limit", String(l.processes + 8),
    // The run's memory, tmpfs and /dev/shm included, with no swap beyond it.
    "--memory", String(memory),
    "--memory-swap", String(memory),
    "--tmpfs", `${HOME}:rw,exec,nosuid,size=${l.tmpBytes}`,
    "--shm-size", String(l.shmBytes),
    "--workdir", HOME,
    "--init",
    ...mounts(c, request),
    ...env,
    c.image, RUNNER_IN, ...runnerFlags(l, { keepFds: handedFds(request) }), "--", ...request.argv({ box: BOX, bin: BIN, data: DATA }),
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

export interface DockerBackendOptions {
  docker: string;
  image: string;
  runner: string;
  layout: RootEntry[];
  /** Interpreter directories every container mounts. */
  binds: string[];
  log: (line: string) => void;
}

export function createDockerBackend(o: DockerBackendOptions): Backend {
  const tag = randomBytes(4).toString("hex");
  const env = { ...launcherEnv(), ...dockerClientEnv() };
  let counter = 0;
  const running = new Set<string>();
  const remove = (name: string) => execa(o.docker, ["rm", "--force", name], { env, extendEnv: false, reject: false });
  return {
    name: "docker",
    async plan(request: ExecRequest) {
      const name = `sstar-${process.pid}-${tag}-${++counter}`;
      // A compile writes its binary as the container's uid 65534; the folder sits inside our
      // private (0700) sandbox root, so opening it up reaches no one else.
      if (request.binWritable) chmodSync(request.binDir, 0o777);
      running.add(name);
      const spawn = spawnPlan(request, { command: o.docker, args: dockerRunArgs({ name, image: o.image, layout: o.layout, runner: o.runner, binds: o.binds }, request), env });
      // Killing the client (output limit, guard) leaves the container: remove it in any case.
      return {
        spawn,
        release: async () => {
          running.delete(name);
          await remove(name);
        },
      };
    },
    async close() {
      await Promise.all([...running].map(remove));
      running.clear();
    },
  };
}
