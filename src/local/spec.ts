// What `--model local` names (action input `model: local`): the default coder model, a GGUF file on
// disk, or a GGUF file in a Hugging Face repository. Pure: parsing, cache paths and the thread split.
import { homedir } from "node:os";
import { join, resolve } from "node:path";
import { ModelConfigError } from "../model/types.ts";

/** A GGUF file in a Hugging Face repository, at a revision (a branch, tag or commit). */
export interface HubFile {
  owner: string;
  repo: string;
  file: string;
  revision: string;
  /** Expected sha256 (hex) when known; otherwise the first download records it. */
  sha256?: string;
  /** Approximate size, for the one line that says what will be downloaded. */
  sizeBytes?: number;
}

export type LocalModelSpec = { kind: "file"; path: string; name: string } | { kind: "hub"; hub: HubFile; name: string };

/**
 * The default: Qwen2.5-Coder-1.5B-Instruct, Q4_K_M (about 1 GB, 18 generated tokens per second per
 * core). Pinned to the repository's `main` branch: no revision hash could be checked from here, so
 * the first download records the file's sha256 beside it and every later load verifies it.
 */
export const DEFAULT_LOCAL_MODEL: HubFile = {
  owner: "Qwen",
  repo: "Qwen2.5-Coder-1.5B-Instruct-GGUF",
  file: "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf",
  revision: "main",
  sizeBytes: 1_120_000_000,
};


const HUB = /^hf:([\w.-]+)\/([\w.-]+)\/([^#]+\.gguf)(?:#([\w./-]+))?$/i;

/** `local`, `local:<path.gguf>` or `local:hf:<owner>/<repo>/<file.gguf>[#revision]`; throws ModelConfigError naming the form. */
export function parseLocalModel(name: string, cwd: string = process.cwd()): LocalModelSpec {
  if (name === "local") return { kind: "hub", hub: DEFAULT_LOCAL_MODEL, name: hubName(DEFAULT_LOCAL_MODEL) };
  const rest = name.slice("local:".length).trim();
  if (rest.startsWith("hf:")) {
    const m = HUB.exec(rest);
    if (m === null) throw new ModelConfigError(`model ${JSON.stringify(name)}: expected local:hf:<owner>/<repo>/<file.gguf>[#revision]`);
    const hub: HubFile = { owner: m[1]!, repo: m[2]!, file: m[3]!, revision: m[4] ?? "main" };
    return { kind: "hub", hub, name: hubName(hub) };
  }
  if (rest === "" || !rest.toLowerCase().endsWith(".gguf")) {
    throw new ModelConfigError(`model ${JSON.stringify(name)}: expected local, local:<path.gguf> or local:hf:<owner>/<repo>/<file.gguf>[#revision]`);
  }
  const path = resolve(cwd, rest);
  return { kind: "file", path, name: `local:${path}` };
}

function hubName(hub: HubFile): string {
  return `local:hf:${hub.owner}/${hub.repo}/${hub.file}${hub.revision === "main" ? "" : `#${hub.revision}`}`;
}

/** The folder that keeps the library and the weights: $SSTAR_LOCAL_DIR, else $XDG_CACHE_HOME/sstar, else ~/.cache/sstar. */
export function localCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const set = (v: string | undefined) => (v !== undefined && v.trim() !== "" ? v.trim() : undefined);
  const explicit = set(env.SSTAR_LOCAL_DIR);
  if (explicit !== undefined) return resolve(explicit);
  const xdg = set(env.XDG_CACHE_HOME);
  return join(xdg ?? join(homedir(), ".cache"), "sstar");
}

/** Where a hub file is kept: models/<owner>/<repo>/<revision>/<file>. */
export function hubFilePath(cacheDir: string, hub: HubFile): string {
  return join(cacheDir, "models", hub.owner, hub.repo, hub.revision.replace(/[/\\]/g, "_"), hub.file);
}

/** The platforms a lockfile is committed for (src/local/lockfiles/<platform>/). */
export const RUNTIME_PLATFORMS = ["linux-x64", "linux-arm64", "darwin-arm64", "win32-x64"] as const;
export type RuntimePlatform = (typeof RUNTIME_PLATFORMS)[number];

export function runtimePlatform(platform: string = process.platform, arch: string = process.arch): RuntimePlatform {
  const key = `${platform}-${arch}`;
  if ((RUNTIME_PLATFORMS as readonly string[]).includes(key)) return key as RuntimePlatform;
  throw new ModelConfigError(`--model local: no prebuilt library for ${key} (supported: ${RUNTIME_PLATFORMS.join(", ")}); run a server yourself and pass --base-url`);
}

/**
 * Decoding threads, and the sandbox workers left beside them. llama.cpp's threads spin while they
 * wait, so a program run on a decoding core slows both to a crawl: the two never share a core. One
 * core stays with the sandbox (and the run itself); decoding takes the rest.
 */
export function splitCores(cores: number, requestedThreads?: number): { threads: number; sandboxWorkers: number } {
  const n = Math.max(1, Math.floor(cores));
  const threads = requestedThreads !== undefined ? Math.max(1, Math.min(requestedThreads, n)) : Math.max(1, n - 1);
  return { threads, sandboxWorkers: Math.max(1, n - threads) };
}
