import { describe, expect, it } from "vitest";
import { evalProgressLine } from "../../src/eval/progress.ts";
import { problem } from "./helpers.ts";

describe("evalProgressLine", () => {
  it("says what a run starts with and how each problem ended", () => {
    expect(evalProgressLine({ type: "start", problems: 4, resumed: 2, skipped: 1, shard: { index: 2, count: 3 } })).toBe(
      "evaluating 4 problems (shard 2/3), 2 already done (resumed), 1 skipped without hidden tests",
    );
    expect(evalProgressLine({ type: "problem-done", id: "a", result: problem({ id: "a", passed: false }), done: 3, of: 4 })).toBe(
      "[3/4] a: fails hidden 3/5, oracle none, 10 calls, 1.1 s",
    );
    expect(evalProgressLine({ type: "problem-start", id: "a" })).toBeNull();
  });
});
