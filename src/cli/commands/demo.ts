// `sstar demo`: the real S* pipeline (real HTTP, real model client, real sandbox) on a few
// HumanEval tasks, offline. Without --base-url the model is a local REPLAY: generation serves real
// CodeGen-16B programs from the shared pool, input synthesis serves that model's own test calls,
// and the judge is SCRIPTED (see src/cli/demo/replay-model.ts). Everything it shows says "replay".
// With --base-url/--model (and OPENAI_API_KEY) the same run goes to a real model.
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { InvalidArgumentError, type Command } from "commander";
import { createModelClient } from "../../model/index.ts";
import { gradeProgram } from "../../sandbox/index.ts";
import type { SolveReport } from "../../engine/report.ts";
import { DEFAULT_MAX_SAMPLES } from "../../engine/waves.ts";
import type { Sandbox } from "../../sandbox/types.ts";
import { importHumanEval } from "../../spec/importers/humaneval.ts";
import { specFromObject } from "../../spec/load.ts";
import type { ProblemSpec } from "../../spec/schema.ts";
import { defaultDemoData, DEMO_TASKS, loadPoolTasks } from "../demo/pool.ts";
import { REPLAY_JUDGE_NAME, REPLAY_MODEL_NAME, startReplayModel } from "../demo/replay-model.ts";
import { addModelFlags, addSolveFlags, closeModel, errorLine, interruptible, modelConfigOrReport, openSandbox, outputsWritable, recordOutput, solveOptionsFromFlags, type ModelFlags, type SolveSettingsFlags } from "../options.ts";
import { exitCodeFor, solveAll, summaryTable, wroteLines } from "./solve.ts";

/** Tasks whose first pool samples mix correct and wrong programs (a selection is needed). */
export const DEFAULT_DEMO_TASKS = ["HumanEval/3", "HumanEval/5", "HumanEval/24"];

interface DemoFlags extends ModelFlags, SolveSettingsFlags {
  data?: string;
  tasks: string;
  judgeAccuracy: number;
  out: string;
}

function probability(value: string): number {
  const p = Number(value);
  if (value.trim() === "" || !Number.isFinite(p) || p < 0 || p > 1) throw new InvalidArgumentError("--judge-accuracy must be a number from 0 to 1");
  return p;
}

export function registerDemo(program: Command): void {
  const command = program
    .command("demo")
    .description(
      "Run S* offline on a few HumanEval tasks against a local REPLAY model: real CodeGen-16B programs and test inputs from the shared pool, a scripted judge. With --base-url (and --model or $SSTAR_MODEL), runs against a real model instead.",
    )
    .option("--data <dir>", "data folder with humaneval.jsonl and pools/ (default: $SSTAR_DATA, else ../shared/data when present, else the repository's demo/humaneval)")
    .option("--tasks <ids>", `comma-separated HumanEval task ids, or "all" for the repository's ${DEMO_TASKS.length}`, DEFAULT_DEMO_TASKS.join(","))
    .option("--judge-accuracy <p>", "replay only: probability that the scripted judge is right", probability, 0.8)
    .option("--out <dir>", "output folder for report.json, report.md, solution.py", join(tmpdir(), "sstar-demo"));
  addSolveFlags(command);
  addModelFlags(command);
  // The shared help speaks of solve; here the endpoint flags switch the replay off.
  for (const option of command.options) {
    if (option.long === "--base-url") option.description = "run against this OpenAI-compatible endpoint instead of the replay";
    else if (conflictingDemoFlags(false, (name) => name === option.attributeName()).length > 0) option.description += " (with --base-url only)";
  }
  command.action(async (flags: DemoFlags) => {
    process.exitCode = await runDemo(flags, (name) => command.getOptionValueSource(name) === "cli");
  });
}

/**
 * The flags that make no sense in the chosen mode: the replay model has no model names, no judge
 * endpoint and no cache (its address changes every run); a real model has no scripted judge.
 * Pure over which flags were given on the command line.
 */
