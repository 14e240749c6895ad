// The Sandbox: picks a backend, queues runs on a worker pool sized to the CPUs (workers.ts), runs
// identical requests once (cached by a hash of program, input, limits and assertion; large outputs
// kept on disk by digest, results.ts), and prepares
// each program's files and C++ compile once (programs.ts).
import { availableParallelism } from "node:os";
import type { RunRequest, RunResult, Sandbox } from "./types.ts";
import type { Backend } from "./backends/common.ts";
import { createBwrapBackend, systemLayout } from "./backends/bwrap.ts";
import { createDockerBackend, DEFAULT_DOCKER_IMAGE } from "./backends/docker.ts";
import { createNoneBackend } from "./backends/none.ts";
import type { BackendReport } from "./detect.ts";
import { detectBwrap, detectDocker, detectLimits } from "./detect.ts";
import { COMPILE_ERROR, createProgramStore, sha } from "./programs.ts";
import { ensureRunner } from "./runner.ts";
import { resolveInterpreter } from "./toolchain.ts";
import type { SandboxUser } from "./user.ts";
import { describeProgramUser, sandboxUidBase, sandboxUser } from "./user.ts";
import type { UidBlock } from "./uid-block.ts";
import { holdUidBlock } from "./uid-block.ts";
import { createWorkerPool } from "./workers.ts";
import { createResultCache } from "./results.ts";
import type { LimitCaps } from "./limits.ts";

export type BackendChoice = "auto" | "bwrap" | "docker" | "none";

export interface SandboxOptions {
  backend?: BackendChoice;
  workers?: number;
  cache?: boolean;
  log?: (line: string) => void;
  /** The most time and memory any run may have, compiles included (the action's max-time-ms and max-memory-mb). */
  caps?: LimitCaps;
  /** Bytes of compiled binaries kept on disk at most (default 256 MiB); idle ones past it are deleted. */
  binaryBudgetBytes?: number;
}

export interface PooledSandbox extends Sandbox {
  readonly workers: number;
  /** Bytes the compiled binaries kept on disk hold now (within binaryBudgetBytes). */
  readonly binaryBytes: number;
}

/** Which backend to use, from what was asked and what works. Pure. */
export function chooseBackend(choice: BackendChoice, reports: BackendReport[]): { name: "bwrap" | "docker" | "none" } | { error: string } {
  const find = (n: string) => reports.find((r) => r.name === n);
  if (choice === "none") return { name: "none" };
  if (choice === "bwrap" || choice === "docker") {
    const r = find(choice);
    return r?.available ? { name: choice } : { error: `sandbox: backend ${choice} is not available: ${r?.reason ?? "not detected"}` };
  }
  for (const name of ["bwrap", "docker"] as const) if (find(name)?.available) return { name };
  const why = reports.filter((r) => r.name !== "none").map((r) => `${r.name}: ${r.reason ?? "unavailable"}`).join("; ");
  return { error: `sandbox: no isolation backend works here (${why}). Install bubblewrap (apt-get install bubblewrap), or choose sandbox "none" explicitly to run programs without isolation` };
}

/** The cache key of a run: everything that can change its result. */
export function runKey(r: RunRequest): string {
  return sha(JSON.stringify([r.program.language, r.program.code, r.io, r.input, r.assert ?? null, r.limits, r.files ?? null]));
}

/** Interpreter directories a docker container must mount (resolved up front: containers are long-lived). */
async function interpreterBinds(): Promise<string[]> {
  const found = await Promise.allSettled((["python", "javascript", "cpp"] as const).map((l) => resolveInterpreter(l)));
  return [...new Set(found.flatMap((f) => (f.status === "fulfilled" ? f.value.binds : [])))];
}

/**
 * The sandbox as named phases: prepare (the program's files and, for C++, its one compile), run
 * and wait (one worker of the pool), collect (the runner's report classified against the limits,
 * which come from limits.ts alone). Identical requests run once.
 */
