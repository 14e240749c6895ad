import { describe, expect, it } from "vitest";
import { capLimits, solveDeadlineMs } from "../../src/action/limits.ts";
import { problemResults } from "../../src/action/results.ts";
import { makeReport } from "../github/report-fixture.ts";

describe("caps on an issue's limits", () => {
  it("lowers what is above the caps and says so, leaves the rest", () => {
    expect(capLimits({ timeMs: 60_000, memoryMb: 8192 }, { maxTimeMs: 10_000, maxMemoryMb: 1024 })).toEqual({
      limits: { timeMs: 10_000, memoryMb: 1024 },
      clamped: ["time limit 60000 ms lowered to 10000 ms (input max-time-ms)", "memory limit 8192 MB lowered to 1024 MB (input max-memory-mb)"],
    });
    expect(capLimits({ timeMs: 2000, memoryMb: 256 }, { maxTimeMs: 10_000, maxMemoryMb: 1024 })).toEqual({ limits: { timeMs: 2000, memoryMb: 256 }, clamped: [] });
  });
});

describe("the run's deadline", () => {
  it("keeps a fifth of timeout-minutes (30 s to 5 min) for publishing", () => {
    expect(solveDeadlineMs(0)).toBeUndefined();
    expect(solveDeadlineMs(1)).toBe(30_000);
    expect(solveDeadlineMs(0.05)).toBe(1_000); // never less than a second
    expect(solveDeadlineMs(10)).toBe(480_000);
    expect(solveDeadlineMs(60)).toBe(55 * 60_000);
  });
});

describe("the results output", () => {
  it("has one entry per problem and per refusal", () => {
    const solved = makeReport();
    const unsolved = makeReport({ status: "unsolved", id: "b" });
    const results = problemResults({
      problems: [
        { key: "issue-7", problemId: "issue-7", solutionPath: "solutions/issue-7.py", issueNumber: 7 },
        { key: "spec-b", problemId: "b", solutionPath: "solutions/b.py" },
        { key: "spec-c", problemId: "c", solutionPath: "solutions/c.py" },
      ],
      reports: new Map([["issue-7", solved], ["spec-b", unsolved]]),
      published: [{ key: "issue-7", solved: true, pushed: true, branch: "sstar/issue-7", selectedPath: "solutions/issue-7.py", pullRequest: { number: 3, url: "https://x/pull/3", created: true }, operation: "created" }],
      failures: new Map([["spec-c", "spec-c: the model endpoint failed"]]),
      refusals: [{ key: "issue-9", reason: "bots may not" }],
      stopped: false,
    });
    expect(results).toEqual([
      { id: "issue-7", problem: "issue-7", issue: 7, status: "solved", branch: "sstar/issue-7", pullRequestNumber: 3, pullRequestUrl: "https://x/pull/3", operation: "created", selectedPath: "solutions/issue-7.py", costUsd: solved.usage.total.costUsd },
      { id: "spec-b", problem: "b", issue: null, status: "unsolved", branch: null, pullRequestNumber: null, pullRequestUrl: null, operation: "none", selectedPath: null, costUsd: unsolved.usage.total.costUsd },
      { id: "spec-c", problem: "c", issue: null, status: "failed", branch: null, pullRequestNumber: null, pullRequestUrl: null, operation: "none", selectedPath: null, costUsd: 0, reason: "spec-c: the model endpoint failed" },
      { id: "issue-9", problem: null, issue: 9, status: "refused", branch: null, pullRequestNumber: null, pullRequestUrl: null, operation: "none", selectedPath: null, costUsd: 0, reason: "bots may not" },
    ]);
  });
});
