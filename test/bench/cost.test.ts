// bench:cost's core on a 2-task pool: the real engine against the replay, real tokens counted,
// nothing silently zero.
import { mkdtempSync, rmSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { dollars, pairedDifference, ROWS, runCost, summarize, type ProblemCost, type RunCostOptions } from "../../bench/cost/core.ts";
import { hardVariant, loadHumanEvalProblems, strongVariant } from "../../bench/cost/load.ts";
import { CACHE_RULES, completionTokens, PrefixCache, promptIds, promptTokens, reasoningText } from "../../bench/cost/tokens.ts";

const root = fileURLToPath(new URL("../..", import.meta.url));
const fixtures = join(root, "test/fixtures/bench");
const scratch = mkdtempSync(join(root, "test/bench/.scratch-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe("bench:cost accounting", () => {
  const system = { role: "system", content: "You are an expert programmer." };
  const long = { role: "user", content: `Solve: ${"add two numbers and explain each step. ".repeat(150)}` };

  it("caches under OpenAI's rules: prompts of 1,024 tokens or more, 128-token steps, from completed requests only", () => {
    const cache = new PrefixCache(CACHE_RULES.openai);
    const ids = promptIds([system, long]);
    expect(ids.length).toBe(promptTokens([system, long]));
    expect(ids.length).toBeGreaterThan(1100);
    expect(cache.lookup(ids)).toBe(0);
    // Still in flight: nothing is cached yet.
    expect(cache.lookup(ids)).toBe(0);
    cache.remember(ids);
    const again = cache.lookup(ids);
    expect(again).toBe(Math.floor(ids.length / 128) * 128);
    // A debugging prompt extending it: the shared prefix, in whole 128-token blocks.
    const debug = promptIds([system, long, { role: "assistant", content: "def f(): pass" }, { role: "user", content: "test 1 fails" }]);
    expect(cache.lookup(debug)).toBe(again);
    // A short prompt is never cached, however often it was seen.
    const short = promptIds([system, { role: "user", content: "Solve: add two numbers." }]);
    cache.remember(short);
    expect(cache.lookup(short)).toBe(0);
  });

  it("caches under vLLM's rules in 16-token blocks of any prompt, and not at all under none", () => {
    const short = promptIds([system, { role: "user", content: "Solve: add two numbers, then print the sum of them." }]);
    const vllm = new PrefixCache(CACHE_RULES.vllm);
    vllm.remember(short);
    expect(vllm.lookup(short)).toBe(Math.floor(short.length / 16) * 16);
    const none = new PrefixCache(CACHE_RULES.none);
    none.remember(short);
    expect(none.lookup(short)).toBe(0);
    expect(dollars(1e6, 5e5, 1e6)).toBeCloseTo(0.5 * 0.15 + 0.5 * 0.075 + 0.6);
  });

  it("gives reasoning text of exactly the tokens asked for", () => {
    for (const n of [1, 80, 300]) expect(completionTokens(reasoningText(n))).toBe(n);
  });

  it("pairs correctness between rows: the mean per-problem difference and its standard error", () => {
    const c = (row: string, problem: string, draw: number, correct: boolean) => ({ row, problem, draw, correct, contested: true }) as ProblemCost;
    const costs = [c("reference", "a", 0, true), c("reference", "a", 1, true), c("x", "a", 0, true), c("x", "a", 1, false), c("reference", "b", 0, false), c("reference", "b", 1, false), c("x", "b", 0, true), c("x", "b", 1, true)];
    // a: (0 + -1) / 2 = -0.5; b: (1 + 1) / 2 = 1; mean 0.25, sd of [-0.5, 1] = 1.0607, se = 0.75.
    const d = pairedDifference(costs, "x")!;
    expect(d.problems).toBe(2);
    expect(d.diff).toBeCloseTo(0.25);
    expect(d.se).toBeCloseTo(0.75);
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
    const opts: RunCostOptions = { seed: 1, judge: { accuracy: 0.8, codeAccuracy: 0.65 }, latencyMs: 0, cacheRules: CACHE_RULES.vllm, draws: 1, log: () => undefined, label: "test" };
    {
      const fixed = ROWS.find((r) => r.name === "fixed-16")!;
      const costs = await runCost(problems, [fixed], opts);
      expect(costs).toHaveLength(2);
      for (const c of costs) {
        expect(c.requests).toBeGreaterThanOrEqual(17); // 16 generations and the synthesis, at least
        expect(c.promptTokens).toBeGreaterThan(c.requests * 100);
        expect(c.cachedPromptTokens).toBeGreaterThan(0);
        expect(c.cachedPromptTokens).toBeLessThan(c.promptTokens);
        expect(c.completionTokens).toBeGreaterThan(16 * 20);
        expect(c.usd).toBeGreaterThan(0);
        expect(c.samplesDrawn).toBe(16);
      }
      const s = summarize(costs, "fixed-16");
      expect(s.problems).toBe(2);
      // The fixture pools: HumanEval/2's holds 4 correct programs of 6 (sstar picks one at this seed), HumanEval/38's none.
      expect(costs.map((c) => c.correct)).toEqual(problems.map((p) => p.correct.some(Boolean)));
      // One request with `n` for the 16 samples: the same programs and pick, the prompt billed once.
      const one = ROWS.find((r) => r.name === "fixed-16-one-request")!;
      const oneCosts = await runCost(problems, [one], opts);
      for (const [i, c] of oneCosts.entries()) {
        expect(c.samplesDrawn).toBe(16);
        expect(c.requests).toBeLessThanOrEqual(costs[i]!.requests - 15);
        expect(c.promptTokens).toBeLessThan(costs[i]!.promptTokens);
        expect(c.correct).toBe(costs[i]!.correct);
      }
      const adaptive = await runCost(problems, [ROWS.find((r) => r.name === "adaptive")!], opts);
      for (const c of adaptive) expect([4, 8, 16]).toContain(c.samplesDrawn);
      // The reference row asks a judge or separating question once per prompt content.
      const reference = await runCost(problems, [ROWS.find((r) => r.name === "reference")!], opts);
      for (const c of reference) expect(c.requests).toBeGreaterThanOrEqual(17);
    }
    const strong = strongVariant({ ...problems[1]!, correct: problems[1]!.correct.map((_, i) => i === 0) });
    expect(strong.correct.filter(Boolean).length / strong.correct.length).toBeGreaterThanOrEqual(0.75);
    const hard = hardVariant(problems[1]!);
    expect(hard.correct.filter(Boolean).length / hard.correct.length).toBeCloseTo(1 / 8);
    expect(hard.programs).toHaveLength(hard.cells.length);
  });
});
