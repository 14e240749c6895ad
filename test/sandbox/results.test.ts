// The run cache keeps large outputs on disk by digest and gives them back whole.
import { describe, expect, it } from "vitest";
import { createResultCache, INLINE_RESULT_CHARS } from "../../src/sandbox/results.ts";
import type { RunResult } from "../../src/sandbox/types.ts";

const result = (output: string): RunResult => ({ status: "ok", output, stderrTail: "", exitCode: 0, signal: null, timeMs: 1, memoryKb: 1 });

describe("result cache", () => {
  it("answers a hit with the whole output, large ones read back from disk; failed runs are forgotten", async () => {
    const cache = createResultCache();
    try {
      const large = "x".repeat(INLINE_RESULT_CHARS * 4);
      const run = Promise.resolve(result(large));
      cache.remember("a", run);
      await run;
      await new Promise((r) => setImmediate(r));
      expect((await cache.get("a"))?.output).toBe(large);
      cache.remember("b", Promise.resolve(result("small")));
      await new Promise((r) => setImmediate(r));
      expect((await cache.get("b"))?.output).toBe("small");
      const failed = Promise.reject(new Error("infrastructure"));
      cache.remember("c", failed);
      await failed.catch(() => {});
      await new Promise((r) => setImmediate(r));
      expect(cache.get("c")).toBeUndefined();
    } finally {
      cache.remove();
    }
  });
});
