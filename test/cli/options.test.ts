// The flags solve, eval and demo share: parsing, validation, and where each value goes.
import { Command } from "commander";
import { describe, expect, it } from "vitest";
import {
  addModelFlags,
  addSolveFlags,
  formatDuration,
  modelConfigFromFlags,
  parseDuration,
  positiveInt,
  samplingFlagsError,
  SANDBOX_CHOICES,
  solveOptionsFromFlags,
  type ModelFlags,
  type SolveSettingsFlags,
} from "../../src/cli/options.ts";
import { conflictingDemoFlags } from "../../src/cli/commands/demo.ts";
import { chooseBackend } from "../../src/sandbox/index.ts";

/** Parses argv with the shared flags (a throwaway program that reports errors instead of exiting). */
function parse(args: string[]): ModelFlags & SolveSettingsFlags {
  const command = new Command("x").exitOverride().configureOutput({ writeErr: () => {} });
  addSolveFlags(command);
  addModelFlags(command);
  command.parse(args, { from: "user" });
  return command.opts();
}

const LOCAL = ["--base-url", "http://127.0.0.1:1/v1", "--model", "m"];

describe("shared flags", () => {
  it("default to the engine's settings, the auto sandbox and the cache folder", () => {
    const flags = parse([]);
    expect(flags).toMatchObject({ samples: 8, rounds: 2, selection: "sstar", sandbox: "auto", cache: true, cacheDir: ".sstar-cache/model" });
    expect(flags.temperature).toBeUndefined();
  });

  it("--selection-budget reaches the engine as selectionBudget, within its bounds", () => {
    const config = modelConfigFromFlags({}, parse(LOCAL));
    expect(solveOptionsFromFlags(parse(LOCAL), config, "none")).not.toHaveProperty("selectionBudget");
    expect(solveOptionsFromFlags(parse([...LOCAL, "--selection-budget", "3"]), config, "none")).toMatchObject({ selectionBudget: 3 });
    expect(() => parse(["--selection-budget", "50"])).toThrow(/--selection-budget must be a number from 0 to 20/);
  });

  it("every model flag changes the model configuration", () => {
    const base = modelConfigFromFlags({}, parse(LOCAL));
    const cases: [string[], (c: typeof base) => unknown, unknown][] = [
      [["--base-url", "http://127.0.0.1:2/v1"], (c) => c.baseUrl, "http://127.0.0.1:2/v1"],
      [["--model", "other"], (c) => c.model, "other"],
      [["--judge-model", "jm"], (c) => c.judge?.model, "jm"],
      [["--judge-base-url", "http://127.0.0.1:3/v1"], (c) => c.judge?.baseUrl, "http://127.0.0.1:3/v1"],
      [["--budget-calls", "5"], (c) => c.budget?.calls, 5],
      [["--budget-tokens", "1000"], (c) => c.budget?.tokens, 1000],
      [["--budget-usd", "0.5", "--price-input", "1", "--price-output", "2"], (c) => c.budget?.costUsd, 0.5],
      [["--price-input", "1", "--price-output", "2"], (c) => c.prices, { inputPerMTok: 1, outputPerMTok: 2 }],
      [["--price-input", "1", "--price-output", "2", "--price-cached-input", "0.25"], (c) => c.prices, { inputPerMTok: 1, outputPerMTok: 2, cachedInputPerMTok: 0.25 }],
      [["--concurrency", "3"], (c) => c.concurrency, 3],
      [["--stream"], (c) => c.stream, true],
      [["--cache-dir", "/tmp/c"], (c) => c.cacheDir, "/tmp/c"],
      [["--no-cache"], (c) => c.cacheDir, null],
    ];
    for (const [args, read, expected] of cases) {
      const config = modelConfigFromFlags({}, parse([...LOCAL, ...args]));
      expect(read(config), args.join(" ")).toEqual(expected);
      expect(read(base), args.join(" ")).not.toEqual(expected);
    }
  });

  it("flags win over the environment, which fills in what the flags leave out", () => {
    const env = { SSTAR_MODEL: "env-m", SSTAR_JUDGE_MODEL: "env-jm", OPENAI_BASE_URL: "http://127.0.0.1:9/v1" };
    expect(modelConfigFromFlags(env, parse([]))).toMatchObject({ model: "env-m", judge: { model: "env-jm" }, baseUrl: "http://127.0.0.1:9/v1" });
    expect(modelConfigFromFlags(env, parse(["--judge-model", "jm"]))).toMatchObject({ model: "env-m", judge: { model: "jm" } });
  });

  it("every solve flag reaches the engine's options", () => {
    const flags = parse([...LOCAL, "--samples", "3", "--rounds", "0", "--selection", "majority", "--temperature", "0.2", "--judge-model", "jm", "--generation-requests", "separate"]);
    expect(solveOptionsFromFlags(flags, modelConfigFromFlags({}, flags), "bwrap")).toEqual({
      samples: 3,
      rounds: 0,
      selection: "majority",
      temperature: 0.2,
      generationRequests: "separate",
      modelName: "m",
      judgeModelName: "jm",
      sandboxName: "bwrap",
      replay: false,
    });
    expect(solveOptionsFromFlags(parse(LOCAL), modelConfigFromFlags({}, parse(LOCAL)), "none")).toMatchObject({ temperature: 0.7, judgeModelName: "m", generationRequests: "one" });
    expect(() => parse(["--generation-requests", "many"])).toThrow(/Allowed choices are one, separate/);
  });

  it("--samples auto and --max-samples reach the engine; --max-samples needs --samples auto", async () => {
    const flags = parse([...LOCAL, "--samples", "auto", "--max-samples", "32"]);
    expect(solveOptionsFromFlags(flags, modelConfigFromFlags({}, flags), "none")).toMatchObject({ samples: "auto", maxSamples: 32 });
    expect(solveOptionsFromFlags(parse([...LOCAL, "--samples", "auto"]), modelConfigFromFlags({}, parse(LOCAL)), "none")).not.toHaveProperty("maxSamples");
    expect(() => parse(["--samples", "lots"])).toThrow('--samples must be a whole number from 1 to 64, got "lots" (or auto: adaptive sampling)');
    expect(() => parse(["--samples", "auto", "--max-samples", "65"])).toThrow('--max-samples must be a whole number from 1 to 64, got "65"');
    expect(() => parse(["--samples", "auto", "--max-samples", "0"])).toThrow('--max-samples must be a whole number from 1 to 64, got "0"');
    expect(samplingFlagsError({ samples: 8, maxSamples: 16 })).toBe("--max-samples needs --samples auto (with a fixed --samples N, N is the number drawn)");
    expect(samplingFlagsError({ samples: "auto", maxSamples: 16 })).toBeUndefined();
    // On a command, the check runs before its action: one line, and the action never runs.
    let ran = false;
    const command = new Command("x").exitOverride().configureOutput({ writeErr: () => {} });
    addSolveFlags(command).action(() => {
      ran = true;
    });
    await expect(command.parseAsync(["--max-samples", "8"], { from: "user" })).rejects.toThrow("--max-samples needs --samples auto");
    expect(ran).toBe(false);
  });

  it("--sandbox takes every backend the sandbox accepts", () => {
    expect([...SANDBOX_CHOICES]).toEqual(["auto", "bwrap", "docker", "none"]);
    for (const choice of SANDBOX_CHOICES) expect(parse(["--sandbox", choice]).sandbox).toBe(choice);
    // chooseBackend knows each one (an unavailable backend is an error naming it, not "unknown").
    const reports = [{ name: "none", available: true, notes: [] }];
    expect(chooseBackend("docker", reports as never)).toEqual({ error: expect.stringContaining("backend docker is not available") });
    expect(() => parse(["--sandbox", "chroot"])).toThrow(/Allowed choices are auto, bwrap, docker, none/);
  });

  it("rejects bad values with one line naming the flag", () => {
    expect(() => parse(["--samples", "0"])).toThrow('--samples must be a whole number from 1 to 64, got "0"');
    expect(() => parse(["--rounds", ""])).toThrow('--rounds must be a whole number from 0 to 10, got ""');
    expect(() => parse(["--budget-calls", "1.5"])).toThrow("--budget-calls must be a whole number from 0 to 1000000");
    expect(() => parse(["--budget-usd", "-1"])).toThrow("--budget-usd must be a number from 0 to 100000");
    expect(() => parse(["--temperature", "3"])).toThrow("--temperature must be a number from 0 to 2");
    expect(() => parse(["--selection", "best"])).toThrow('unknown selection "best": use one of sstar');
    expect(() => positiveInt("--limit")("x")).toThrow('--limit must be a whole number of at least 1, got "x"');
    expect(() => modelConfigFromFlags({}, parse([...LOCAL, "--price-input", "1"]))).toThrow("give both --price-input and --price-output");
    expect(() => modelConfigFromFlags({}, parse([...LOCAL, "--price-cached-input", "1"]))).toThrow("--price-cached-input needs --price-input and --price-output");
    expect(() => modelConfigFromFlags({}, parse([...LOCAL, "--budget-usd", "1"]))).toThrow(/needs the model.s prices/);
  });

  it("bounds every numeric flag, the same as the action's inputs where it has them", () => {
    // 1e9 samples used to be accepted and hang; the action caps samples at 64 and rounds at 10.
    for (const [flag, bad, good] of [
      ["--samples", "1e9", "64"],
      ["--samples", "65", "1"],
      ["--rounds", "11", "10"],
      ["--concurrency", "100000", "256"],
      ["--max-retries", "11", "0"],
      ["--budget-calls", "1e12", "1000000"],
      ["--budget-usd", "1e9", "100000"],
      ["--price-input", "1e6", "10000"],
      ["--temperature", "2.5", "2"],
    ] as const) {
      expect(() => parse([flag, bad]), `${flag} ${bad}`).toThrow(new RegExp(`${flag} must be .*from `));
      expect(() => parse([flag, good]), `${flag} ${good}`).not.toThrow();
    }
  });

  it("reads durations for --timeout and --deadline, within bounds", () => {
    expect(parseDuration("90")).toBe(90_000);
    expect(parseDuration("500ms")).toBe(500);
    expect(parseDuration("1.5m")).toBe(90_000);
    expect(parseDuration("2h")).toBe(7_200_000);
    expect(parseDuration("soon")).toBeUndefined();
    expect(formatDuration(300_000)).toBe("5m");
    expect(formatDuration(90_000)).toBe("90s");
    expect(parse(["--timeout", "60s"]).timeout).toBe(60_000);
    expect(parse(["--deadline", "30m"]).deadline).toBe(1_800_000);
    expect(() => parse(["--timeout", "0"])).toThrow('--timeout must be a duration from 1s to 1h (like 90s, 10m, 2h; a plain number is seconds), got "0"');
    expect(() => parse(["--timeout", "2h"])).toThrow(/--timeout must be a duration from 1s to 1h/);
    expect(() => parse(["--deadline", "8d"])).toThrow(/--deadline must be a duration from 1s to 7d/);
    const config = modelConfigFromFlags({}, parse([...LOCAL, "--timeout", "45s", "--max-retries", "1"]));
    expect(config).toMatchObject({ timeoutMs: 45_000, maxRetries: 1 });
  });

  it("--replay needs no endpoint, key or model: the names come from the cassette; fall-through needs --replay", () => {
    const header = { cassette: 1, model: "gpt-x", judgeModel: "judge-y", recordedAt: "" };
    const config = modelConfigFromFlags({}, parse(["--replay", "c.jsonl"]), header);
    expect(config).toMatchObject({ model: "gpt-x", judge: { model: "judge-y" }, cacheDir: null, cassette: { replay: "c.jsonl" } });
    expect(modelConfigFromFlags({}, parse(["--replay", "c.jsonl", "--model", "mine"]), header).model).toBe("mine");
    // Falling through to a live endpoint needs what a live run needs.
    expect(() => modelConfigFromFlags({}, parse(["--replay", "c.jsonl", "--replay-fallthrough", "--base-url", "https://api.example.com/v1"]), header)).toThrow(/no API key/);
    expect(() => modelConfigFromFlags({}, parse([...LOCAL, "--replay-fallthrough"]))).toThrow("--replay-fallthrough needs --replay FILE");
    expect(() => modelConfigFromFlags({}, parse(["--replay", "c.jsonl", "--record", "./c.jsonl"]), header)).toThrow(/name the same file/);
    expect(solveOptionsFromFlags(parse(["--replay", "dir/c.jsonl"]), config, "bwrap").cassette).toBe("c.jsonl");
  });
});

describe("sstar demo flag modes", () => {
  const given = (...names: string[]) => (name: string) => names.includes(name);
  it("the replay refuses model names, the judge endpoint and cache flags", () => {
    expect(conflictingDemoFlags(false, given("model", "judgeModel", "judgeBaseUrl", "cacheDir", "cache", "budgetCalls", "samples"))).toEqual([
      "--model",
      "--judge-model",
      "--judge-base-url",
      "--cache-dir",
      "--no-cache",
    ]);
    expect(conflictingDemoFlags(false, given("judgeAccuracy", "budgetCalls", "concurrency"))).toEqual([]);
  });
  it("a real model refuses the scripted judge's accuracy", () => {
    expect(conflictingDemoFlags(true, given("judgeAccuracy", "model"))).toEqual(["--judge-accuracy"]);
  });
});
