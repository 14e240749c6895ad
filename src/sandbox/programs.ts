// The prepare phase: each program's files written once under a private root (by a hash of its
// files), a C++ program compiled once, a request's extra files in their own folder, and the
// execution request for one run put together with its enforced limits.
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ExecRequest } from "./backends/common.ts";
import { compileArgv, judgeArgv, judgeFiles, programFiles, runArgv } from "./languages/index.ts";
import type { LimitCaps } from "./limits.ts";
import { capLimits, compileLimits, enforcedLimits } from "./limits.ts";
import { resolveInterpreter } from "./toolchain.ts";
import type { RunRequest, RunResult } from "./types.ts";
import type { WorkerPool } from "./workers.ts";

export function sha(...parts: string[]): string {
  const h = createHash("sha256");
  for (const p of parts) h.update(p).update("\0");
  return h.digest("hex");
}

export const COMPILE_ERROR = (message: string): RunResult => ({
  status: "compile-error",
  output: "",
  stderrTail: message,
  exitCode: null,
  signal: null,
  timeMs: 0,
  memoryKb: null,
});

export interface ProgramStore {
  /** The execution request for `request` (call `done` when its run ended), or the compile error that ends it. */
  prepare(request: RunRequest): Promise<{ exec: ExecRequest; done: () => void } | { failed: RunResult }>;
  /** An assertion test's judge (the test code, in a sandbox of its own): its execution request. */
  prepareJudge(request: RunRequest & { assert: string }): Promise<ExecRequest>;
  /** Bytes the compiled binaries kept now hold. */
  readonly binaryBytes: number;
  /** Removes every file written. */
  remove(): void;
}

export interface ProgramStoreOptions {
  /** The most time and memory any run may have: compiles too are held to them. */
  caps?: LimitCaps;
  /** Bytes of compiled binaries kept at most; the least recently used ones not running are deleted past it (and compiled again if needed). */
  binaryBudgetBytes?: number;
}

export const DEFAULT_BINARY_BUDGET_BYTES = 256 * 1024 * 1024;

/** Which kept binaries to delete so that `incoming` more bytes fit the budget: least recently used first, never one in use. Pure. */
export function binariesToEvict(kept: { key: string; bytes: number; lastUsed: number; inUse: number }[], incoming: number, budget: number): string[] {
  let total = kept.reduce((sum, b) => sum + b.bytes, 0) + incoming;
  const out: string[] = [];
  for (const b of [...kept].sort((x, y) => x.lastUsed - y.lastUsed)) {
    if (total <= budget) break;
    if (b.inUse > 0) continue;
    out.push(b.key);
    total -= b.bytes;
  }
  return out;
}

function folderBytes(dir: string): number {
  let bytes = 0;
  for (const name of readdirSync(dir)) bytes += statSync(join(dir, name)).size;
  return bytes;
}

/** Compiled binaries on disk, their bytes within a budget: the least recently used idle ones are deleted past it. */
function createBinaryShelf(budget: number, onEvict: (key: string) => void) {
  const binaries = new Map<string, { bin: string; bytes: number; lastUsed: number; inUse: number }>();
  let clock = 0;
  return {
    /** Keeps a fresh binary, deleting the least recently used idle ones past the budget. */
    keep(key: string, bin: string): void {
      const bytes = folderBytes(bin);
      for (const old of binariesToEvict([...binaries].map(([k, b]) => ({ key: k, ...b })), bytes, budget)) {
        const b = binaries.get(old);
        if (b === undefined) continue;
        rmSync(b.bin, { recursive: true, force: true });
        mkdirSync(b.bin, { recursive: true });
        binaries.delete(old);
        onEvict(old);
      }
      binaries.set(key, { bin, bytes, lastUsed: ++clock, inUse: 0 });
    },
    /** Marks a binary in use by one run; the returned function ends that use. */
    use(key: string): () => void {
      const b = binaries.get(key);
      if (b === undefined) return () => {};
      b.inUse++;
      b.lastUsed = ++clock;
      return () => {
        b.inUse--;
      };
    },
    get bytes(): number {
      let total = 0;
      for (const b of binaries.values()) total += b.bytes;
      return total;
    },
  };
}

