// `sstar eval <specs...> --out results.json [--shard i/n] [--costs FILE]`: solve every problem (or
// one shard of them), grade the picks on the hidden tests, write results after every problem.
// A rerun with the same --out resumes: finished problems are skipped, the model cache replays the
// calls of the one that was interrupted.
// Exit code: 0 done, 1 done but some spec files were broken, 2 usage or configuration error,
// 3 incomplete (more than --max-not-attempted of the problems could not be attempted: the endpoint,
// the credentials, the budget, the deadline or the sandbox failed), 130 interrupted (the results so
// far are kept).
import { InvalidArgumentError, type Command } from "commander";
import { DEFAULT_MAX_NOT_ATTEMPTED_PCT, evalProgressLine, parseShard, runEvalJob, runIncompleteness, type ShardSelector } from "../../eval/index.ts";
import { addModelFlags, addSolveFlags, closeModel, interruptible, LIMITS, nonNegativeInt, openSolveRun, positiveInt, solveOptionsFromFlags, type ModelFlags, type SolveSettingsFlags } from "../options.ts";
import { createModelClient } from "../../model/index.ts";
import { EXIT_INCOMPLETE, percentArg } from "./compare.ts";

interface EvalFlags extends ModelFlags, SolveSettingsFlags {
  out: string;
  shard?: ShardSelector;
  costs?: string;
  problemConcurrency: number;
  maxNotAttempted: number;
  confirm: number;
  baseline?: string;
  calibrate: boolean;
  calibrationReference?: number;
}

function referenceMsArg(value: string): number {
  const ms = Number(value);
  if (!(Number.isFinite(ms) && ms > 0)) throw new InvalidArgumentError(`--calibration-reference must be a time in milliseconds > 0, got ${JSON.stringify(value)}`);
  return ms;
}

function shardArg(value: string): ShardSelector {
  try {
    return parseShard(value);
  } catch (error) {
    throw new InvalidArgumentError((error as Error).message);
  }
}

export function registerEval(program: Command): void {
  const command = program
    .command("eval")
    .description("Evaluate: solve each problem, grade the selected program (and the first/majority baselines and the oracle) on the hidden tests, write a results file. Resumes an existing --out.")
    .argument("<spec...>", "problem spec files, folders or globs (specs need hidden tests)")
    .requiredOption("--out <file>", "results file (JSON), written after every problem; an existing one is resumed")
    .option("--shard <i/n>", "evaluate only shard i of n (1-based), split evenly by estimated cost", shardArg)
    .option("--costs <file>", "an earlier results file: split shards by its measured wall times")
    .option("--problem-concurrency <n>", `problems solved at once (1 to ${LIMITS.problemConcurrency})`, positiveInt("--problem-concurrency", LIMITS.problemConcurrency), 1)
    .option("--max-not-attempted <pct>", "exit 3 (incomplete) when more than this percentage of the problems could not be attempted", percentArg("--max-not-attempted"), DEFAULT_MAX_NOT_ATTEMPTED_PCT)
    .option("--confirm <n>", "solve problems that newly fail against --baseline again, up to n times, with fresh samples (no reply cache): a pass makes them flaky", nonNegativeInt("--confirm"), 0)
    .option("--baseline <file>", "baseline results file for --confirm (a missing file: nothing to confirm against)")
    .option("--calibrate", "time a fixed calibration program first and scale every time limit by (its time here / its reference time), at least 1; recorded in the results", false)
    .option("--calibration-reference <ms>", "with --calibrate: the calibration program's time on the reference runner, ms (default: sstar's own figure, or take meta.calibration[0].measuredMs of your baseline)", referenceMsArg);
  addSolveFlags(command);
  addModelFlags(command);
  command.action(async (specPaths: string[], flags: EvalFlags) => {
    process.exitCode = await runEvalCommand(specPaths, flags, program.version() ?? "unknown");
  });
}

