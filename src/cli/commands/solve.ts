// `sstar solve <spec...>`: solve each problem with S*, write solution, report.json and report.md
// per problem, show progress per stage and a final summary table.
// Exit code: 0 every problem solved, 1 some unsolved (or errored), 2 usage or configuration error.
import { mkdir, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { InvalidArgumentError, type Command } from "commander";
import { DEFAULT_SOLVE_OPTIONS, isStrategyName, solve, STRATEGY_NAMES, type SolveOptions, type StrategyName } from "../../engine/index.ts";
import { initialProgress, isMilestone, progressLine, reduceProgress } from "../../engine/progress.ts";
import type { ProgressEvent } from "../../engine/context.ts";
import { LANGUAGE_EXTENSION } from "../../engine/prompts.ts";
import type { SolveReport } from "../../engine/report.ts";
import { createModelClient, modelConfigFromEnv, type ModelConfig } from "../../model/index.ts";
import { ModelConfigError, type ModelClient } from "../../model/types.ts";
import { createSandbox } from "../../sandbox/index.ts";
import type { Sandbox } from "../../sandbox/types.ts";
import { formatSpecError } from "../../spec/errors.ts";
import { loadSpecs } from "../../spec/load.ts";
import type { ProblemSpec } from "../../spec/schema.ts";
import { renderReportMarkdown } from "../../report/markdown.ts";

export const SANDBOX_CHOICES = ["auto", "bwrap", "none"] as const;
export type SandboxChoice = (typeof SANDBOX_CHOICES)[number];

/** Thrown for bad flags or configuration: exit code 2, one line. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

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

export function strategyArg(value: string): StrategyName {
  if (!isStrategyName(value)) throw new InvalidArgumentError(`unknown selection ${JSON.stringify(value)}: use one of ${STRATEGY_NAMES.join(", ")}`);
  return value;
}

export function sandboxArg(value: string): SandboxChoice {
  if (!(SANDBOX_CHOICES as readonly string[]).includes(value)) throw new InvalidArgumentError(`--sandbox must be one of ${SANDBOX_CHOICES.join(", ")}`);
  return value as SandboxChoice;
}

export interface SolveFlags {
  samples: number;
  rounds: number;
  selection: StrategyName;
  out: string;
  baseUrl?: string;
  model?: string;
  judgeModel?: string;
  budgetCalls?: number;
  budgetTokens?: number;
  concurrency?: number;
  sandbox: SandboxChoice;
  cache: boolean;
  json: boolean;
  temperature?: number;
}

/** Model configuration from the environment plus flags (flags win). */
export function modelConfigFromFlags(env: NodeJS.ProcessEnv, flags: SolveFlags, cacheDir: string): ModelConfig {
  const overrides: Partial<ModelConfig> = {
    ...(flags.baseUrl !== undefined ? { baseUrl: flags.baseUrl } : {}),
    ...(flags.model !== undefined ? { model: flags.model } : {}),
    ...(flags.judgeModel !== undefined ? { judge: { model: flags.judgeModel } } : {}),
    ...(flags.concurrency !== undefined ? { concurrency: flags.concurrency } : {}),
    ...(flags.budgetCalls !== undefined || flags.budgetTokens !== undefined
      ? {
          budget: {
            ...(flags.budgetCalls !== undefined ? { calls: flags.budgetCalls } : {}),
            ...(flags.budgetTokens !== undefined ? { tokens: flags.budgetTokens } : {}),
          },
        }
      : {}),
    cacheDir: flags.cache ? cacheDir : null,
  };
  return modelConfigFromEnv(env, overrides);
}

export interface ProblemResult {
  id: string;
  status: SolveReport["status"];
  selectedSample: number | null;
  publicPassed: number | null;
  publicTotal: number | null;
  calls: number;
  wallMs: number;
  dir: string;
  /** Hidden tests passed by the selected program, when they were run ("3/5"). */
  hidden?: string;
  error?: string;
}

export function exitCodeFor(results: readonly ProblemResult[]): number {
  return results.length > 0 && results.every((r) => r.status === "solved") ? 0 : 1;
}

/** The final summary table (plain text, aligned). */
export function summaryTable(results: readonly ProblemResult[]): string {
  const withHidden = results.some((r) => r.hidden !== undefined);
  const rows = [
    ["problem", "status", "selected", "public", ...(withHidden ? ["hidden"] : []), "calls", "time"],
    ...results.map((r) => [
      r.id,
      r.status,
      r.selectedSample === null ? "-" : String(r.selectedSample),
      r.publicPassed === null ? "-" : `${r.publicPassed}/${r.publicTotal}`,
      ...(withHidden ? [r.hidden ?? "-"] : []),
      String(r.calls),
      `${(r.wallMs / 1000).toFixed(1)} s`,
    ]),
  ];
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  const lines = rows.map((r) => r.map((cell, c) => cell.padEnd(widths[c]!)).join("  ").trimEnd());
  lines.splice(1, 0, widths.map((w) => "-".repeat(w)).join("  "));
  const solved = results.filter((r) => r.status === "solved").length;
  lines.push("", `${solved} of ${results.length} solved`);
  return lines.join("\n");
}

/** Prints progress: one line per stage rewritten in place on a TTY, milestone lines otherwise. */
export function progressPrinter(stream: NodeJS.WriteStream | NodeJS.WritableStream, isTTY: boolean, id: string, samples: number) {
  let state = initialProgress(samples);
  let lastStage = state.stage;
  let lastLine = "";
  return (event: ProgressEvent): void => {
    state = reduceProgress(state, event);
    const line = progressLine(id, state);
    if (isTTY) {
      if (state.stage !== lastStage) stream.write("\n");
      if (line !== lastLine) stream.write(`\r\x1b[2K${line}`);
      if (event.type === "done") stream.write("\n");
    } else if (isMilestone(event) && line !== lastLine) {
      stream.write(`${line}\n`);
    } else {
      return;
    }
    lastStage = state.stage;
    lastLine = line;
  };
}

export interface SolveRunDeps {
  model: ModelClient;
  sandbox: Sandbox;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WriteStream | NodeJS.WritableStream;
  isTTY: boolean;
  signal?: AbortSignal;
}

/** Solves the problems one after another (each one fully concurrent inside) and writes the files. */
export async function solveAll(
  specs: readonly ProblemSpec[],
  options: Omit<SolveOptions, "onProgress" | "signal">,
  outDir: string,
  deps: SolveRunDeps,
  json: boolean,
  /** Runs after each solve, before the files are written (the demo grades hidden tests here). */
  afterSolve?: (spec: ProblemSpec, report: SolveReport) => Promise<SolveReport>,
): Promise<{ results: ProblemResult[]; reports: SolveReport[] }> {
  const results: ProblemResult[] = [];
  const reports: SolveReport[] = [];
  for (const spec of specs) {
    if (deps.signal?.aborted) break;
    const dir = join(outDir, spec.id);
    const solved = await solve(spec, { model: deps.model, sandbox: deps.sandbox }, {
      ...options,
      onProgress: progressPrinter(deps.stderr, deps.isTTY, spec.id, options.samples),
      ...(deps.signal ? { signal: deps.signal } : {}),
    });
    const report = afterSolve ? await afterSolve(spec, solved) : solved;
    await writeProblemFiles(dir, spec, report);
    if (!json) deps.stdout.write(`\n${renderReportMarkdown(report, { variant: "terminal" })}`);
    reports.push(report);
    results.push({
      id: spec.id,
      status: report.status,
      selectedSample: report.selected?.sample ?? null,
      publicPassed: report.selected?.publicPassed ?? null,
      publicTotal: report.selected?.publicTotal ?? null,
      calls: report.usage.total.calls,
      wallMs: report.timings.totalMs,
      dir,
      ...(report.hidden ? { hidden: `${report.hidden.passed}/${report.hidden.total}` } : {}),
      ...(report.error !== undefined ? { error: report.error } : {}),
    });
  }
  return { results, reports };
}

export async function writeProblemFiles(dir: string, spec: ProblemSpec, report: SolveReport): Promise<void> {
  await mkdir(dir, { recursive: true });
  const writes = [
    writeFile(join(dir, "report.json"), `${JSON.stringify(report, null, 2)}\n`),
    writeFile(join(dir, "report.md"), renderReportMarkdown(report, { variant: "summary" })),
  ];
  if (report.selected) writes.push(writeFile(join(dir, `solution.${LANGUAGE_EXTENSION[spec.language]}`), report.selected.code));
  await Promise.all(writes);
}

interface RawOptions {
  samples: number;
  rounds: number;
  selection: StrategyName;
  out: string;
  baseUrl?: string;
  model?: string;
  judgeModel?: string;
  budgetCalls?: number;
  budgetTokens?: number;
  concurrency?: number;
  sandbox: SandboxChoice;
  cache: boolean;
  json: boolean;
  temperature?: number;
  cacheDir: string;
}

export function registerSolve(program: Command): void {
  program
    .command("solve")
    .description("Solve problems with S*: sample, debug on the public tests, select by distinguishing inputs. Writes <out>/<id>/solution.<ext>, report.json, report.md.")
    .argument("<spec...>", "problem spec files, folders or globs")
    .option("--samples <n>", "parallel samples (N)", positiveInt("--samples"), DEFAULT_SOLVE_OPTIONS.samples)
    .option("--rounds <r>", "debugging rounds after the first generation (R)", nonNegativeInt("--rounds"), DEFAULT_SOLVE_OPTIONS.rounds)
    .option("--selection <name>", `selection strategy: ${STRATEGY_NAMES.join(", ")}`, strategyArg, DEFAULT_SOLVE_OPTIONS.selection)
    .option("--temperature <t>", "sampling temperature", (v) => {
      const t = Number(v);
      if (!Number.isFinite(t) || t < 0 || t > 2) throw new InvalidArgumentError("--temperature must be a number from 0 to 2");
      return t;
    })
    .option("--out <dir>", "output folder", "sstar-out")
    .option("--base-url <url>", "OpenAI-compatible base URL (default: $OPENAI_BASE_URL or OpenAI)")
    .option("--model <name>", "model for generation and debugging (default: $SSTAR_MODEL)")
    .option("--judge-model <name>", "model for input synthesis and judging (default: the main model)")
    .option("--budget-calls <n>", "stop after this many model calls in total", nonNegativeInt("--budget-calls"))
    .option("--budget-tokens <n>", "stop after this many tokens in total", nonNegativeInt("--budget-tokens"))
    .option("--concurrency <n>", "model calls in flight at once", positiveInt("--concurrency"))
    .option("--sandbox <kind>", `isolation: ${SANDBOX_CHOICES.join(", ")} (none is no isolation)`, sandboxArg, "auto")
    .option("--cache-dir <dir>", "model reply cache folder", ".sstar-cache/model")
    .option("--no-cache", "do not read or write the model reply cache")
    .option("--json", "print a JSON summary on stdout instead of the tables", false)
    .action(async (specPaths: string[], raw: RawOptions) => {
      process.exitCode = await runSolveCommand(specPaths, raw);
    });
}

async function runSolveCommand(specPaths: string[], raw: RawOptions): Promise<number> {
  const err = (line: string) => process.stderr.write(`sstar solve: ${line}\n`);
  const loaded = await loadSpecs(specPaths);
  for (const e of loaded.errors) err(formatSpecError(e));
  if (loaded.specs.length === 0) {
    err("no problem specs loaded: pass spec files, folders or globs (see docs/specs.md)");
    return 2;
  }
  let config: ModelConfig;
  try {
    config = modelConfigFromFlags(process.env, raw, raw.cacheDir);
  } catch (error) {
    if (error instanceof ModelConfigError) {
      err(error.message);
      return 2;
    }
    throw error;
  }
  const model = createModelClient({ ...config, log: (line) => err(line) });
  let sandbox: Sandbox;
  try {
    sandbox = await createSandbox({ backend: raw.sandbox });
  } catch (error) {
    err(`sandbox: ${(error as Error).message}`);
    return 2;
  }
  const controller = new AbortController();
  const onSigint = () => {
    err("interrupted: finishing with what each run has");
    controller.abort();
  };
  process.once("SIGINT", onSigint);
  try {
    const { results } = await solveAll(
      loaded.specs,
      {
        samples: raw.samples,
        rounds: raw.rounds,
        selection: raw.selection,
        temperature: raw.temperature ?? DEFAULT_SOLVE_OPTIONS.temperature,
        modelName: config.model,
        judgeModelName: config.judge?.model ?? config.model,
        sandboxName: sandbox.backend,
        replay: false,
      },
      resolve(raw.out),
      { model, sandbox, stdout: process.stdout, stderr: process.stderr, isTTY: process.stderr.isTTY === true, signal: controller.signal },
      raw.json,
    );
    if (raw.json) process.stdout.write(`${JSON.stringify({ results, specErrors: loaded.errors.map(formatSpecError) }, null, 2)}\n`);
    else process.stdout.write(`\n${summaryTable(results)}\n`);
    return loaded.errors.length > 0 ? Math.max(1, exitCodeFor(results)) : exitCodeFor(results);
  } finally {
    process.off("SIGINT", onSigint);
    await sandbox.close();
  }
}
