// Flags shared by the commands that solve problems (solve, eval, demo): one definition, so they
// accept the same flags with the same defaults, one mapping of flags to the model, sandbox and
// solve configuration, and one way to open the model client and the sandbox and report failures.
import { InvalidArgumentError, Option, type Command } from "commander";
import { DEFAULT_MAX_SAMPLES, DEFAULT_MIN_CONFIDENCE, DEFAULT_SOLVE_OPTIONS, GENERATION_REQUESTS, MAX_SAMPLES_LIMIT, isStrategyName, STRATEGY_NAMES, type GenerationRequests, type SolveOptions, type StrategyName } from "../engine/index.ts";
import { basename, resolve } from "node:path";
import { createModelClient, DEFAULT_CONCURRENCY, DEFAULT_TIMEOUT_MS, ModelConfigError, modelConfigFromEnv, type ModelConfig } from "../model/index.ts";
import { parseBudgetText, type BudgetLimits } from "../model/budget.ts";
import { readCassetteHeader, type CassetteHeader } from "../model/cassette.ts";
import { DEFAULT_RETRY_POLICY } from "../model/retry.ts";
import { DEADLINE_BOUNDS, formatDuration, MAX_RETRIES_BOUND, parseDuration, TIMEOUT_BOUNDS } from "../model/duration.ts";

export { formatDuration, parseDuration } from "../model/duration.ts";
import type { ModelClient } from "../model/types.ts";
import { createSandbox, type BackendChoice } from "../sandbox/index.ts";
import type { Sandbox } from "../sandbox/types.ts";
import { fileProblem, folderProblem } from "../report/writable.ts";
import { formatSpecError } from "../spec/errors.ts";
import { loadSpecs, type LoadedSpecs } from "../spec/load.ts";
import type { LocalModel } from "../local/index.ts";
import { openLocalForFlags } from "./local-model.ts";

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

export const positiveInt = (name: string, max?: number) => numberArg(name, { integer: true, min: 1, ...(max !== undefined ? { max } : {}) });
export const nonNegativeInt = (name: string, max?: number) => numberArg(name, { integer: true, min: 0, ...(max !== undefined ? { max } : {}) });
export const nonNegativeNumber = (name: string, max?: number) => numberArg(name, { integer: false, min: 0, ...(max !== undefined ? { max } : {}) });

/** A budget as text (parseBudgetText); commander reports the one-line error as the flag's. */
function budgetText(name: string) {
  return (value: string): BudgetLimits => {
    try {
      const limits = parseBudgetText(value, name);
      if (limits === undefined) throw new Error(`${name}: give a dollar amount like 0.5 or a list like usd=0.5,calls=60`);
      return limits;
    } catch (error) {
      throw new InvalidArgumentError((error as Error).message);
    }
  };
}

/**
 * Bounds of the numeric flags: the same as the action's inputs where it has them (samples 1-64,
 * rounds 0-10), and wide enough elsewhere that only a typo (1e9) falls outside.
 */
export const LIMITS = {
  samples: 64,
  rounds: 10,
  concurrency: 256,
  problemConcurrency: 64,
  maxRetries: MAX_RETRIES_BOUND,
  budgetCalls: 1_000_000,
  budgetTokens: 10_000_000_000,
  budgetUsd: 100_000,
  price: 10_000,
  /** sstar's call bound, as a multiple of the default bound. */
  selectionBudget: 20,
  /** Per call: 1 s to 1 h. */
  timeoutMs: TIMEOUT_BOUNDS,
  /** A whole run: 1 s to 7 days. */
  deadlineMs: DEADLINE_BOUNDS,
} as const;

export function durationArg(name: string, bounds: { min: number; max: number }) {
  return (value: string): number => {
    const ms = parseDuration(value);
    if (ms === undefined || ms < bounds.min || ms > bounds.max) {
      throw new InvalidArgumentError(
        `${name} must be a duration from ${formatDuration(bounds.min)} to ${formatDuration(bounds.max)} (like 90s, 10m, 2h; a plain number is seconds), got ${JSON.stringify(value)}`,
      );
    }
    return ms;
  };
}


/** `--samples`: a count, or "auto" (adaptive sampling in waves). */
export function samplesArg(value: string): number | "auto" {
  if (value.trim() === "auto") return "auto";
  try {
    return positiveInt("--samples", LIMITS.samples)(value);
  } catch (error) {
    throw new InvalidArgumentError(`${(error as Error).message} (or auto: adaptive sampling)`);
  }
}

