// bench:cost's core on a 2-task pool: the real engine against the replay, real tokens counted,
// nothing silently zero.
import { mkdtempSync, rmSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { createSandbox } from "../../src/sandbox/index.ts";
import { criticalPath, dollars, ROWS, runCost, summarize } from "../../bench/cost/core.ts";
import { loadHumanEvalProblems, strongVariant } from "../../bench/cost/load.ts";
import { PrefixCache, promptTokens } from "../../bench/cost/tokens.ts";

const root = fileURLToPath(new URL("../..", import.meta.url));
const fixtures = join(root, "test/fixtures/bench");
const scratch = mkdtempSync(join(root, "test/bench/.scratch-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe("bench:cost accounting", () => {
  it("caches a prompt's longest run of leading messages seen before, in whole messages", () => {
    const cache = new PrefixCache();
    const system = { role: "system", content: "You are an expert programmer." };
    const problem = { role: "user", content: "Solve: add two numbers." };
    expect(cache.lookup([system, problem])).toBe(0);
    expect(cache.lookup([system, problem])).toBe(promptTokens([system, problem]) - 3);
    const debug = [system, problem, { role: "assistant", content: "def f(): pass" }, { role: "user", content: "test 1 fails" }];
    expect(cache.lookup(debug)).toBe(promptTokens([system, problem]) - 3);
    expect(cache.lookup([system, { role: "user", content: "another problem" }])).toBe(promptTokens([system]) - 3);
  });

  it("counts the critical path as the longest chain of calls one after another", () => {
    const call = (startMs: number, endMs: number) => ({ stage: "generate", choices: 1, promptTokens: 1, cachedPromptTokens: 0, completionTokens: 1, startMs, endMs });
    expect(criticalPath([call(0, 20), call(1, 21), call(2, 22)])).toBe(1);
    expect(criticalPath([call(0, 20), call(1, 21), call(25, 45), call(50, 70), call(30, 50)])).toBe(3);
    expect(dollars(1e6, 5e5, 1e6)).toBeCloseTo(0.5 * 0.15 + 0.5 * 0.075 + 0.6);
  });

  it("solves a 2-task pool with the real engine against the replay and bills real tokens", async () => {
    const problems = await loadHumanEvalProblems({
      pool: join(fixtures, "pool-2.jsonl"),
      inputs: join(fixtures, "pool-2-tests.jsonl"),
      problems: join(fixtures, "humaneval-2.jsonl"),
      cacheDir: scratch,
      log: () => undefined,
    });
    expect(problems.map((p) => p.id)).toEqual(["HumanEval/38", "HumanEval/2"]);
    const sandbox = await createSandbox({ backend: "auto" });
    try {
      const fixed = ROWS.find((r) => r.name === "fixed-16")!;
      const costs = await runCost(problems, [fixed], { seed: 1, judge: { accuracy: 0.8, codeAccuracy: 0.65 }, latencyMs: 0, sandbox, log: () => undefined, label: "test" });
      expect(costs).toHaveLength(2);
      for (const c of costs) {
        expect(c.requests).toBeGreaterThanOrEqual(17); // 16 generations and the synthesis, at least
        expect(c.promptTokens).toBeGreaterThan(c.requests * 100);
        expect(c.cachedPromptTokens).toBeGreaterThan(0);
        expect(c.cachedPromptTokens).toBeLessThan(c.promptTokens);
        expect(c.completionTokens).toBeGreaterThan(16 * 20);
        expect(c.usd).toBeGreaterThan(0);
        expect(c.criticalPathCalls).toBeGreaterThanOrEqual(2);
        expect(c.samplesDrawn).toBe(16);
      }
      const s = summarize(costs, "fixed-16");
      expect(s.problems).toBe(2);
      // The fixture pools: HumanEval/2's holds 4 correct programs of 6 (sstar picks one at this seed), HumanEval/38's none.
      expect(costs.map((c) => c.correct)).toEqual(problems.map((p) => p.correct.some(Boolean)));
      // One request with `n` for the 16 samples: the same programs and pick, the prompt billed once.
      const one = ROWS.find((r) => r.name === "fixed-16-one-request")!;
      const oneCosts = await runCost(problems, [one], { seed: 1, judge: { accuracy: 0.8, codeAccuracy: 0.65 }, latencyMs: 0, sandbox, log: () => undefined, label: "test" });
      for (const [i, c] of oneCosts.entries()) {
        expect(c.samplesDrawn).toBe(16);
        expect(c.requests).toBeLessThanOrEqual(costs[i]!.requests - 15);
        expect(c.promptTokens).toBeLessThan(costs[i]!.promptTokens);
        expect(c.correct).toBe(costs[i]!.correct);
      }
      const adaptive = await runCost(problems, [ROWS.find((r) => r.name === "adaptive")!], { seed: 1, judge: { accuracy: 0.8, codeAccuracy: 0.65 }, latencyMs: 0, sandbox, log: () => undefined, label: "test" });
      for (const c of adaptive) expect([4, 8, 16]).toContain(c.samplesDrawn);
    } finally {
      await sandbox.close();
    }
    const strong = strongVariant({ ...problems[1]!, correct: problems[1]!.correct.map((_, i) => i === 0) });
    expect(strong.correct.filter(Boolean).length / strong.correct.length).toBeGreaterThanOrEqual(0.75);
  });
});
