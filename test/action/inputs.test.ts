import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { INPUT_DEFAULTS, INPUT_NAMES, inputSecrets, parseBudget, readInputs } from "../../src/action/inputs.ts";
import { OUTPUT_NAMES } from "../../src/action/run.ts";
import { ROOT } from "./harness.ts";

const action = parse(readFileSync(join(ROOT, "action.yml"), "utf8")) as {
  inputs: Record<string, { default?: string }>;
  outputs: Record<string, unknown>;
  runs: { using: string; main: string };
};

const read = (values: Record<string, string>) => readInputs((name) => values[name] ?? "");

describe("action.yml", () => {
  it("declares exactly the inputs the code reads, with the same defaults", () => {
    expect(Object.keys(action.inputs).sort()).toEqual([...INPUT_NAMES].sort());
    for (const [name, spec] of Object.entries(action.inputs)) {
      if (name === "github-token") expect(spec.default).toBe("${{ github.token }}");
      else expect(spec.default ?? "", name).toBe(INPUT_DEFAULTS[name] ?? "");
    }
  });
  it("declares the outputs the code sets, and runs on node24 from dist/index.js", () => {
    expect(Object.keys(action.outputs).sort()).toEqual([...OUTPUT_NAMES].sort());
    expect(action.runs).toEqual({ using: "node24", main: "dist/index.js" });
  });
});