/** What is wrong with the sampling flags taken together (one line), or undefined. */
export function samplingFlagsError(flags: Pick<SolveSettingsFlags, "samples" | "maxSamples">): string | undefined {
  if (flags.maxSamples !== undefined && flags.samples !== "auto") return "--max-samples needs --samples auto (with a fixed --samples N, N is the number drawn)";
  return undefined;
}

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
  budgetPerProblem?: BudgetLimits;
  priceInput?: number;
  priceOutput?: number;
  priceCachedInput?: number;
  concurrency?: number;
  stream?: boolean;
  cacheDir: string;
  cache: boolean;
  timeout?: number;
  maxRetries?: number;
  record?: string;
  replay?: string;
  replayFallthrough?: boolean;
}

/** S* settings and the sandbox. */
export interface SolveSettingsFlags {
  samples: number | "auto";
  maxSamples?: number;
  rounds: number;
  selection: StrategyName;
  selectionBudget?: number;
  minConfidence?: number;
  temperature?: number;
  generationRequests: GenerationRequests;
  sandbox: SandboxChoice;
  deadline?: number;
}

export function addModelFlags(command: Command): Command {
  command.addHelpText("after", "\nThe model's API key is read from OPENAI_API_KEY (a separate judge endpoint's from SSTAR_JUDGE_API_KEY); none is needed for a local endpoint or with --replay.");
  return command
    .option("--base-url <url>", "OpenAI-compatible base URL (default: $OPENAI_BASE_URL or OpenAI)")
    .option("--model <name>", "model for generation and debugging (default: $SSTAR_MODEL)")
    .option("--judge-model <name>", "model for input synthesis and judging (default: $SSTAR_JUDGE_MODEL or the main model)")
    .option("--judge-base-url <url>", "OpenAI-compatible base URL for input synthesis and judging (default: $SSTAR_JUDGE_BASE_URL or --base-url; key: $SSTAR_JUDGE_API_KEY)")
    .option("--budget-calls <n>", "stop after this many model calls in total", nonNegativeInt("--budget-calls", LIMITS.budgetCalls))
    .option("--budget-tokens <n>", "stop after this many tokens in total", nonNegativeInt("--budget-tokens", LIMITS.budgetTokens))
    .option("--budget-usd <usd>", "stop before spending more than this many US dollars (needs --price-input/--price-output)", nonNegativeNumber("--budget-usd", LIMITS.budgetUsd))
    .option("--budget-per-problem <budget>", "a cap for each problem on its own: US dollars (0.5) or a list like usd=0.5,calls=60,tokens=300000", budgetText("--budget-per-problem"))
    .option("--price-input <usd>", "US dollars per million prompt tokens (for costs in reports)", nonNegativeNumber("--price-input", LIMITS.price))
    .option("--price-output <usd>", "US dollars per million completion tokens", nonNegativeNumber("--price-output", LIMITS.price))
    .option("--price-cached-input <usd>", "US dollars per million prompt tokens the provider served from its prompt cache (default: the --price-input price)", nonNegativeNumber("--price-cached-input", LIMITS.price))
    .option("--concurrency <n>", `model calls in flight at once (default ${DEFAULT_CONCURRENCY})`, positiveInt("--concurrency", LIMITS.concurrency))
    .option("--timeout <duration>", `longest wait for one model call, like 60s or 5m (default ${formatDuration(DEFAULT_TIMEOUT_MS)}); with --stream, the longest silence`, durationArg("--timeout", LIMITS.timeoutMs))
    .option("--max-retries <n>", `retries of a call after a rate limit, a server error or a timeout (default ${DEFAULT_RETRY_POLICY.maxRetries})`, nonNegativeInt("--max-retries", LIMITS.maxRetries))
    .option("--stream", "stream model replies; the timeout then applies to silence, not the whole reply (default: $SSTAR_STREAM)")
    .option("--cache-dir <dir>", "model reply cache folder", DEFAULT_CACHE_DIR)
    .option("--no-cache", "do not read or write the model reply cache")
    .option("--record <file>", "write every model exchange of the run to this cassette (JSON lines) for --replay")
    .option("--replay <file>", "answer every model call from this cassette, with no network (model names default to the recorded ones)")
    .option("--replay-fallthrough", "with --replay: send requests the cassette does not hold to the endpoint instead of failing");
}

