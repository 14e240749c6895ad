// Builds the native runner (runner-source.ts) once per machine and caches the binary by source hash.
import { createHash } from "node:crypto";
import { existsSync, lstatSync, mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { RUNNER_SOURCE } from "./runner-source.ts";
import { findExecutable } from "./toolchain.ts";

export function runnerCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CACHE_HOME ?? (env.HOME ? join(env.HOME, ".cache") : join(homedir(), ".cache"));
  return join(base, "sstar");
}

let building: Promise<string> | undefined;

/** Path of the compiled runner, compiling it with the system C compiler on first use. */
export function ensureRunner(log: (line: string) => void = () => {}): Promise<string> {
  building ??= buildRunner(log).catch((err: unknown) => {
    building = undefined;
    throw err;
  });
  return building;
}

async function buildRunner(log: (line: string) => void): Promise<string> {
  const hash = createHash("sha256").update(RUNNER_SOURCE).digest("hex").slice(0, 16);
  let dir = runnerCacheDir();
  try {
    mkdirSync(dir, { recursive: true });
  } catch {
    dir = join(tmpdir(), `sstar-cache-${process.getuid?.() ?? "u"}`);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    // A shared /tmp: someone else could have made this folder first and planted a runner in it.
    const st = lstatSync(dir);
    const uid = process.getuid?.();
    if (!st.isDirectory() || (uid !== undefined && st.uid !== uid) || (st.mode & 0o077) !== 0) {
      throw new Error(`sandbox: ${dir} is not a private folder of this user (owner ${st.uid}, mode ${(st.mode & 0o777).toString(8)}); remove it, or make ~/.cache writable`);
    }
  }
  const binary = join(dir, `runner-${hash}`);
  if (existsSync(binary)) return binary;
  const cc = findExecutable("cc") ?? findExecutable("gcc") ?? findExecutable("clang");
  if (cc === undefined) {
    throw new Error("sandbox: no C compiler (cc, gcc or clang) on PATH to build the runner; install gcc (apt-get install gcc)");
  }
  const source = join(dir, `runner-${hash}.${process.pid}.c`);
  const partial = `${binary}.${process.pid}.tmp`;
  writeFileSync(source, RUNNER_SOURCE);
  try {
    await execa(cc, ["-O2", "-Wall", "-o", partial, source], { env: { PATH: process.env.PATH ?? "/usr/bin:/bin", LANG: "C" }, extendEnv: false });
    renameSync(partial, binary); // atomic: concurrent builders never see a half-written binary
  } catch (err) {
    throw new Error(`sandbox: building the runner with ${cc} failed: ${(err as Error).message.split("\n").slice(0, 5).join(" ")}`, { cause: err });
  } finally {
    rmSync(source, { force: true });
    rmSync(partial, { force: true });
  }
  log(`sandbox: built the runner at ${binary}`);
  return binary;
}
