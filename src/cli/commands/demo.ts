// `sstar demo`: the real S* pipeline (real HTTP, real model client, real sandbox) on a few
// HumanEval tasks, offline. Without --base-url the model is a local REPLAY: generation serves real
// CodeGen-16B programs from the shared pool, input synthesis serves that model's own test calls,
// and the judge is SCRIPTED (see src/cli/demo/replay-model.ts). Everything it shows says "replay".
// With --base-url/--model (and OPENAI_API_KEY) the same run goes to a real model.
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { Command } from "commander";
import { DEFAULT_SOLVE_OPTIONS, STRATEGY_NAMES, type StrategyName } from "../../engine/index.ts";
import { createModelClient, modelConfigFromEnv, type ModelConfig } from "../../model/index.ts";
import { ModelConfigError } from "../../model/types.ts";
import { createSandbox, gradeProgram, type BackendChoice } from "../../sandbox/index.ts";
import type { SolveReport } from "../../engine/report.ts";
import type { Sandbox } from "../../sandbox/types.ts";
import { importHumanEval } from "../../spec/importers/humaneval.ts";
import { specFromObject } from "../../spec/load.ts";
import type { ProblemSpec } from "../../spec/schema.ts";
import { loadPoolTasks } from "../demo/pool.ts";
import { REPLAY_JUDGE_NAME, REPLAY_MODEL_NAME, startReplayModel } from "../demo/replay-model.ts";
import { exitCodeFor, nonNegativeInt, positiveInt, sandboxArg, solveAll, strategyArg, summaryTable, type SandboxChoice } from "./solve.ts";
import { InvalidArgumentError } from "commander";

/** Tasks whose first pool samples mix correct and wrong programs (a selection is needed). */
export const DEFAULT_DEMO_TASKS = ["HumanEval/3", "HumanEval/5", "HumanEval/24"];

interface DemoOptions {
  data: string;
  tasks: string;
  samples: number;
  rounds: number;
  selection: StrategyName;
  judgeAccuracy: number;
  out: string;
  baseUrl?: string;
  model?: string;
  judgeModel?: string;
  sandbox: SandboxChoice;
}

function probability(value: string): number {
  const p = Number(value);
  if (!Number.isFinite(p) || p < 0 || p > 1) throw new InvalidArgumentError("--judge-accuracy must be a number from 0 to 1");
  return p;
}

export function registerDemo(program: Command): void {
  program
    .command("demo")
    .description(
      "Run S* offline on a few HumanEval tasks against a local REPLAY model: real CodeGen-16B programs and test inputs from the shared pool, a scripted judge. With --base-url and --model, runs against a real model instead.",
    )
    .option("--data <dir>", "the shared data folder (humaneval.jsonl, pools/)", "../shared/data")
    .option("--tasks <ids>", "comma-separated HumanEval task ids", DEFAULT_DEMO_TASKS.join(","))
    .option("--samples <n>", "parallel samples (N)", positiveInt("--samples"), DEFAULT_SOLVE_OPTIONS.samples)
    .option("--rounds <r>", "debugging rounds", nonNegativeInt("--rounds"), DEFAULT_SOLVE_OPTIONS.rounds)
    .option("--selection <name>", `selection strategy: ${STRATEGY_NAMES.join(", ")}`, strategyArg, DEFAULT_SOLVE_OPTIONS.selection)
    .option("--judge-accuracy <p>", "replay only: probability that the scripted judge is right", probability, 0.8)
    .option("--out <dir>", "output folder for report.json, report.md, solution.py", join(tmpdir(), "sstar-demo"))
    .option("--base-url <url>", "run against this OpenAI-compatible endpoint instead of the replay")
    .option("--model <name>", "model name (with --base-url)")
    .option("--judge-model <name>", "judge model name (with --base-url)")
    .option("--sandbox <kind>", "isolation: auto, bwrap, none", sandboxArg, "auto")
    .action(async (opts: DemoOptions) => {
      process.exitCode = await runDemo(opts);
    });
}

