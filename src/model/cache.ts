// Content-addressed on-disk cache of model replies: one JSON file per request, atomic writes.
//
// The key covers everything that decides a reply (endpoint, model, messages, temperature, max
// tokens, the caller's sample key) and nothing secret (never the API key or headers), so a cache
// directory can be shared, saved with actions/cache and replayed offline.

import { createHash, randomBytes } from "node:crypto";
import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { ChatMessage } from "./types.ts";

export const CACHE_FORMAT = 1;

export interface CacheKeyParts {
  baseUrl: string;
  model: string;
  messages: ChatMessage[];
  temperature: number | undefined;
  maxTokens: number | undefined;
  key: string | undefined;
}

export interface CachedReply {
  content: string;
  finishReason: string;
  promptTokens: number;
  /** Absent in entries written before cached prompt tokens were read: 0. */
  cachedPromptTokens?: number;
  completionTokens: number;
  model: string;
}

interface CacheFile {
  format: number;
  key: string;
  model: string;
  reply: CachedReply;
}

/** sha256 hex of a canonical JSON of the parts (fixed field order; roles and contents only). */
export function cacheKey(parts: CacheKeyParts): string {
  const canonical = JSON.stringify([
    CACHE_FORMAT,
    parts.baseUrl.replace(/\/+$/, ""),
    parts.model,
    parts.messages.map((m) => [m.role, m.content]),
    parts.temperature ?? null,
    parts.maxTokens ?? null,
    parts.key ?? null,
  ]);
  return createHash("sha256").update(canonical).digest("hex");
}

function isCachedReply(value: unknown): value is CachedReply {
  const r = value as Partial<CachedReply> | null;
  return (
    typeof r === "object" &&
    r !== null &&
    typeof r.content === "string" &&
    typeof r.finishReason === "string" &&
    typeof r.promptTokens === "number" &&
    typeof r.completionTokens === "number" &&
    typeof r.model === "string"
  );
}

export class DiskCache {
  constructor(readonly dir: string) {}

  private pathOf(key: string): string {
    return join(this.dir, key.slice(0, 2), `${key}.json`);
  }

  /** The reply, or undefined on a miss. A damaged entry is a miss (and is removed) rather than an error. */
  async get(key: string): Promise<CachedReply | undefined> {
    let text: string;
    try {
      text = await readFile(this.pathOf(key), "utf8");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
      throw error;
    }
    try {
      const file = JSON.parse(text) as Partial<CacheFile>;
      if (file.format === CACHE_FORMAT && file.key === key && isCachedReply(file.reply)) return file.reply;
    } catch {
      // fall through: damaged
    }
    await rm(this.pathOf(key), { force: true });
    return undefined;
  }

  /** Write via a unique temporary file and rename, so readers never see half a file. */
  async put(key: string, reply: CachedReply): Promise<void> {
    const path = this.pathOf(key);
    await mkdir(join(this.dir, key.slice(0, 2)), { recursive: true });
    const tmp = `${path}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`;
    const file: CacheFile = { format: CACHE_FORMAT, key, model: reply.model, reply };
    try {
      await writeFile(tmp, JSON.stringify(file));
      await rename(tmp, path);
    } catch (error) {
      await rm(tmp, { force: true });
      throw error;
    }
  }
}