describe("readInputs", () => {
  it("reads the run and pull-request inputs, with safe defaults", () => {
    expect(read({ "github-token": "t" })).toMatchObject({ cacheDir: ".sstar-cache/model", timeoutMinutes: 0, maxTimeMs: 10_000, maxMemoryMb: 1024, prLabels: [], prReviewers: [], prAssignees: [], prTitle: undefined, commitMessage: undefined });
    const inputs = read({ "github-token": "t", "cache-dir": "none", "timeout-minutes": "30", "max-time-ms": "5000", "max-memory-mb": "512", "pr-labels": "sstar, kata solution", "pr-reviewers": "alice bob", "pr-assignees": "alice,alice", "pr-title": "kata {problem}", "commit-message": "feat: {id}" });
    expect(inputs).toMatchObject({ cacheDir: undefined, timeoutMinutes: 30, maxTimeMs: 5000, maxMemoryMb: 512, prLabels: ["sstar", "kata solution"], prReviewers: ["alice", "bob"], prAssignees: ["alice"], prTitle: "kata {problem}", commitMessage: "feat: {id}" });
  });
  it.each([
    ["pr-title", "solve {nope}", /input "pr-title": unknown placeholder \{nope\}/],
    ["pr-reviewers", "not a/login", /input "pr-reviewers": "a\/login" is not a GitHub login/],
    ["max-time-ms", "600000", /input "max-time-ms": must be an integer from 100 to 60000/],
    ["max-memory-mb", "lots", /input "max-memory-mb": must be an integer/],
    ["cache-dir", "../elsewhere", /input "cache-dir": must be a relative path inside the workspace, or "none"/],
    ["timeout-minutes", "-1", /input "timeout-minutes": must be a number of minutes from 0 to 4320/],
  ])("refuses %s %j in one line", (name, value, message) => {
    expect(() => read({ "github-token": "t", [name]: value })).toThrow(message);
  });

  it("gives working defaults when nothing is set", () => {
    const inputs = read({ "github-token": "t" });
    expect(inputs).toMatchObject({
      mode: "auto",
      problems: "problems/**/*.yaml",
      label: "kata",
      model: "gpt-4o-mini",
      samples: 8,
      rounds: 2,
      selection: "sstar",
      sandbox: "auto",
      branchPrefix: "sstar/",
      draft: false,
      comment: true,
      stream: false,
      failOnUnsolved: false,
      allowedBots: [],
      resultDir: "sstar-result",
      solutionsDir: "solutions",
    });
    expect(inputs.budget).toBeUndefined();
    expect(inputs.base).toBeUndefined();
  });

  it("timeout, max-retries, deadline and replay: read with the CLI's bounds; a replay needs no api-key", () => {
    const inputs = read({ "github-token": "t", timeout: "90s", "max-retries": "2", deadline: "30m", replay: "ci/kata.jsonl", "base-url": "https://api.example.com/v1" });
    expect(inputs).toMatchObject({ timeoutMs: 90_000, maxRetries: 2, deadlineMs: 1_800_000, replay: "ci/kata.jsonl" });
    expect(read({ "github-token": "t" })).toMatchObject({ timeoutMs: undefined, maxRetries: undefined, deadlineMs: undefined, replay: undefined });
    expect(() => read({ timeout: "0" })).toThrow('input "timeout": must be a duration from 1s to 1h like 90s or 10m, got "0"');
    expect(() => read({ deadline: "8d" })).toThrow('input "deadline": must be a duration from 1s to 7d');
    expect(() => read({ "max-retries": "11" })).toThrow('input "max-retries": must be an integer from 0 to 10, got "11"');
    expect(() => read({ replay: "../c.jsonl" })).toThrow('input "replay": must be a relative path inside the workspace');
    // Without replay, a remote endpoint still needs its key.
    expect(() => read({ "base-url": "https://api.example.com/v1" })).toThrow('input "api-key": required');
  });

  it("reads every kind of value", () => {
    const inputs = read({
      mode: "solve",
      samples: "16",
      rounds: "0",
      draft: "true",
      stream: "true",
      comment: "no",
      "allowed-bots": "Dependabot, my-app[bot]\nrenovate",
      budget: "usd=2.5,calls=300",
      "price-input": "1",
      "price-output": "2",
      "price-cached-input": "0.5",
      "api-key": "sk-1234",
      "github-token": "ghs_abcd",
      base: "develop",
    });
    expect(inputs).toMatchObject({ mode: "solve", samples: 16, rounds: 0, draft: true, stream: true, comment: false, base: "develop", budget: { costUsd: 2.5, calls: 300 } });
    expect(inputs.allowedBots).toEqual(["dependabot", "my-app[bot]", "renovate"]);
    expect(inputs.prices).toEqual({ inputPerMTok: 1, outputPerMTok: 2, cachedInputPerMTok: 0.5 });
    expect(read({ "github-token": "t", samples: "auto", "max-samples": "32" })).toMatchObject({ samples: "auto", maxSamples: 32 });
    expect(read({ "github-token": "t", samples: "auto" })).toMatchObject({ samples: "auto", maxSamples: undefined });
    expect(inputSecrets(inputs)).toEqual(["ghs_abcd", "sk-1234"]);
  });

  it.each([
    [{ samples: "abc" }, 'input "samples": must be an integer from 1 to 64, got "abc"'],
    [{ samples: "0" }, 'input "samples": must be an integer from 1 to 64, got "0"'],
    [{ samples: "Auto" }, 'input "samples": must be an integer from 1 to 64, got "Auto" (or auto: adaptive sampling)'],
    [{ samples: "auto", "max-samples": "65" }, 'input "max-samples": must be an integer from 1 to 64, got "65"'],
    [{ "max-samples": "16" }, 'input "max-samples": needs samples: auto (with samples: 8, 8 programs are drawn)'],
    [{ rounds: "11" }, 'input "rounds": must be an integer from 0 to 10, got "11"'],
    [{ mode: "yolo" }, 'input "mode": must be one of auto, solve, publish, schedule'],
    [{ draft: "maybe" }, 'input "draft": must be true or false, got "maybe"'],
    [{ selection: "best" }, 'input "selection": must be one of sstar, sstar-reference, first, majority'],
    [{ sandbox: "none" }, 'input "sandbox": must be one of auto, bwrap, docker'],
    [{ "branch-prefix": "a b" }, 'input "branch-prefix": use letters'],
    [{ "branch-prefix": "../x" }, 'input "branch-prefix": must not start with / or -, nor contain ..'],
    [{ "result-dir": "/etc" }, 'input "result-dir": must be a relative path inside the workspace'],
    [{ "base-url": "ftp://x" }, 'input "base-url": must be an http(s) URL'],
    [{ "base-url": "https://api.example.com/v1" }, 'input "api-key": required for https://api.example.com/v1'],
    [{ budget: "lots" }, 'input "budget": cannot read "lots"'],
    [{ shard: "2" }, 'input "shard": must look like i/n'],
    [{ budget: "5" }, 'input "budget": a dollar budget needs the model\'s prices: set price-input and price-output'],
    [{ budget: "usd=2,calls=10", "price-input": "0.15" }, 'input "price-output": give both price-input and price-output'],
    [{ "price-input": "cheap", "price-output": "1" }, 'input "price-input": must be a price in US dollars per million tokens'],
    [{ "price-cached-input": "0.1" }, 'input "price-cached-input": needs price-input and price-output'],
    [{ "budget-per-problem": "half" }, 'input "budget-per-problem": cannot read "half"'],
    [{ "budget-per-problem": "0.5" }, 'input "budget-per-problem": a dollar budget needs the model\'s prices'],
    [{ "budget-per-problem": "calls=0" }, 'input "budget-per-problem": calls must be a positive integer'],
    [{ "price-input": "1", "price-output": "2", "price-cached-input": "free" }, 'input "price-cached-input": must be a price in US dollars per million tokens'],
  ])("rejects %j with one line naming the input", (values, message) => {
    let error: Error | undefined;
    try {
      read({ "github-token": "t", ...values });
    } catch (e) {
      error = e as Error;
    }
    expect(error?.message).toContain(message);
    expect(error?.message).not.toContain("\n");
  });

  it("reads prices, which a dollar budget needs", () => {
    const inputs = read({ budget: "5", "price-input": "0.15", "price-output": "$0.60" });
    expect(inputs.budget).toEqual({ costUsd: 5 });
    expect(inputs.prices).toEqual({ inputPerMTok: 0.15, outputPerMTok: 0.6 });
    expect(read({ budget: "calls=400" }).prices).toBeUndefined();
  });

  it("reads budget-per-problem beside the run's budget", () => {
    expect(read({ budget: "usd=5", "budget-per-problem": "0.5", "price-input": "0.15", "price-output": "0.6" }).budget).toEqual({ costUsd: 5, perProblem: { costUsd: 0.5 } });
    expect(read({ "budget-per-problem": "calls=60,tokens=300000" }).budget).toEqual({ perProblem: { calls: 60, tokens: 300000 } });
  });

  it("reads selection-budget as a multiple of sstar's default call bound", () => {
    expect(read({}).selectionBudget).toBeUndefined();
    expect(read({ "selection-budget": "2.5" }).selectionBudget).toBe(2.5);
    expect(() => read({ "selection-budget": "21" })).toThrow(/input "selection-budget": must be a number from 0 to 20/);
    expect(() => read({ "selection-budget": "-1" })).toThrow(/input "selection-budget"/);
  });

  it("needs no key for a local endpoint", () => {
    expect(read({ "base-url": "http://127.0.0.1:8080/v1" }).apiKey).toBeUndefined();
  });
});

describe("parseBudget", () => {
  it.each([
    ["", undefined],
    ["5", { costUsd: 5 }],
    ["$2.50", { costUsd: 2.5 }],
    ["calls=10, tokens=1e6", { calls: 10, tokens: 1_000_000 }],
  ])("%j", (text, want) => expect(parseBudget(text)).toEqual(want));
});
