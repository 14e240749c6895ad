// Flags shared by the commands that solve problems (solve, eval, demo): one definition, so they
// accept the same flags with the same defaults, one mapping of flags to the model, sandbox and
// solve configuration, and one way to open the model client and the sandbox and report failures.
import { InvalidArgumentError, Option, type Command } from "commander";
import { DEFAULT_SOLVE_OPTIONS, isStrategyName, STRATEGY_NAMES, type SolveOptions, type StrategyName } from "../engine/index.ts";
import { createModelClient, ModelConfigError, modelConfigFromEnv, type ModelConfig } from "../model/index.ts";
import type { ModelClient } from "../model/types.ts";
import { createSandbox, type BackendChoice } from "../sandbox/index.ts";
import type { Sandbox } from "../sandbox/types.ts";
import { formatSpecError } from "../spec/errors.ts";
import { loadSpecs, type LoadedSpecs } from "../spec/load.ts";

/** Every backend createSandbox accepts. */
export const SANDBOX_CHOICES = ["auto", "bwrap", "docker", "none"] as const satisfies readonly BackendChoice[];
export type SandboxChoice = (typeof SANDBOX_CHOICES)[number];

export const DEFAULT_CACHE_DIR = ".sstar-cache/model";

function numberArg(name: string, rule: { integer: boolean; min: number; max?: number }) {
  const kind = rule.integer ? "a whole number" : "a number";
  const range = rule.max === undefined ? `of at least ${rule.min}` : `from ${rule.min} to ${rule.max}`;
  return (value: string): number => {
    const n = Number(value);
    const ok = value.trim() !== "" && Number.isFinite(n) && n >= rule.min && (rule.max === undefined || n <= rule.max) && (!rule.integer || Number.isInteger(n));
    if (!ok) throw new InvalidArgumentError(`${name} must be ${kind} ${range}, got ${JSON.stringify(value)}`);
    return n;
  };
}

export const positiveInt = (name: string) => numberArg(name, { integer: true, min: 1 });
export const nonNegativeInt = (name: string) => numberArg(name, { integer: true, min: 0 });
export const nonNegativeNumber = (name: string) => numberArg(name, { integer: false, min: 0 });

export function strategyArg(value: string): StrategyName {
  if (!isStrategyName(value)) throw new InvalidArgumentError(`unknown selection ${JSON.stringify(value)}: use one of ${STRATEGY_NAMES.join(", ")}`);
  return value;
}

/** `--sandbox <kind>`: also used by `sstar grade`. */
export function sandboxOption(): Option {
  return new Option("--sandbox <kind>", "isolation backend (none is no isolation)").choices(SANDBOX_CHOICES).default("auto");
}

/** Model endpoint, budget, prices and cache flags. */
export interface ModelFlags {
  baseUrl?: string;
  model?: string;
  judgeModel?: string;
  judgeBaseUrl?: string;
  budgetCalls?: number;
  budgetTokens?: number;
  budgetUsd?: number;
  priceInput?: number;
  priceOutput?: number;
  concurrency?: number;
  stream?: boolean;
  cacheDir: string;
  cache: boolean;
}

/** S* settings and the sandbox. */
export interface SolveSettingsFlags {
  samples: number;
  rounds: number;
  selection: StrategyName;
  temperature?: number;
  sandbox: SandboxChoice;
}

export function addModelFlags(command: Command): Command {
  return command
    .option("--base-url <url>", "OpenAI-compatible base URL (default: $OPENAI_BASE_URL or OpenAI)")
    .option("--model <name>", "model for generation and debugging (default: $SSTAR_MODEL)")
    .option("--judge-model <name>", "model for input synthesis and judging (default: $SSTAR_JUDGE_MODEL or the main model)")
    .option("--judge-base-url <url>", "OpenAI-compatible base URL for input synthesis and judging (default: $SSTAR_JUDGE_BASE_URL or --base-url; key: $SSTAR_JUDGE_API_KEY)")
    .option("--budget-calls <n>", "stop after this many model calls in total", nonNegativeInt("--budget-calls"))
    .option("--budget-tokens <n>", "stop after this many tokens in total", nonNegativeInt("--budget-tokens"))
    .option("--budget-usd <usd>", "stop before spending more than this many US dollars (needs --price-input/--price-output)", nonNegativeNumber("--budget-usd"))
    .option("--price-input <usd>", "US dollars per million prompt tokens (for costs in reports)", nonNegativeNumber("--price-input"))
    .option("--price-output <usd>", "US dollars per million completion tokens", nonNegativeNumber("--price-output"))
    .option("--concurrency <n>", "model calls in flight at once (default 8)", positiveInt("--concurrency"))
    .option("--stream", "stream model replies; the timeout then applies to silence, not the whole reply (default: $SSTAR_STREAM)")
    .option("--cache-dir <dir>", "model reply cache folder", DEFAULT_CACHE_DIR)
    .option("--no-cache", "do not read or write the model reply cache");
}

export function addSolveFlags(command: Command): Command {
  return command
    .option("--samples <n>", "parallel samples (N)", positiveInt("--samples"), DEFAULT_SOLVE_OPTIONS.samples)
    .option("--rounds <r>", "debugging rounds after the first generation (R)", nonNegativeInt("--rounds"), DEFAULT_SOLVE_OPTIONS.rounds)
    .option("--selection <name>", `selection strategy: ${STRATEGY_NAMES.join(", ")}`, strategyArg, DEFAULT_SOLVE_OPTIONS.selection)
    .option("--temperature <t>", `sampling temperature (default ${DEFAULT_SOLVE_OPTIONS.temperature})`, numberArg("--temperature", { integer: false, min: 0, max: 2 }))
    .addOption(sandboxOption());
}