/** Compiles once per program (a failed or evicted binary is compiled again when needed). */
function compiler(pool: WorkerPool, options: ProgramStoreOptions, compiles: Map<string, Promise<RunResult | null>>, shelf: ReturnType<typeof createBinaryShelf>) {
  /** Compiles once per program; null when it compiled, else the compile-error result. */
  function compile(key: string, dir: string, bin: string, source: string): Promise<RunResult | null> {
    let done = compiles.get(key);
    if (done === undefined) {
      done = (async () => {
        const cxx = await resolveInterpreter("cpp");
        const limits = compileLimits(options.caps);
        const r = await pool.exec(
          { programDir: dir, binDir: bin, binWritable: true, binds: cxx.binds, limits, stdin: "", resultBytes: 0, argv: (p) => compileArgv(cxx.exe, p.box, source, p.bin) },
          "stdio",
          limits,
        );
        if (r.status === "ok") {
          shelf.keep(key, bin);
          return null;
        }
        // A failed compile may have left a partial binary: nothing of it is kept.
        rmSync(bin, { recursive: true, force: true });
        mkdirSync(bin, { recursive: true });
        const why = r.status === "time-limit" ? "compilation timed out" : r.stderrTail.trim() || `compiler exited with ${r.exitCode ?? r.signal}`;
        return COMPILE_ERROR(why);
      })();
      compiles.set(key, done);
    }
    return done;
  }

  return compile;
}

export function createProgramStore(pool: WorkerPool, options: ProgramStoreOptions = {}): ProgramStore {
  const root = mkdtempSync(join(tmpdir(), "sstar-sandbox-"));
  for (const d of ["prog", "bin", "data"]) mkdirSync(join(root, d));
  const programs = new Map<string, string>();
  const compiles = new Map<string, Promise<RunResult | null>>();
  // An evicted binary is compiled again when a run needs it.
  const shelf = createBinaryShelf(options.binaryBudgetBytes ?? DEFAULT_BINARY_BUDGET_BYTES, (key) => compiles.delete(key));

  function programDir(request: RunRequest, judge = false): { key: string; dir: string; bin: string; compileSource?: string } {
    const { files, compileSource } = judge ? judgeFiles(request.assert ?? "") : programFiles(request.program, request.io);
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

  const compile = compiler(pool, options, compiles, shelf);

  /** The request's extra files, in a folder of their own (read-only inside), if it has any. */
  function dataDir(request: RunRequest): string | undefined {
    if (request.files === undefined || Object.keys(request.files).length === 0) return undefined;
    const dir = join(root, "data", sha(JSON.stringify(request.files)).slice(0, 32));
    mkdirSync(dir, { recursive: true });
    for (const [name, content] of Object.entries(request.files)) {
      if (!/^[A-Za-z0-9._-]+$/.test(name)) throw new Error(`sandbox: bad file name ${JSON.stringify(name)} in run request`);
      writeFileSync(join(dir, name), content, { mode: 0o644 });
    }
    return dir;
  }

  return {
    async prepare(request) {
      const { key, dir, bin, compileSource } = programDir(request);
      const interpreter = await resolveInterpreter(request.program.language);
      let done = () => {};
      if (compileSource !== undefined) {
        const failed = await compile(key, dir, bin, compileSource);
        if (failed !== null) return { failed };
        done = shelf.use(key);
      }
      const limits = enforcedLimits(capLimits(request.limits, options.caps), request.program.language);
      const fileNames = Object.keys(request.files ?? {});
      const exec: ExecRequest = {
        programDir: dir,
        binDir: bin,
        binWritable: false,
        dataDir: dataDir(request),
        binds: request.program.language === "cpp" ? [] : interpreter.binds,
        limits,
        // Assertion tests: the judge's calls come on stdin as the run goes (judge.ts).
        stdin: request.assert !== undefined ? "" : request.input,
        // Only a function harness gets the result channel; for stdio the runner closes it.
        resultBytes: request.io.kind === "function" ? limits.outputBytes : 0,
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
      };
      return { exec, done };
    },
    get binaryBytes() {
      return shelf.bytes;
    },
    async prepareJudge(request) {
      const { dir, bin } = programDir(request, true);
      const python = await resolveInterpreter("python");
      const limits = enforcedLimits(capLimits(request.limits, options.caps), "python");
      const name = request.io.kind === "function" ? request.io.name : "candidate";
      return { programDir: dir, binDir: bin, binWritable: false, binds: python.binds, limits, stdin: "", resultBytes: limits.outputBytes, argv: (p) => judgeArgv(python.exe, p.box, name) };
    },
    remove() {
      rmSync(root, { recursive: true, force: true });
    },
  };
}
