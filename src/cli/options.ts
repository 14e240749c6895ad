// Flags shared by the commands that solve problems (solve, eval): one definition, so they accept
// the same flags with the same defaults, and one mapping of flags to the model, sandbox and
// solve configuration.
import { InvalidArgumentError, type Command } from "commander";
import { DEFAULT_SOLVE_OPTIONS, isStrategyName, STRATEGY_NAMES, type SolveOptions, type StrategyName } from "../engine/index.ts";
import { ModelConfigError, modelConfigFromEnv, type ModelConfig } from "../model/index.ts";

export const SANDBOX_CHOICES = ["auto", "bwrap", "none"] as const;
export type SandboxChoice = (typeof SANDBOX_CHOICES)[number];

export const DEFAULT_CACHE_DIR = ".sstar-cache/model";

export function positiveInt(name: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`${name} must be a whole number of at least 1, got ${JSON.stringify(value)}`);
    return n;
  };
}

export function nonNegativeInt(name: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError(`${name} must be a whole number of at least 0, got ${JSON.stringify(value)}`);
    return n;
  };
}

export function nonNegativeNumber(name: string) {
  return (value: string): number => {
    const n = Number(value);
    if (value.trim() === "" || !Number.isFinite(n) || n < 0) throw new InvalidArgumentError(`${name} must be a number of at least 0, got ${JSON.stringify(value)}`);
    return n;
  };
}

export function strategyArg(value: string): StrategyName {
  if (!isStrategyName(value)) throw new InvalidArgumentError(`unknown selection ${JSON.stringify(value)}: use one of ${STRATEGY_NAMES.join(", ")}`);
  return value;
}

export function sandboxArg(value: string): SandboxChoice {
  if (!(SANDBOX_CHOICES as readonly string[]).includes(value)) throw new InvalidArgumentError(`--sandbox must be one of ${SANDBOX_CHOICES.join(", ")}`);
  return value as SandboxChoice;
}

function temperatureArg(value: string): number {
  const t = Number(value);
  if (value.trim() === "" || !Number.isFinite(t) || t < 0 || t > 2) throw new InvalidArgumentError("--temperature must be a number from 0 to 2");
  return t;
}

/** Model endpoint, budget, prices and cache flags. */
export interface ModelFlags {
  baseUrl?: string;
  model?: string;
  judgeModel?: string;
  budgetCalls?: number;
  budgetTokens?: number;
  budgetUsd?: number;
  priceInput?: number;
  priceOutput?: number;
  concurrency?: number;
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
    .option("--budget-calls <n>", "stop after this many model calls in total", nonNegativeInt("--budget-calls"))
    .option("--budget-tokens <n>", "stop after this many tokens in total", nonNegativeInt("--budget-tokens"))
    .option("--budget-usd <usd>", "stop before spending more than this many US dollars (needs --price-input/--price-output)", nonNegativeNumber("--budget-usd"))
    .option("--price-input <usd>", "US dollars per million prompt tokens (for costs in reports)", nonNegativeNumber("--price-input"))
    .option("--price-output <usd>", "US dollars per million completion tokens", nonNegativeNumber("--price-output"))
    .option("--concurrency <n>", "model calls in flight at once", positiveInt("--concurrency"))
    .option("--cache-dir <dir>", "model reply cache folder", DEFAULT_CACHE_DIR)
    .option("--no-cache", "do not read or write the model reply cache");
}

export function addSolveFlags(command: Command): Command {
  return command
    .option("--samples <n>", "parallel samples (N)", positiveInt("--samples"), DEFAULT_SOLVE_OPTIONS.samples)
    .option("--rounds <r>", "debugging rounds after the first generation (R)", nonNegativeInt("--rounds"), DEFAULT_SOLVE_OPTIONS.rounds)
    .option("--selection <name>", `selection strategy: ${STRATEGY_NAMES.join(", ")}`, strategyArg, DEFAULT_SOLVE_OPTIONS.selection)
    .option("--temperature <t>", `sampling temperature (default ${DEFAULT_SOLVE_OPTIONS.temperature})`, temperatureArg)
    .option("--sandbox <kind>", `isolation: ${SANDBOX_CHOICES.join(", ")} (none is no isolation)`, sandboxArg, "auto");
}

/** Model configuration from the environment plus flags (flags win). Throws ModelConfigError naming the setting. */
export function modelConfigFromFlags(env: NodeJS.ProcessEnv, flags: ModelFlags): ModelConfig {
  const budget = {
    ...(flags.budgetCalls !== undefined ? { calls: flags.budgetCalls } : {}),
    ...(flags.budgetTokens !== undefined ? { tokens: flags.budgetTokens } : {}),
    ...(flags.budgetUsd !== undefined ? { costUsd: flags.budgetUsd } : {}),
  };
  if ((flags.priceInput === undefined) !== (flags.priceOutput === undefined)) {
    throw new ModelConfigError("give both --price-input and --price-output (US dollars per million tokens), or neither");
  }
  const overrides: Partial<ModelConfig> = {
    ...(flags.baseUrl !== undefined ? { baseUrl: flags.baseUrl } : {}),
    ...(flags.model !== undefined ? { model: flags.model } : {}),
    ...(flags.judgeModel !== undefined ? { judge: { model: flags.judgeModel } } : {}),
    ...(flags.concurrency !== undefined ? { concurrency: flags.concurrency } : {}),
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
