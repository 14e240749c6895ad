// The Sandbox: picks a backend, queues runs on a worker pool sized to the CPUs, runs identical
// requests once (cached by a hash of program, input, limits and assertion), and compiles each C++
// program once.
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import pLimit from "p-limit";
import type { RunRequest, RunResult, Sandbox } from "./types.ts";
import type { Backend, ExecRequest } from "./backends/common.ts";
import { createBwrapBackend, systemLayout } from "./backends/bwrap.ts";
import { createDockerBackend, DEFAULT_DOCKER_IMAGE } from "./backends/docker.ts";
import { createNoneBackend } from "./backends/none.ts";
import type { BackendReport } from "./detect.ts";
import { detectBwrap, detectDocker, detectLimits } from "./detect.ts";
import { killGroups, spawnCollect } from "./exec.ts";
import { compileArgv, programFiles, runArgv } from "./languages/index.ts";
import type { EnforcedLimits } from "./limits.ts";
import { COMPILE_LIMITS, enforcedLimits } from "./limits.ts";
import { ensureRunner } from "./runner.ts";
import { classifyRun } from "./status.ts";
import { resolveInterpreter } from "./toolchain.ts";
import type { SandboxUser } from "./user.ts";
import { sandboxUidBase, sandboxUser } from "./user.ts";

export type BackendChoice = "auto" | "bwrap" | "docker" | "none";

export interface SandboxOptions {
  backend?: BackendChoice;
  workers?: number;
  cache?: boolean;
  log?: (line: string) => void;
}

export interface PooledSandbox extends Sandbox {
  readonly workers: number;
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

function sha(...parts: string[]): string {
  const h = createHash("sha256");
  for (const p of parts) h.update(p).update("\0");
  return h.digest("hex");
}

/** The cache key of a run: everything that can change its result. */
export function runKey(r: RunRequest): string {
  return sha(JSON.stringify([r.program.language, r.program.code, r.io, r.input, r.assert ?? null, r.limits, r.files ?? null]));
}

const COMPILE_ERROR = (message: string): RunResult => ({
  status: "compile-error",
  output: "",
  stderrTail: message,
  exitCode: null,
  signal: null,
  timeMs: 0,
  memoryKb: null,
});

/** Interpreter directories a docker container must mount (resolved up front: containers are long-lived). */
async function interpreterBinds(): Promise<string[]> {
  const found = await Promise.allSettled((["python", "javascript", "cpp"] as const).map((l) => resolveInterpreter(l)));
  return [...new Set(found.flatMap((f) => (f.status === "fulfilled" ? f.value.binds : [])))];
}

export async function createSandbox(options: SandboxOptions = {}): Promise<PooledSandbox> {
  const log = options.log ?? (() => {});
  const choice = options.backend ?? "auto";
  const runner = await ensureRunner(log);
  const reports: BackendReport[] = [];
  if (choice === "auto" || choice === "bwrap") reports.push(await detectBwrap(log));
  if ((choice === "auto" && !reports[0]?.available) || choice === "docker") reports.push(await detectDocker());
  const picked = chooseBackend(choice, reports);
  if ("error" in picked) throw new Error(picked.error);
  const workers = Math.max(1, options.workers ?? availableParallelism());
  const limitsInfo = detectLimits(workers);
  const uid = process.getuid?.() ?? 0;
  const uidBase = sandboxUidBase();
  const userFor = uid === 0 ? (slot: number) => sandboxUser(0, slot, uidBase) as SandboxUser : undefined;
  if (picked.name === "bwrap") log(`sandbox: ${limitsInfo.programUser}; ${limitsInfo.cgroups.kind === "none" ? `no cgroup (${limitsInfo.cgroups.reason}): limits per process, memory summed by the runner` : `a ${limitsInfo.cgroups.kind} group per run`}`);
  if (picked.name === "none") {
    log("sandbox: warning: backend none is NOT isolation: programs run as you with only resource limits and a clean environment; they can read and write your files and use the network");
  }
  const root = mkdtempSync(join(tmpdir(), "sstar-sandbox-"));
  for (const d of ["prog", "bin", "data"]) mkdirSync(join(root, d));
  const backend: Backend =
    picked.name === "bwrap"
      ? createBwrapBackend({ bwrap: reports.find((r) => r.name === "bwrap")?.path ?? "bwrap", runner, cgroups: limitsInfo.cgroups, ...(userFor === undefined ? {} : { userFor }) })
      : picked.name === "docker"
        ? createDockerBackend({
            docker: reports.find((r) => r.name === "docker")?.path ?? "docker",
            image: process.env.SSTAR_DOCKER_IMAGE ?? DEFAULT_DOCKER_IMAGE,
            runner,
            layout: systemLayout(),
            binds: await interpreterBinds(),
            log,
          })
        : createNoneBackend({ runner, cgroups: limitsInfo.cgroups });
  log(`sandbox: backend ${backend.name}, ${workers} worker${workers === 1 ? "" : "s"}`);

  const limit = pLimit(workers);
  const freeSlots = Array.from({ length: workers }, (_, i) => i);
  const results = new Map<string, Promise<RunResult>>();
  const programs = new Map<string, string>();
  const compiles = new Map<string, Promise<RunResult | null>>();
  let closed = false;
  const live = new Set<number>();

  async function exec(request: ExecRequest, contract: "stdio" | "function", limits: EnforcedLimits): Promise<RunResult> {
    return limit(async () => {
      if (closed) throw new Error("sandbox: closed");
      const slot = freeSlots.pop() ?? 0;
      try {
        const { spawn, cgroup, release } = await backend.plan(request, slot);
        try {
          const collected = await spawnCollect(spawn, live);
          return classifyRun({ ...collected, cgroup: cgroup?.usage() ?? null }, limits, contract);
        } finally {
          await cgroup?.release();
          await release?.();
        }
      } finally {
        freeSlots.push(slot);
      }
    });
  }

  function programDir(request: RunRequest): { key: string; dir: string; bin: string; compileSource?: string } {
    const { files, compileSource } = programFiles(request.program, request.io);
    const key = sha(request.program.language, JSON.stringify(files));
    const dir = join(root, "prog", key.slice(0, 32));
    const bin = join(root, "bin", key.slice(0, 32));
    if (!programs.has(key)) {
      mkdirSync(dir, { recursive: true });
      mkdirSync(bin, { recursive: true });
      for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content, { mode: 0o644 });
      programs.set(key, dir);
    }
    return { key, dir, bin, compileSource };
  }

