// `model: local` in the action: the library and the weights kept in the Actions cache (restored
// before, saved after a miss), so a workflow needs no step of its own. The cache is a convenience:
// when the runner has none (a self-hosted or local run) or it fails, the run goes on and fetches
// what it needs, saying so in one line.
import { createHash } from "node:crypto";
import * as cache from "@actions/cache";
import { localCacheDir, localEndpointSettings, localModelLine, openLocalModel, parseLocalModel, type LocalModel } from "../local/index.ts";
import { LIBRARY_VERSION } from "../local/runtime.ts";
import type { ActionIO } from "./outcome.ts";

/** One cache entry per platform, library version and model: the key changes when any does. */
export function localCacheKey(modelName: string, platform: string = `${process.platform}-${process.arch}`): string {
  const model = createHash("sha256").update(modelName).digest("hex").slice(0, 16);
  return `sstar-local-${platform}-node-llama-cpp-${LIBRARY_VERSION}-${model}`;
}

export interface ActionLocalModel {
  local: LocalModel;
  endpoint: ReturnType<typeof localEndpointSettings>;
  /** Stops the server, then saves the cache when it was missed. */
  close(): Promise<void>;
}

async function restore(dir: string, key: string, io: ActionIO): Promise<"hit" | "miss" | "unavailable"> {
  if (!cache.isFeatureAvailable()) {
    io.info("local model: no Actions cache on this runner; the library and weights are fetched into the local cache folder");
    return "unavailable";
  }
  try {
    const hit = await cache.restoreCache([dir], key);
    io.info(hit !== undefined ? `local model: library and weights restored from the Actions cache (${key})` : `local model: not in the Actions cache yet (${key}); fetching once`);
    return hit !== undefined ? "hit" : "miss";
  } catch (error) {
    io.warning(`local model: the Actions cache could not be read (${(error as Error).message.split("\n")[0]}); fetching instead`);
    return "unavailable";
  }
}

export async function openActionLocalModel(name: string, env: NodeJS.ProcessEnv, io: ActionIO, set: { timeoutMs?: number }): Promise<ActionLocalModel> {
  const spec = parseLocalModel(name);
  const dir = localCacheDir(env);
  const key = localCacheKey(spec.name);
  io.info(localModelLine(spec, env));
  const restored = spec.kind === "hub" ? await restore(dir, key, io) : "unavailable";
  const grammar = env.SSTAR_LOCAL_GRAMMAR?.trim();
  const local = await openLocalModel(name, {
    env,
    log: (line) => io.info(line),
    // CI logs: a line every 5 percent, never a bar rewritten in place.
    progress: { write: (text) => io.info(text.trimEnd()), isTTY: false, everyPercent: 5 },
    ...(grammar ? { grammarFile: grammar } : {}),
  });
  return {
    local,
    endpoint: localEndpointSettings(local, set),
    async close() {
      await local.server.close();
      if (restored !== "miss") return;
      try {
        await cache.saveCache([dir], key);
        io.info(`local model: library and weights saved to the Actions cache (${key})`);
      } catch (error) {
        io.warning(`local model: could not save the Actions cache (${(error as Error).message.split("\n")[0]}); the next run fetches them again`);
      }
    },
  };
}