async function runEvalCommand(specPaths: string[], flags: EvalFlags, toolVersion: string): Promise<number> {
  if (flags.confirm > 0 && flags.baseline === undefined) {
    process.stderr.write("sstar eval: --confirm needs --baseline FILE: the problems to confirm are those that newly fail against it\n");
    return 2;
  }
  const run = await openSolveRun("eval", specPaths, flags, [{ flag: "--out", path: flags.out, kind: "file" }]);
  if (run === null) return 2;
  const { err, loaded, config, model, sandbox } = run;
  const deadline = flags.deadline !== undefined ? new Date(Date.now() + flags.deadline) : undefined;
  if (flags.calibrationReference !== undefined && !flags.calibrate) {
    err("--calibration-reference needs --calibrate");
    return 2;
  }
  try {
    const { result: results, interrupted } = await interruptible(err, "stopping after saving the finished problems", flags.deadline, (signal) =>
      runEvalJob({
        specs: loaded.specs,
        model,
        sandbox,
        solve: solveOptionsFromFlags(flags, config, sandbox.backend),
        out: flags.out,
        ...(flags.shard ? { shard: flags.shard } : {}),
        ...(flags.costs !== undefined ? { costsFile: flags.costs } : {}),
        ...(flags.calibrate ? { calibrate: flags.calibrationReference !== undefined ? { referenceMs: flags.calibrationReference } : {} } : {}),
        onCalibrated: (c) => err(`time calibration: ${c.program} took ${c.measuredMs} ms here (runs ${c.runs.join(", ")} ms), ${c.referenceMs} ms on the reference runner: time limits × ${c.scale}`),
        toolVersion,
        concurrency: flags.problemConcurrency,
        signal,
        ...(deadline ? { deadline } : {}),
        // The retries must be new samples: a client without the reply cache.
        ...(flags.confirm > 0 && flags.baseline !== undefined ? { confirm: { times: flags.confirm, baselineFile: flags.baseline, model: createModelClient({ ...config, cacheDir: null, log: err }) } } : {}),
        onProgress: (event) => {
          const line = evalProgressLine(event);
          if (line !== null) process.stderr.write(`${line}\n`);
        },
      }),
    );
    const s = results.summary;
    const notAttempted = s.notAttempted > 0 ? `, ${s.notAttempted} not attempted (${Object.entries(s.notAttemptedByCause).map(([k, v]) => `${v} ${k}`).join(", ")})` : "";
    const flaky = `${s.flaky > 0 ? `, ${s.flaky} flaky` : ""}${s.timingSensitive > 0 ? `, ${s.timingSensitive} timing-sensitive` : ""}`;
    const interval = s.graded > 0 ? `, 95% interval ${(100 * s.solveRateLow).toFixed(1)}–${(100 * s.solveRateHigh).toFixed(1)}%` : "";
    process.stdout.write(
      `${flags.out}: ${s.graded === 0 ? "no problem graded" : `${s.solved}/${s.graded} graded solved on hidden tests (${((100 * s.solved) / s.graded).toFixed(1)}%)`}${notAttempted}${flaky}${interval}, ` +
        `${[`oracle ${s.oracle}`, ...Object.entries(s.baselines).map(([k, v]) => `${k} ${v}`)].join(", ")}; ${s.usage.calls} model calls (${s.usage.cachedCalls} cached), $${s.usage.costUsd.toFixed(4)}\n`,
    );
    // An unusable endpoint is named once here; the run is then incomplete (exit 3), not a usage error.
    const setup = await closeModel(model, err);
    if (interrupted) return 130;
    const incomplete = runIncompleteness(results, flags.maxNotAttempted);
    if (incomplete !== null) {
      err(`incomplete: ${incomplete}; these problems are retried when you rerun the same command`);
      return EXIT_INCOMPLETE;
    }
    if (setup !== undefined) return setup;
    return loaded.errors.length > 0 ? 1 : 0;
  } catch (error) {
    err((error as Error).message);
    return 2;
  } finally {
    await run.close();
  }
}
