// `--model local` (or no model, no key and no base URL) in the CLI: say in one line what runs
// where, install the library and fetch the weights when missing (progress on stderr), start the
// local server, and point the model flags at it.
import { ModelConfigError } from "../model/types.ts";
import { localEndpointSettings, localModelChoice, localModelLine, openLocalModel, parseLocalModel, type LocalModel } from "../local/index.ts";

/** The model flags this reads and rewrites (ModelFlags in options.ts). */
interface LocalFlags {
  model?: string;
  baseUrl?: string;
  replay?: string;
  concurrency?: number;
  timeout?: number;
}

function set(value: string | undefined): boolean {
  return value !== undefined && value.trim() !== "";
}

/**
 * The local model when the flags and environment choose it (undefined when they don't, null after
 * one line when it can't be started), and the flags that point the model client at it.
 */
export async function openLocalForFlags<F extends LocalFlags>(env: NodeJS.ProcessEnv, flags: F, err: (line: string) => void): Promise<{ local?: LocalModel; flags: F } | null> {
  if (flags.replay !== undefined) return { flags };
  const model = flags.model ?? (set(env.SSTAR_MODEL) ? env.SSTAR_MODEL!.trim() : undefined);
  const name = localModelChoice(model, set(env.OPENAI_API_KEY), flags.baseUrl !== undefined || set(env.OPENAI_BASE_URL));
  if (name === undefined) return { flags };
  try {
    const spec = parseLocalModel(name);
    err(model === undefined ? `no API key and no base URL set: using the local ${localModelLine(spec, env)}; set OPENAI_API_KEY and --model to use an API` : localModelLine(spec, env));
    const local = await openLocalModel(name, {
      env,
      log: err,
      progress: { write: (text) => process.stderr.write(text), isTTY: process.stderr.isTTY === true },
      ...(set(env.SSTAR_LOCAL_GRAMMAR) ? { grammarFile: env.SSTAR_LOCAL_GRAMMAR!.trim() } : {}),
    });
    const endpoint = localEndpointSettings(local, { ...(flags.concurrency !== undefined ? { concurrency: flags.concurrency } : {}), ...(flags.timeout !== undefined ? { timeoutMs: flags.timeout } : {}) });
    return { local, flags: { ...flags, baseUrl: endpoint.baseUrl, model: endpoint.model, concurrency: endpoint.concurrency, timeout: endpoint.timeoutMs } };
  } catch (error) {
    if (error instanceof ModelConfigError) {
      err(error.message);
      return null;
    }
    throw error;
  }
}