async function runDemo(opts: DemoOptions): Promise<number> {
  const err = (line: string) => process.stderr.write(`sstar demo: ${line}\n`);
  const dataDir = resolve(opts.data);
  const taskIds = opts.tasks.split(",").map((t) => t.trim()).filter((t) => t !== "");
  const live = opts.baseUrl !== undefined;
  let loaded: Awaited<ReturnType<typeof loadPoolTasks>>;
  let specs: ProblemSpec[];
  try {
    loaded = await loadPoolTasks(dataDir, taskIds);
    const imported = await importHumanEval(loaded.humanevalLines.join("\n"));
    specs = imported.specs.map((s) => specFromObject(s, `${dataDir}/humaneval.jsonl`));
  } catch (error) {
    err(`${(error as Error).message} (data folder: ${dataDir}; pass --data DIR)`);
    return 2;
  }
  let config: ModelConfig | undefined;
  if (live) {
    try {
      config = modelConfigFromEnv(process.env, {
        baseUrl: opts.baseUrl!,
        ...(opts.model !== undefined ? { model: opts.model } : {}),
        ...(opts.judgeModel !== undefined ? { judge: { model: opts.judgeModel } } : {}),
        cacheDir: null,
      });
    } catch (error) {
      if (error instanceof ModelConfigError) {
        err(error.message);
        return 2;
      }
      throw error;
    }
  }
  let sandbox: Sandbox;
  try {
    sandbox = await createSandbox({ backend: opts.sandbox as BackendChoice });
  } catch (error) {
    err((error as Error).message);
    return 2;
  }
  const replay = live
    ? undefined
    : await startReplayModel({
        tasks: loaded.tasks,
        samples: opts.samples,
        judgeAccuracy: opts.judgeAccuracy,
        canonicalOutput: canonicalRunner(sandbox, specs, loaded.tasks),
      });
  try {
    const modelConfig: ModelConfig = config ?? { baseUrl: replay!.url, apiKey: "replay", model: REPLAY_MODEL_NAME, cacheDir: null, concurrency: 8 };
    const model = createModelClient(modelConfig);
    if (!live) {
      process.stdout.write(
        [
          "REPLAY DEMO: the real S* pipeline over real HTTP against a local replay model.",
          "  programs: real CodeGen-16B samples from the shared pool (sample i = pool program i; a debugging round serves program i+N)",
          "  inputs:   CodeGen-16B's own test calls (arguments only)",
          `  judge:    SCRIPTED: prefers the output of the canonical solution, right with probability ${opts.judgeAccuracy}`,
          "",
        ].join("\n"),
      );
    }
    const { results } = await solveAll(
      specs,
      {
        samples: opts.samples,
        rounds: opts.rounds,
        selection: opts.selection,
        temperature: DEFAULT_SOLVE_OPTIONS.temperature,
        modelName: live ? modelConfig.model : REPLAY_MODEL_NAME,
        judgeModelName: live ? (modelConfig.judge?.model ?? modelConfig.model) : REPLAY_JUDGE_NAME,
        sandboxName: sandbox.backend,
        replay: !live,
      },
      resolve(opts.out),
      { model, sandbox, stdout: process.stdout, stderr: process.stderr, isTTY: process.stderr.isTTY === true },
      false,
      (spec, report) => withHiddenResult(sandbox, spec, report),
    );
    process.stdout.write(`\n${live ? "" : "[REPLAY] "}${summaryTable(results)}\n`);
    process.stdout.write(`Reports: ${resolve(opts.out)}/<id>/report.md\n`);
    // The demo succeeded when it ran; its exit code still says whether everything was solved.
    return live ? exitCodeFor(results) : 0;
  } finally {
    await replay?.close();
    await sandbox.close();
  }
}

/**
 * Grades the selected program on the task's hidden HumanEval check (never shown to the model), so
 * the demo shows whether the selection was actually right.
 */
async function withHiddenResult(sandbox: Sandbox, spec: ProblemSpec, report: SolveReport): Promise<SolveReport> {
  if (!report.selected || spec.tests.hidden.length === 0) return report;
  const grade = await gradeProgram(sandbox, spec, { language: spec.language, code: report.selected.code }, spec.tests.hidden);
  return { ...report, hidden: { passed: grade.passed, total: grade.total } };
}

/** The scripted judge's ground truth: the canonical HumanEval solution run in the sandbox. */
function canonicalRunner(sandbox: Sandbox, specs: readonly ProblemSpec[], tasks: readonly { taskId: string; canonical: string }[]) {
  const cache = new Map<string, Promise<string | null>>();
  return (taskId: string, input: string): Promise<string | null> => {
    const key = `${taskId}\0${input}`;
    let p = cache.get(key);
    if (!p) {
      const task = tasks.find((t) => t.taskId === taskId);
      const spec = specs.find((s) => s.title.startsWith(`${taskId}:`));
      p =
        task && spec
          ? sandbox
              .run({ program: { language: "python", code: task.canonical }, io: spec.io, input, limits: spec.limits })
              .then((r) => (r.status === "ok" ? r.output : null))
          : Promise.resolve(null);
      cache.set(key, p);
    }
    return p;
  };
}