export function addSolveFlags(command: Command): Command {
  return command
    .option("--samples <n>", `parallel samples (N, 1 to ${LIMITS.samples}), or auto: draw them in waves until the evidence decides the pick`, samplesArg, DEFAULT_SOLVE_OPTIONS.samples)
    .option("--max-samples <n>", `with --samples auto: the most samples drawn (1 to ${MAX_SAMPLES_LIMIT}, default ${DEFAULT_MAX_SAMPLES})`, positiveInt("--max-samples", MAX_SAMPLES_LIMIT))
    .option("--rounds <r>", `debugging rounds after the first generation (R, 0 to ${LIMITS.rounds})`, nonNegativeInt("--rounds", LIMITS.rounds), DEFAULT_SOLVE_OPTIONS.rounds)
    .option("--selection <name>", `selection strategy: ${STRATEGY_NAMES.join(", ")}`, strategyArg, DEFAULT_SOLVE_OPTIONS.selection)
    .option(
      "--selection-budget <x>",
      `sstar: selection model calls allowed, as a multiple of the default bound max(15, 3 x (clusters - 1)) (default 1, at most ${LIMITS.selectionBudget})`,
      nonNegativeNumber("--selection-budget", LIMITS.selectionBudget),
    )
    .option(
      "--min-confidence <x>",
      `a pick passing the public tests with a lower confidence is "uncertain" (exit code 3), 0 to 1 (default ${DEFAULT_MIN_CONFIDENCE}; 0 never abstains)`,
      numberArg("--min-confidence", { integer: false, min: 0, max: 1 }),
    )
    .option("--temperature <t>", `sampling temperature (default ${DEFAULT_SOLVE_OPTIONS.temperature})`, numberArg("--temperature", { integer: false, min: 0, max: 2 }))
    .addOption(
      new Option("--generation-requests <how>", "first generation: one request for all samples (n choices, where the endpoint allows) or one request per sample")
        .choices(GENERATION_REQUESTS)
        .default(DEFAULT_SOLVE_OPTIONS.generationRequests),
    )
    .addOption(sandboxOption())
    .option("--deadline <duration>", "stop the whole run after this long (like 30m), keeping what it has: each problem picks from its evidence so far", durationArg("--deadline", LIMITS.deadlineMs))
    .hook("preAction", (self) => {
      const error = samplingFlagsError(self.opts<SolveSettingsFlags>());
      if (error !== undefined) self.error(error);
    });
}

/**
 * Model configuration from the environment plus flags (flags win). Throws ModelConfigError naming
 * the setting. With --replay (and no fall-through) no endpoint is needed: the model names default
 * to the cassette's (`recorded`), and there is no key, no cache and no network.
 */
export function modelConfigFromFlags(env: NodeJS.ProcessEnv, flags: ModelFlags, recorded?: CassetteHeader): ModelConfig {
  if (flags.replayFallthrough === true && flags.replay === undefined) throw new ModelConfigError("--replay-fallthrough needs --replay FILE");
  if (flags.record !== undefined && flags.replay !== undefined && resolve(flags.record) === resolve(flags.replay)) {
    throw new ModelConfigError(`--record and --replay name the same file (${flags.record}): record to another file`);
  }
  const replayOnly = flags.replay !== undefined && flags.replayFallthrough !== true;
  if (recorded !== undefined) {
    flags = {
      ...flags,
      model: flags.model ?? recorded.model,
      ...(flags.judgeModel === undefined && recorded.judgeModel !== recorded.model ? { judgeModel: recorded.judgeModel } : {}),
    };
  }
  if (replayOnly) {
    // Nothing is sent anywhere: an unset key or endpoint must not stop a replay.
    env = { ...env, OPENAI_API_KEY: env.OPENAI_API_KEY || "replay-needs-no-key", SSTAR_JUDGE_API_KEY: env.SSTAR_JUDGE_API_KEY || "replay-needs-no-key" };
    flags = { ...flags, cache: false };
  }
  const budget = {
    ...(flags.budgetCalls !== undefined ? { calls: flags.budgetCalls } : {}),
    ...(flags.budgetTokens !== undefined ? { tokens: flags.budgetTokens } : {}),
    ...(flags.budgetUsd !== undefined ? { costUsd: flags.budgetUsd } : {}),
    ...(flags.budgetPerProblem !== undefined ? { perProblem: flags.budgetPerProblem } : {}),
  };
  const judge = {
    ...(flags.judgeModel !== undefined ? { model: flags.judgeModel } : {}),
    ...(flags.judgeBaseUrl !== undefined ? { baseUrl: flags.judgeBaseUrl } : {}),
  };
  if ((flags.priceInput === undefined) !== (flags.priceOutput === undefined)) {
    throw new ModelConfigError("give both --price-input and --price-output (US dollars per million tokens), or neither");
  }
  if (flags.priceCachedInput !== undefined && flags.priceInput === undefined) {
    throw new ModelConfigError("--price-cached-input needs --price-input and --price-output (US dollars per million tokens)");
  }
  const cachedPrice = flags.priceCachedInput !== undefined ? { cachedInputPerMTok: flags.priceCachedInput } : {};
  const overrides: Partial<ModelConfig> = {
    ...(flags.baseUrl !== undefined ? { baseUrl: flags.baseUrl } : {}),
    ...(flags.model !== undefined ? { model: flags.model } : {}),
    ...(Object.keys(judge).length > 0 ? { judge } : {}),
    ...(flags.concurrency !== undefined ? { concurrency: flags.concurrency } : {}),
    ...(flags.stream === true ? { stream: true } : {}),
    ...(Object.keys(budget).length > 0 ? { budget } : {}),
    ...(flags.priceInput !== undefined && flags.priceOutput !== undefined ? { prices: { inputPerMTok: flags.priceInput, outputPerMTok: flags.priceOutput, ...cachedPrice } } : {}),
    cacheDir: flags.cache ? flags.cacheDir : null,
    ...(flags.timeout !== undefined ? { timeoutMs: flags.timeout } : {}),
    ...(flags.maxRetries !== undefined ? { maxRetries: flags.maxRetries } : {}),
    ...(flags.record !== undefined || flags.replay !== undefined
      ? {
          cassette: {
            ...(flags.record !== undefined ? { record: flags.record } : {}),
            ...(flags.replay !== undefined ? { replay: flags.replay } : {}),
            ...(flags.replayFallthrough === true ? { fallthrough: true } : {}),
          },
        }
      : {}),
  };
  return modelConfigFromEnv(env, overrides);
}