export function conflictingDemoFlags(live: boolean, given: (optionName: string) => boolean): string[] {
  const replayOnly = [["judgeAccuracy", "--judge-accuracy"]];
  const liveOnly = [
    ["model", "--model"],
    ["judgeModel", "--judge-model"],
    ["judgeBaseUrl", "--judge-base-url"],
    ["cacheDir", "--cache-dir"],
    ["cache", "--no-cache"],
  ];
  return (live ? replayOnly : liveOnly).filter(([name]) => given(name!)).map(([, flag]) => flag!);
}

async function runDemo(flags: DemoFlags, given: (optionName: string) => boolean): Promise<number> {
  const err = errorLine("demo");
  const live = flags.baseUrl !== undefined;
  const conflicts = conflictingDemoFlags(live, given);
  if (conflicts.length > 0) {
    err(
      live
        ? `${conflicts.join(", ")}: only for the replay model (without --base-url)`
        : `${conflicts.join(", ")}: only with --base-url (without it the demo runs against the local replay model)`,
    );
    return 2;
  }
  const data = flags.data !== undefined ? { dir: resolve(flags.data), source: "--data" } : defaultDemoData();
  const dataDir = data.dir;
  const taskIds = flags.tasks.trim() === "all" ? [...DEMO_TASKS] : flags.tasks.split(",").map((t) => t.trim()).filter((t) => t !== "");
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
  if (!(await outputsWritable(err, [{ flag: "--out", path: flags.out, kind: "folder" }, ...recordOutput(flags)]))) return 2;
  // The replay's address is known only once it runs: check the other settings (budgets, prices,
  // concurrency) now with a placeholder local address and no environment (no $SSTAR_MODEL etc.).
  const config = live
    ? await modelConfigOrReport(process.env, flags, err)
    : await modelConfigOrReport({}, { ...flags, baseUrl: "http://127.0.0.1/v1", model: REPLAY_MODEL_NAME, cache: false }, err);
  if (config === null) return 2;
  const sandbox = await openSandbox(flags.sandbox, err);
  if (sandbox === null) return 2;
  // Replaying a cassette needs no model server at all.
  const replay = live || flags.replay !== undefined
    ? undefined
    : await startReplayModel({
        tasks: loaded.tasks,
        // The pool's stride between a sample and its debugging reply: the most samples a run draws.
        samples: flags.samples === "auto" ? (flags.maxSamples ?? DEFAULT_MAX_SAMPLES) : flags.samples,
        judgeAccuracy: flags.judgeAccuracy,
        canonicalOutput: canonicalRunner(sandbox, specs, loaded.tasks),
      });
  try {
    const model = createModelClient({ ...config, ...(replay ? { baseUrl: replay.url } : {}), log: err });
    if (!live) {
      process.stdout.write(
        [
          flags.replay !== undefined
            ? `REPLAY DEMO, from the cassette ${flags.replay} (no model server, no network); recorded against the local replay model:`
            : "REPLAY DEMO: the real S* pipeline over real HTTP against a local replay model.",
          `  data:     ${dataDir} (${data.source})`,
          "  programs: real CodeGen-16B samples from the shared pool (sample i = pool program i; a debugging round serves program i+N)",
          "  inputs:   CodeGen-16B's own test calls (arguments only)",
          `  judge:    SCRIPTED: prefers the output of the canonical solution, right with probability ${flags.judgeAccuracy}`,
          "",
        ].join("\n"),
      );
    }
    const options = solveOptionsFromFlags(flags, config, sandbox.backend);
    const {
      result: { results },
      interrupted,
    } = await interruptible(err, "no more model calls; each problem picks from what it has and writes its files", flags.deadline, (signal) =>
      solveAll(
        specs,
        live ? options : { ...options, judgeModelName: REPLAY_JUDGE_NAME, replay: true },
        resolve(flags.out),
        { model, sandbox, stdout: process.stdout, stderr: process.stderr, isTTY: process.stderr.isTTY === true, signal, command: "demo" },
        false,
        (spec, report) => withHiddenResult(sandbox, spec, report),
      ),
    );
    process.stdout.write(`\n${live ? "" : "[REPLAY] "}${summaryTable(results)}\n`);
    process.stdout.write(`${wroteLines(results)}\n`);
    const setup = await closeModel(model, err);
    if (setup !== undefined) return setup;
    if (interrupted) return 130;
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
