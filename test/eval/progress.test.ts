import { describe, expect, it } from "vitest";
import { evalProgressLine } from "../../src/eval/progress.ts";
import { problem } from "./helpers.ts";

describe("evalProgressLine", () => {
  it("says what a run starts with and how each problem ended", () => {
    expect(evalProgressLine({ type: "start", problems: 4, resumed: 2, skipped: 1, shard: { index: 2, count: 3 } })).toBe(
      "evaluating 4 problems (shard 2/3), 2 already done (resumed), 1 skipped without hidden tests",
    );
    expect(evalProgressLine({ type: "problem-done", id: "a", result: problem({ id: "a", passed: false }), done: 3, of: 4 })).toBe(
      "[3/4] a: fails: hidden 3/5 passed, oracle none, 10 calls, 1.1 s",
    );
    expect(evalProgressLine({ type: "problem-start", id: "a" })).toBeNull();
    expect(evalProgressLine({ type: "problem-done", id: "b", result: problem({ id: "b", notAttempted: "authentication" }), done: 4, of: 4 })).toBe(
      "[4/4] b: not attempted, model endpoint refused the credentials (authentication (test))",
    );
  });
  it("says how a --confirm retry ended", () => {
    const passed = { outcome: "passed" as const, hiddenPassed: 5, hiddenTotal: 5 };
    const failed = { outcome: "failed" as const, hiddenPassed: 3, hiddenTotal: 5 };
    expect(evalProgressLine({ type: "confirm-done", id: "a", runs: [failed, passed], of: 2 })).toBe("confirm a: passed on retry 2 of 2: flaky, not counted as a regression");
    expect(evalProgressLine({ type: "confirm-done", id: "a", runs: [failed, failed], of: 2 })).toBe("confirm a: failed on 2 retries too");
  });
});
