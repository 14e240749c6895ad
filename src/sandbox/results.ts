// The run cache (identical requests run once) with outputs kept by digest on disk: a cached result
// holds its output in memory only when small; a large one is a file named by its SHA-256 in a
// private folder (identical outputs share it), read back on a hit. So the sandbox's memory does not
// grow with what the programs print.
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { RunResult } from "./types.ts";

/** Outputs up to this many characters stay in memory. */
export const INLINE_RESULT_CHARS = 64 * 1024;

type Stored = { result: RunResult; outputFile?: string };

export interface ResultCache {
  get(key: string): Promise<RunResult> | undefined;
  /** Remembers a run in flight; once it ends, only its compact form stays. A failed run is forgotten. */
  remember(key: string, run: Promise<RunResult>): void;
  /** Removes every file written. */
  remove(): void;
}

export function createResultCache(): ResultCache {
  let dir: string | undefined;
  const entries = new Map<string, Promise<RunResult> | Stored>();

  function store(result: RunResult): Stored {
    if (result.output.length <= INLINE_RESULT_CHARS) return { result };
    dir ??= mkdtempSync(join(tmpdir(), "sstar-results-"));
    const file = join(dir, createHash("sha256").update(result.output).digest("hex"));
    if (!existsSync(file)) writeFileSync(file, result.output, { mode: 0o600 });
    return { result: { ...result, output: "" }, outputFile: file };
  }

  return {
    get(key) {
      const hit = entries.get(key);
      if (hit === undefined) return undefined;
      if (hit instanceof Promise) return hit;
      return Promise.resolve(hit.outputFile === undefined ? hit.result : { ...hit.result, output: readFileSync(hit.outputFile, "utf8") });
    },
    remember(key, run) {
      entries.set(key, run);
      run.then(
        (r) => {
          if (entries.get(key) === run) entries.set(key, store(r));
        },
        () => entries.delete(key),
      );
    },
    remove() {
      entries.clear();
      if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
    },
  };
}