/** The engine's options from the flags, the resolved model configuration and the sandbox in use. */
export function solveOptionsFromFlags(
  flags: SolveSettingsFlags & Pick<ModelFlags, "replay">,
  config: ModelConfig,
  sandboxName: string,
): Omit<SolveOptions, "onProgress" | "signal" | "now"> {
  return {
    samples: flags.samples,
    ...(flags.maxSamples !== undefined ? { maxSamples: flags.maxSamples } : {}),
    rounds: flags.rounds,
    selection: flags.selection,
    ...(flags.selectionBudget !== undefined ? { selectionBudget: flags.selectionBudget } : {}),
    ...(flags.minConfidence !== undefined ? { minConfidence: flags.minConfidence } : {}),
    temperature: flags.temperature ?? DEFAULT_SOLVE_OPTIONS.temperature,
    generationRequests: flags.generationRequests,
    modelName: config.model,
    judgeModelName: config.judge?.model ?? config.model,
    sandboxName,
    replay: false,
    ...(flags.replay !== undefined ? { cassette: basename(flags.replay) } : {}),
  };
}

/** One line to stderr, prefixed with the command ("sstar solve: ..."). */
export type ErrorLine = (line: string) => void;

export function errorLine(command: string): ErrorLine {
  return (line) => process.stderr.write(`sstar ${command}: ${line}\n`);
}

/** modelConfigFromFlags (reading the cassette's header for --replay), with a configuration error written as one line: null means exit 2. */
export async function modelConfigOrReport(env: NodeJS.ProcessEnv, flags: ModelFlags, err: ErrorLine): Promise<ModelConfig | null> {
  try {
    return modelConfigFromFlags(env, flags, flags.replay !== undefined ? await readCassetteHeader(flags.replay) : undefined);
  } catch (error) {
    if (error instanceof ModelConfigError) {
      err(error.message);
      return null;
    }
    throw error;
  }
}

/** The sandbox the flag asks for (its warnings go to stderr); null, after one line, when it can't start: exit 2. */
export async function openSandbox(choice: SandboxChoice, err: ErrorLine, workers?: number): Promise<Sandbox | null> {
  try {
    // The sandbox logs its backend and warnings (e.g. that "none" is no isolation) with their own prefix.
    return await createSandbox({ backend: choice, log: (line) => process.stderr.write(`${line}\n`), ...(workers !== undefined ? { workers } : {}) });
  } catch (error) {
    err((error as Error).message);
    return null;
  }
}

/** A path the run will write, named by its flag. */
export interface OutputPath {
  flag: string;
  path: string;
  kind: "folder" | "file";
}

/** `--record FILE`, when given: the cassette is written as the run goes. */
export function recordOutput(flags: ModelFlags): OutputPath[] {
  return flags.record !== undefined ? [{ flag: "--record", path: flags.record, kind: "file" }] : [];
}

/**
 * Every path the run will write, checked before any model call (folders are created, as the run
 * would): false, after one line per path that can't be written, means exit 2.
 */
