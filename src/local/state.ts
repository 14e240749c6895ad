// What `sstar doctor` says about the local model: library installed, weights cached, threads.
import { availableParallelism } from "node:os";
import { existsSync } from "node:fs";
import { runtimeInstalled, runtimePaths, LIBRARY_VERSION } from "./runtime.ts";
import { DEFAULT_LOCAL_MODEL, hubFilePath, localCacheDir, runtimePlatform, splitCores, type RuntimePlatform } from "./spec.ts";

export interface LocalModelState {
  cacheDir: string;
  platform: RuntimePlatform | undefined;
  library: { version: string; installed: boolean; dir: string | undefined };
  defaultModel: { name: string; path: string; cached: boolean };
  threads: number;
  sandboxWorkers: number;
}

export function localModelState(env: NodeJS.ProcessEnv = process.env, cores: number = availableParallelism()): LocalModelState {
  const cacheDir = localCacheDir(env);
  let platform: RuntimePlatform | undefined;
  try {
    platform = runtimePlatform();
  } catch {
    platform = undefined;
  }
  const path = hubFilePath(cacheDir, DEFAULT_LOCAL_MODEL);
  const split = splitCores(cores, env.SSTAR_LOCAL_THREADS ? Number(env.SSTAR_LOCAL_THREADS) || undefined : undefined);
  return {
    cacheDir,
    platform,
    library: { version: LIBRARY_VERSION, installed: platform !== undefined && runtimeInstalled(cacheDir, platform), dir: platform ? runtimePaths(cacheDir, platform).dir : undefined },
    defaultModel: { name: `${DEFAULT_LOCAL_MODEL.owner}/${DEFAULT_LOCAL_MODEL.repo}/${DEFAULT_LOCAL_MODEL.file}`, path, cached: existsSync(path) },
    ...split,
  };
}

export function localStateLines(state: LocalModelState): string[] {
  const lines = [`Local model (--model local; cache ${state.cacheDir}, set SSTAR_LOCAL_DIR to move it):`];
  if (state.platform === undefined) lines.push("  no   library: no prebuilt node-llama-cpp for this platform");
  else lines.push(`  ${state.library.installed ? "ok  " : "no  "} library: node-llama-cpp ${state.library.version} (${state.platform})${state.library.installed ? ` in ${state.library.dir}` : ": installed at first use (about 85 MB)"}`);
  lines.push(`  ${state.defaultModel.cached ? "ok  " : "no  "} weights: ${state.defaultModel.name}${state.defaultModel.cached ? ` (${state.defaultModel.path})` : ": downloaded at first use (about 1.1 GB)"}`);
  lines.push(`  threads: ${state.threads} decoding, ${state.sandboxWorkers} sandbox worker${state.sandboxWorkers === 1 ? "" : "s"} (SSTAR_LOCAL_THREADS overrides)`);
  return lines;
}
