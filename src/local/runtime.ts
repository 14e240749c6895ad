// The inference library (node-llama-cpp) is not a dependency of the project: its full install is
// 732 MB (CUDA and Vulkan builds), and it can't be bundled (it reads files beside its own dist at
// run time). It is installed at first use into the cache folder, from the lockfile committed for
// this platform (src/local/lockfiles/<platform>/), by `npm ci`, which checks every package against
// the lockfile's integrity hashes. --omit=optional keeps the GPU builds out: the one CPU build for
// the platform is a direct dependency of that lockfile.
import { existsSync } from "node:fs";
import { mkdir, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { execa } from "execa";
import { ModelConfigError } from "../model/types.ts";
import type { RuntimePlatform } from "./spec.ts";
import linuxX64Package from "./lockfiles/linux-x64/package.json" with { type: "json" };
import linuxX64Lock from "./lockfiles/linux-x64/package-lock.json" with { type: "json" };
import linuxArm64Package from "./lockfiles/linux-arm64/package.json" with { type: "json" };
import linuxArm64Lock from "./lockfiles/linux-arm64/package-lock.json" with { type: "json" };
import darwinArm64Package from "./lockfiles/darwin-arm64/package.json" with { type: "json" };
import darwinArm64Lock from "./lockfiles/darwin-arm64/package-lock.json" with { type: "json" };
import win32X64Package from "./lockfiles/win32-x64/package.json" with { type: "json" };
import win32X64Lock from "./lockfiles/win32-x64/package-lock.json" with { type: "json" };

export const LIBRARY_VERSION = "3.21.1";

const LOCKFILES: Record<RuntimePlatform, { packageJson: unknown; lock: unknown }> = {
  "linux-x64": { packageJson: linuxX64Package, lock: linuxX64Lock },
  "linux-arm64": { packageJson: linuxArm64Package, lock: linuxArm64Lock },
  "darwin-arm64": { packageJson: darwinArm64Package, lock: darwinArm64Lock },
  "win32-x64": { packageJson: win32X64Package, lock: win32X64Lock },
};

/** The folder the library is installed in, and its entry module. */
export function runtimePaths(cacheDir: string, platform: RuntimePlatform): { dir: string; entry: string; marker: string } {
  const dir = join(cacheDir, "runtime", `node-llama-cpp-${LIBRARY_VERSION}-${platform}`);
  return { dir, entry: join(dir, "node_modules", "node-llama-cpp", "dist", "index.js"), marker: join(dir, ".installed") };
}

export function runtimeInstalled(cacheDir: string, platform: RuntimePlatform): boolean {
  const paths = runtimePaths(cacheDir, platform);
  return existsSync(paths.marker) && existsSync(paths.entry);
}

/**
 * The library's entry module, installed first when missing. The install goes to a temporary folder
 * renamed into place when complete, so an interrupted install never looks like a finished one.
 */
export async function ensureRuntime(cacheDir: string, platform: RuntimePlatform, log: (line: string) => void): Promise<string> {
  const paths = runtimePaths(cacheDir, platform);
  if (runtimeInstalled(cacheDir, platform)) return paths.entry;
  const staging = `${paths.dir}.partial-${process.pid}`;
  await rm(staging, { recursive: true, force: true });
  await mkdir(staging, { recursive: true });
  const files = LOCKFILES[platform];
  await writeFile(join(staging, "package.json"), `${JSON.stringify(files.packageJson, null, 2)}\n`);
  await writeFile(join(staging, "package-lock.json"), `${JSON.stringify(files.lock, null, 2)}\n`);
  log(`local model: installing node-llama-cpp ${LIBRARY_VERSION} (${platform}, about 85 MB) into ${paths.dir} (once)`);
  const started = Date.now();
  try {
    await execa("npm", ["ci", "--omit=optional", "--ignore-scripts", "--no-audit", "--no-fund", "--loglevel=error"], { cwd: staging, stdin: "ignore", all: true });
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    const detail = ((error as { all?: string }).all ?? (error as Error).message).trim().split("\n").find((l) => /error/i.test(l)) ?? (error as Error).message.split("\n")[0];
    throw new ModelConfigError(`local model: installing node-llama-cpp with npm failed (${detail}); check that npm can reach its registry, or set SSTAR_LOCAL_DIR to a folder that holds the install`);
  }
  await writeFile(join(staging, ".installed"), `${new Date().toISOString()}\n`);
  await rm(paths.dir, { recursive: true, force: true });
  try {
    await rename(staging, paths.dir);
  } catch (error) {
    // Another process finished the same install first: use theirs.
    await rm(staging, { recursive: true, force: true });
    if (!runtimeInstalled(cacheDir, platform)) throw error;
  }
  log(`local model: node-llama-cpp installed in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  return paths.entry;
}