export async function createSandbox(options: SandboxOptions = {}): Promise<PooledSandbox> {
  const log = options.log ?? (() => {});
  const workers = Math.max(1, options.workers ?? availableParallelism());
  const { backend, uidBlock } = await openBackend(options.backend ?? "auto", workers, log);
  log(`sandbox: backend ${backend.name}, ${workers} worker${workers === 1 ? "" : "s"}`);
  const pool = createWorkerPool(backend, workers);
  const programs = createProgramStore(pool, { ...(options.caps === undefined ? {} : { caps: options.caps }), ...(options.binaryBudgetBytes === undefined ? {} : { binaryBudgetBytes: options.binaryBudgetBytes }) });
  const results = createResultCache();

  async function runOnce(request: RunRequest): Promise<RunResult> {
    if (request.assert !== undefined && (request.io.kind !== "function" || request.program.language !== "python")) {
      return { ...COMPILE_ERROR(""), status: "runtime-error", stderrTail: `sandbox: assertion tests need a Python function problem (got ${request.program.language}, ${request.io.kind})` };
    }
    const prepared = await programs.prepare(request);
    if ("failed" in prepared) return prepared.failed;
    try {
      if (request.assert !== undefined) return await pool.execJudged(prepared.exec, await programs.prepareJudge({ ...request, assert: request.assert }));
      return await pool.exec(prepared.exec, request.io.kind, prepared.exec.limits);
    } finally {
      prepared.done();
    }
  }

  return {
    backend: backend.name,
    workers,
    get binaryBytes() {
      return programs.binaryBytes;
    },
    run(request: RunRequest): Promise<RunResult> {
      if (pool.closed) return Promise.reject(new Error("sandbox: run after close()"));
      if (options.cache === false) return runOnce(request);
      const key = runKey(request);
      const hit = results.get(key);
      if (hit !== undefined) return hit.then((r) => ({ ...r, cached: true }));
      const fresh = runOnce(request);
      results.remember(key, fresh);
      return fresh;
    },
    async close() {
      if (pool.closed) return;
      await pool.close();
      programs.remove();
      results.remove();
      uidBlock?.release();
    },
  };
}

/** The backend asked for, if it works here (bwrap before docker for "auto"), set up for `workers` runs at once. */
async function openBackend(choice: BackendChoice, workers: number, log: (line: string) => void): Promise<{ backend: Backend; uidBlock?: UidBlock }> {
  const runner = await ensureRunner(log);
  const reports: BackendReport[] = [];
  if (choice === "auto" || choice === "bwrap") reports.push(await detectBwrap(log));
  if ((choice === "auto" && !reports[0]?.available) || choice === "docker") reports.push(await detectDocker());
  const picked = chooseBackend(choice, reports);
  if ("error" in picked) throw new Error(picked.error);
  const limitsInfo = detectLimits(workers);
  const uid = process.getuid?.() ?? 0;
  const uidBase = sandboxUidBase();
  // As root, a block of program uids held by this process alone (not for docker: its uid 65534 is inside the container).
  const uidBlock = uid === 0 && picked.name === "bwrap" ? await holdUidBlock(runner, uidBase) : undefined;
  const userFor = uidBlock !== undefined ? (slot: number) => sandboxUser(0, slot, uidBase, uidBlock.block) as SandboxUser : undefined;
  if (picked.name === "bwrap") log(`sandbox: ${describeProgramUser(uid, workers, uidBase, uidBlock?.block ?? 0)}; ${limitsInfo.cgroups.kind === "none" ? `no cgroup (${limitsInfo.cgroups.reason}): limits per process, memory summed by the runner` : `a ${limitsInfo.cgroups.kind} group per run`}`);
  if (picked.name === "none") {
    log("sandbox: warning: backend none is NOT isolation: programs run as you with only resource limits and a clean environment; they can read and write your files and use the network");
  }
  if (picked.name === "bwrap") return { backend: createBwrapBackend({ bwrap: reports.find((r) => r.name === "bwrap")?.path ?? "bwrap", runner, cgroups: limitsInfo.cgroups, ...(userFor === undefined ? {} : { userFor }) }), ...(uidBlock === undefined ? {} : { uidBlock }) };
  if (picked.name === "docker") {
    return { backend: createDockerBackend({
      docker: reports.find((r) => r.name === "docker")?.path ?? "docker",
      image: process.env.SSTAR_DOCKER_IMAGE ?? DEFAULT_DOCKER_IMAGE,
      runner,
      layout: systemLayout(),
      binds: await interpreterBinds(),
      log,
    }) };
  }
  return { backend: createNoneBackend({ runner, cgroups: limitsInfo.cgroups }) };
}