  /** Compiles once per program; null when it compiled, else the compile-error result. */
  function compile(key: string, dir: string, bin: string, source: string): Promise<RunResult | null> {
    let done = compiles.get(key);
    if (done === undefined) {
      done = (async () => {
        const cxx = await resolveInterpreter("cpp");
        const limits = enforcedLimits(COMPILE_LIMITS, "cpp");
        const r = await exec(
          { programDir: dir, binDir: bin, binWritable: true, binds: cxx.binds, limits, stdin: "", resultBytes: 0, argv: (p) => compileArgv(cxx.exe, p.box, source, p.bin) },
          "stdio",
          limits,
        );
        if (r.status === "ok") return null;
        const why = r.status === "time-limit" ? "compilation timed out" : r.stderrTail.trim() || `compiler exited with ${r.exitCode ?? r.signal}`;
        return COMPILE_ERROR(why);
      })();
      compiles.set(key, done);
    }
    return done;
  }

  async function runOnce(request: RunRequest): Promise<RunResult> {
    if (request.assert !== undefined && (request.io.kind !== "function" || request.program.language !== "python")) {
      return { ...COMPILE_ERROR(""), status: "runtime-error", stderrTail: `sandbox: assertion tests need a Python function problem (got ${request.program.language}, ${request.io.kind})` };
    }
    const { key, dir, bin, compileSource } = programDir(request);
    const interpreter = await resolveInterpreter(request.program.language);
    if (compileSource !== undefined) {
      const failed = await compile(key, dir, bin, compileSource);
      if (failed !== null) return failed;
    }
    const limits = enforcedLimits(request.limits, request.program.language);
    let dataDir: string | undefined;
    const fileNames = Object.keys(request.files ?? {});
    if (request.files !== undefined && fileNames.length > 0) {
      dataDir = join(root, "data", sha(JSON.stringify(request.files)).slice(0, 32));
      mkdirSync(dataDir, { recursive: true });
      for (const [name, content] of Object.entries(request.files)) {
        if (!/^[A-Za-z0-9._-]+$/.test(name)) throw new Error(`sandbox: bad file name ${JSON.stringify(name)} in run request`);
        writeFileSync(join(dataDir, name), content, { mode: 0o644 });
      }
    }
    const contract = request.io.kind;
    const stdin = request.assert ?? request.input;
    return exec(
      {
        programDir: dir,
        binDir: bin,
        binWritable: false,
        dataDir,
        binds: request.program.language === "cpp" ? [] : interpreter.binds,
        limits,
        stdin,
        resultBytes: limits.outputBytes,
        argv: (p) =>
          runArgv({
            language: request.program.language,
            io: request.io,
            assert: request.assert !== undefined,
            interpreter: interpreter.exe,
            box: p.box,
            bin: p.bin,
            limits,
            extraArgs: fileNames.map((n) => `${p.data}/${n}`),
          }),
      },
      contract,
      limits,
    );
  }

  return {
    backend: backend.name,
    workers,
    run(request: RunRequest): Promise<RunResult> {
      if (closed) return Promise.reject(new Error("sandbox: run after close()"));
      if (options.cache === false) return runOnce(request);
      const key = runKey(request);
      const hit = results.get(key);
      if (hit !== undefined) return hit.then((r) => ({ ...r, cached: true }));
      const fresh = runOnce(request);
      results.set(key, fresh);
      fresh.catch(() => results.delete(key));
      return fresh;
    },
    async close() {
      if (closed) return;
      closed = true;
      limit.clearQueue();
      killGroups(live);
      await backend.close();
      rmSync(root, { recursive: true, force: true });
    },
  };
}