export async function outputsWritable(err: ErrorLine, outputs: readonly OutputPath[]): Promise<boolean> {
  let ok = true;
  for (const o of outputs) {
    const problem = o.kind === "folder" ? await folderProblem(o.path) : await fileProblem(o.path);
    if (problem === undefined) continue;
    err(`${o.flag} ${o.path}: can't write there (${problem}); pass ${o.flag} a ${o.kind} you can write`);
    ok = false;
  }
  return ok;
}

export interface SolveRun {
  err: ErrorLine;
  loaded: LoadedSpecs;
  config: ModelConfig;
  model: ModelClient;
  sandbox: Sandbox;
  /** The model run on this machine, when the run uses it. */
  local?: LocalModel;
  /** Closes the sandbox and stops the local model's server. */
  close(): Promise<void>;
}

/**
 * What `solve` and `eval` start from: the specs (each broken file reported, the rest kept), the
 * model client and the sandbox. null, after one line saying why, when there is nothing to run or
 * the configuration is wrong: exit 2. The caller closes the sandbox.
 */
export async function openSolveRun(command: string, specPaths: string[], flags: ModelFlags & SolveSettingsFlags, outputs: OutputPath[]): Promise<SolveRun | null> {
  const err = errorLine(command);
  const loaded = await loadSpecs(specPaths);
  for (const e of loaded.errors) err(formatSpecError(e));
  if (loaded.specs.length === 0) {
    err("no problem specs loaded: pass spec files, folders or globs (see docs/spec-format.md)");
    return null;
  }
  if (!(await outputsWritable(err, [...outputs, ...recordOutput(flags)]))) return null;
  const chosen = await openLocalForFlags(process.env, flags, err);
  if (chosen === null) return null;
  const { local } = chosen;
  const config = await modelConfigOrReport(process.env, chosen.flags, err);
  // Decoding threads and sandbox workers never share a core (see splitCores).
  const sandbox = config === null ? null : await openSandbox(flags.sandbox, err, local?.sandboxWorkers);
  if (config === null || sandbox === null) {
    await local?.server.close();
    return null;
  }
  const close = async (): Promise<void> => {
    await sandbox.close();
    await local?.server.close();
  };
  return { err, loaded, config, model: createModelClient({ ...config, log: err }), sandbox, ...(local !== undefined ? { local } : {}), close };
}

/**
 * Runs `work` with a signal that Ctrl-C, SIGTERM or the --deadline aborts (after one line saying
 * what happens next), so a run stops cleanly and keeps what it has; the signal's reason names the
 * cause ("SIGINT", "deadline 30m") for the reports. A second Ctrl-C exits at once (130).
 * `interrupted` says whether it happened.
 */
export async function interruptible<T>(
  err: ErrorLine,
  onInterrupt: string,
  deadlineMs: number | undefined,
  work: (signal: AbortSignal) => Promise<T>,
): Promise<{ result: T; interrupted: boolean }> {
  const controller = new AbortController();
  const stop = (reason: string, line: string): void => {
    if (controller.signal.aborted) return;
    err(line);
    controller.abort(reason);
  };
  const onSigint = (): void => {
    if (controller.signal.aborted) {
      err("interrupted again: exiting now");
      process.exit(130);
    }
    stop("SIGINT", `interrupted: ${onInterrupt} (Ctrl-C again to exit at once)`);
  };
  const onSigterm = (): void => stop("SIGTERM", `terminated (SIGTERM): ${onInterrupt}`);
  process.on("SIGINT", onSigint);
  process.on("SIGTERM", onSigterm);
  const timer =
    deadlineMs === undefined ? undefined : setTimeout(() => stop(`deadline ${formatDuration(deadlineMs)}`, `the --deadline of ${formatDuration(deadlineMs)} passed: ${onInterrupt}`), deadlineMs);
  try {
    const result = await work(controller.signal);
    return { result, interrupted: controller.signal.aborted };
  } finally {
    clearTimeout(timer);
    process.off("SIGINT", onSigint);
    process.off("SIGTERM", onSigterm);
  }
}

/**
 * After a run: writes what the model client still buffers (the cassette) and says, in one line,
 * what ended the run when the endpoint or the replay did. Returns 2 when either happened (the
 * setup is wrong, not the problems), else undefined.
 */
export async function closeModel(model: ModelClient, err: ErrorLine): Promise<number | undefined> {
  let code: number | undefined;
  const fatal = model.fatal?.();
  if (fatal !== undefined) {
    err(fatal.message);
    code = 2;
  }
  try {
    await model.close?.();
  } catch (error) {
    err((error as Error).message);
    code = 2;
  }
  return code;
}