/** Model configuration from the environment plus flags (flags win). Throws ModelConfigError naming the setting. */
export function modelConfigFromFlags(env: NodeJS.ProcessEnv, flags: ModelFlags): ModelConfig {
  const budget = {
    ...(flags.budgetCalls !== undefined ? { calls: flags.budgetCalls } : {}),
    ...(flags.budgetTokens !== undefined ? { tokens: flags.budgetTokens } : {}),
    ...(flags.budgetUsd !== undefined ? { costUsd: flags.budgetUsd } : {}),
  };
  const judge = {
    ...(flags.judgeModel !== undefined ? { model: flags.judgeModel } : {}),
    ...(flags.judgeBaseUrl !== undefined ? { baseUrl: flags.judgeBaseUrl } : {}),
  };
  if ((flags.priceInput === undefined) !== (flags.priceOutput === undefined)) {
    throw new ModelConfigError("give both --price-input and --price-output (US dollars per million tokens), or neither");
  }
  const overrides: Partial<ModelConfig> = {
    ...(flags.baseUrl !== undefined ? { baseUrl: flags.baseUrl } : {}),
    ...(flags.model !== undefined ? { model: flags.model } : {}),
    ...(Object.keys(judge).length > 0 ? { judge } : {}),
    ...(flags.concurrency !== undefined ? { concurrency: flags.concurrency } : {}),
    ...(flags.stream === true ? { stream: true } : {}),
    ...(Object.keys(budget).length > 0 ? { budget } : {}),
    ...(flags.priceInput !== undefined && flags.priceOutput !== undefined ? { prices: { inputPerMTok: flags.priceInput, outputPerMTok: flags.priceOutput } } : {}),
    cacheDir: flags.cache ? flags.cacheDir : null,
  };
  return modelConfigFromEnv(env, overrides);
}

/** The engine's options from the flags, the resolved model configuration and the sandbox in use. */
export function solveOptionsFromFlags(
  flags: SolveSettingsFlags,
  config: ModelConfig,
  sandboxName: string,
): Omit<SolveOptions, "onProgress" | "signal" | "now"> {
  return {
    samples: flags.samples,
    rounds: flags.rounds,
    selection: flags.selection,
    temperature: flags.temperature ?? DEFAULT_SOLVE_OPTIONS.temperature,
    modelName: config.model,
    judgeModelName: config.judge?.model ?? config.model,
    sandboxName,
    replay: false,
  };
}

/** One line to stderr, prefixed with the command ("sstar solve: ..."). */
export type ErrorLine = (line: string) => void;

export function errorLine(command: string): ErrorLine {
  return (line) => process.stderr.write(`sstar ${command}: ${line}\n`);
}

/** modelConfigFromFlags, with a configuration error written as one line: null means exit 2. */
export function modelConfigOrReport(env: NodeJS.ProcessEnv, flags: ModelFlags, err: ErrorLine): ModelConfig | null {
  try {
    return modelConfigFromFlags(env, flags);
  } catch (error) {
    if (error instanceof ModelConfigError) {
      err(error.message);
      return null;
    }
    throw error;
  }
}

/** The sandbox the flag asks for (its warnings go to stderr); null, after one line, when it can't start: exit 2. */
export async function openSandbox(choice: SandboxChoice, err: ErrorLine): Promise<Sandbox | null> {
  try {
    // The sandbox logs its backend and warnings (e.g. that "none" is no isolation) with their own prefix.
    return await createSandbox({ backend: choice, log: (line) => process.stderr.write(`${line}\n`) });
  } catch (error) {
    err((error as Error).message);
    return null;
  }
}

export interface SolveRun {
  err: ErrorLine;
  loaded: LoadedSpecs;
  config: ModelConfig;
  model: ModelClient;
  sandbox: Sandbox;
}

/**
 * What `solve` and `eval` start from: the specs (each broken file reported, the rest kept), the
 * model client and the sandbox. null, after one line saying why, when there is nothing to run or
 * the configuration is wrong: exit 2. The caller closes the sandbox.
 */
export async function openSolveRun(command: string, specPaths: string[], flags: ModelFlags & SolveSettingsFlags): Promise<SolveRun | null> {
  const err = errorLine(command);
  const loaded = await loadSpecs(specPaths);
  for (const e of loaded.errors) err(formatSpecError(e));
  if (loaded.specs.length === 0) {
    err("no problem specs loaded: pass spec files, folders or globs (see docs/spec-format.md)");
    return null;
  }
  const config = modelConfigOrReport(process.env, flags, err);
  if (config === null) return null;
  const sandbox = await openSandbox(flags.sandbox, err);
  if (sandbox === null) return null;
  return { err, loaded, config, model: createModelClient({ ...config, log: err }), sandbox };
}

/**
 * Runs `work` with a signal that Ctrl-C aborts (after one line saying what happens next), so a run
 * stops cleanly and keeps what it has. `interrupted` says whether that happened.
 */
export async function interruptible<T>(
  err: ErrorLine,
  onInterrupt: string,
  work: (signal: AbortSignal) => Promise<T>,
): Promise<{ result: T; interrupted: boolean }> {
  const controller = new AbortController();
  const onSigint = () => {
    err(`interrupted: ${onInterrupt}`);
    controller.abort();
  };
  process.once("SIGINT", onSigint);
  try {
    const result = await work(controller.signal);
    return { result, interrupted: controller.signal.aborted };
  } finally {
    process.off("SIGINT", onSigint);
  }
}
