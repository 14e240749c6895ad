// `--model local`: a coder model run on this machine. Installs the library and fetches the weights
// once (cache folder: spec.ts), then serves the model on a loopback port (serve.ts) that the model
// client calls like any OpenAI-compatible endpoint.
import { availableParallelism } from "node:os";
import { stat } from "node:fs/promises";
import { ModelConfigError } from "../model/types.ts";
import { ensureWeights, type DownloadOptions } from "./download.ts";
import { ensureRuntime } from "./runtime.ts";
import { startLocalServer, type LocalServer } from "./serve.ts";
import { hubFilePath, localCacheDir, parseLocalModel, runtimePlatform, splitCores, type LocalModelSpec } from "./spec.ts";

export { parseLocalModel, localCacheDir, splitCores, DEFAULT_LOCAL_MODEL, type LocalModelSpec } from "./spec.ts";
export { localModelState, localStateLines } from "./state.ts";
export type { LocalServer } from "./serve.ts";

/** Context (prompt plus answer) the server gives the model, and the cap on an answer without max tokens. */
export const LOCAL_CONTEXT_TOKENS = 8192;
export const LOCAL_DEFAULT_MAX_TOKENS = 2048;

export interface LocalModel {
  spec: LocalModelSpec;
  modelPath: string;
  threads: number;
  /** Sandbox workers that leave the decoding threads their cores. */
  sandboxWorkers: number;
  server: LocalServer;
}

export interface OpenLocalOptions {
  env?: NodeJS.ProcessEnv;
  log: (line: string) => void;
  /** Where download progress goes (stderr), and whether it is a terminal. */
  progress?: DownloadOptions["progress"];
  cores?: number;
  /** A GBNF grammar file every answer must match. */
  grammarFile?: string;
  signal?: AbortSignal;
}

function threadsSetting(env: NodeJS.ProcessEnv): number | undefined {
  const raw = env.SSTAR_LOCAL_THREADS?.trim();
  if (raw === undefined || raw === "") return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new ModelConfigError(`SSTAR_LOCAL_THREADS must be a whole number of at least 1, got ${JSON.stringify(raw)}`);
  return n;
}

/** The model file on disk: the given path (checked) or the hub file (downloaded when missing). */
async function modelFile(spec: LocalModelSpec, cacheDir: string, options: OpenLocalOptions): Promise<string> {
  if (spec.kind === "file") {
    const info = await stat(spec.path).catch(() => undefined);
    if (info === undefined || !info.isFile()) throw new ModelConfigError(`--model ${spec.name}: no such file; give the path of a GGUF model file`);
    return spec.path;
  }
  return ensureWeights(spec.hub, hubFilePath(cacheDir, spec.hub), { ...(options.env ? { env: options.env } : {}), ...(options.progress ? { progress: options.progress } : {}), ...(options.signal ? { signal: options.signal } : {}) });
}

/**
 * Installs the library and fetches the weights when missing, then starts the server. Throws
 * ModelConfigError (one line) when that can't be done; a model file that won't load does not throw
 * (the server answers every call with the reason, see serve.ts).
 */
export async function openLocalModel(name: string, options: OpenLocalOptions): Promise<LocalModel> {
  const env = options.env ?? process.env;
  const spec = parseLocalModel(name);
  const cacheDir = localCacheDir(env);
  const platform = runtimePlatform();
  const { threads, sandboxWorkers } = splitCores(options.cores ?? availableParallelism(), threadsSetting(env));
  // The weights first: a machine with no route to them fails in seconds, before the library install.
  const modelPath = await modelFile(spec, cacheDir, options);
  const entry = await ensureRuntime(cacheDir, platform, options.log);
  const server = await startLocalServer(
    { entry, modelPath, threads, contextSize: LOCAL_CONTEXT_TOKENS, defaultMaxTokens: LOCAL_DEFAULT_MAX_TOKENS, ...(options.grammarFile !== undefined ? { grammarFile: options.grammarFile } : {}) },
    options.log,
  );
  return { spec, modelPath, threads, sandboxWorkers, server };
}

/**
 * Whether the run uses the local model, and which: a `local...` model name, or, with no model, no
 * API key and no base URL set anywhere, the default one (nothing else could answer).
 */
export function localModelChoice(model: string | undefined, apiKeySet: boolean, baseUrlSet: boolean): string | undefined {
  if (isLocalName(model)) return model;
  return model === undefined && !apiKeySet && !baseUrlSet ? "local" : undefined;
}

function isLocalName(model: string | undefined): model is string {
  return model !== undefined && (model === "local" || model.startsWith("local:"));
}

/** The model-client settings that point at the local server: no key, one call at a time (one sequence), a long per-call wait. */
export function localEndpointSettings(local: LocalModel, set: { concurrency?: number; timeoutMs?: number }): { baseUrl: string; apiKey: string; model: string; concurrency: number; timeoutMs: number } {
  return {
    baseUrl: local.server.url,
    apiKey: "none",
    model: local.spec.name,
    // Requests queue in the server anyway; more in flight would only run into the timeout.
    concurrency: set.concurrency ?? 1,
    // A request for 8 samples of 2,000 tokens at 18 tokens/s takes about 15 minutes.
    timeoutMs: set.timeoutMs ?? 3_600_000,
  };
}

/** The one line that says what runs where: model, size, cache folder. */
export function localModelLine(spec: LocalModelSpec, env: NodeJS.ProcessEnv = process.env): string {
  if (spec.kind === "file") return `model: ${spec.name}, run on this machine`;
  const size = spec.hub.sizeBytes !== undefined ? `, about ${(spec.hub.sizeBytes / 1e9).toFixed(1)} GB` : "";
  return `model: ${spec.name}${size}, run on this machine (cached in ${localCacheDir(env)})`;
}
