import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { DiskCache, cacheKey, type CacheKeyParts } from "../../src/model/cache.ts";

const parts: CacheKeyParts = {
  baseUrl: "https://x.test/v1",
  model: "m",
  messages: [{ role: "user", content: "hi" }],
  temperature: 0.7,
  maxTokens: 100,
  key: "sample-0",
};
const reply = { content: "hello", finishReason: "stop", promptTokens: 1, completionTokens: 2, model: "m" };

let dir: string | undefined;
afterEach(async () => {
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  dir = undefined;
});

describe("cacheKey", () => {
  it("is stable and changes with every part", () => {
    const k = cacheKey(parts);
    expect(k).toMatch(/^[0-9a-f]{64}$/);
    expect(cacheKey({ ...parts, baseUrl: "https://x.test/v1/" })).toBe(k);
    for (const change of [
      { baseUrl: "https://y.test/v1" },
      { model: "m2" },
      { messages: [{ role: "system" as const, content: "hi" }] },
      { temperature: 0 },
      { maxTokens: undefined },
      { key: "sample-1" },
    ]) {
      expect(cacheKey({ ...parts, ...change })).not.toBe(k);
    }
  });
});

describe("DiskCache", () => {
  it("round-trips, misses cleanly, leaves no temporary files", async () => {
    dir = await mkdtemp(join(tmpdir(), "sstar-cache-"));
    const cache = new DiskCache(join(dir, "model"));
    const key = cacheKey(parts);
    expect(await cache.get(key)).toBeUndefined();
    await Promise.all([cache.put(key, reply), cache.put(key, reply)]);
    expect(await cache.get(key)).toEqual(reply);
    const files = await readdir(join(dir, "model", key.slice(0, 2)));
    expect(files).toEqual([`${key}.json`]);
    expect(await readFile(join(dir, "model", key.slice(0, 2), `${key}.json`), "utf8")).not.toMatch(/api|key-/i);
  });
  it("treats a damaged entry as a miss and removes it", async () => {
    dir = await mkdtemp(join(tmpdir(), "sstar-cache-"));
    const cache = new DiskCache(dir);
    const key = cacheKey(parts);
    await cache.put(key, reply);
    const path = join(dir, key.slice(0, 2), `${key}.json`);
    await writeFile(path, '{"format":1,"key":"');
    expect(await cache.get(key)).toBeUndefined();
    await expect(readFile(path)).rejects.toThrow(/ENOENT/);
  });
});
