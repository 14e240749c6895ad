// Solving the plan's problems in this job: the working comment first (so whoever asked sees at
// once that the run started), then one solve per problem on one model client and one sandbox,
// until the stop signal (a signal from the entry, or the run's deadline).
import { readCassetteHeader } from "../model/cassette.ts";
import { basename, resolve } from "node:path";
import { DEFAULT_SOLVE_OPTIONS, solve } from "../engine/index.ts";
import type { SolveReport } from "../engine/report.ts";
import { workingComment } from "../github/text.ts";
import { createModelClient } from "../model/index.ts";
import { modelConfigFromEnv } from "../model/config.ts";
import { folderProblem } from "../report/writable.ts";
import { createSandbox } from "../sandbox/index.ts";
import type { ProblemSpec } from "../spec/index.ts";
import type { ActionInputs } from "./inputs.ts";
import { solveDeadlineMs } from "./limits.ts";
import type { ActionIO, ActionResult, RunControl } from "./outcome.ts";
import { ProgressLog } from "./progress.ts";
import type { ActionRun, Plan, Problem } from "./run-state.ts";
import { postStatusComment } from "./status-comment.ts";
import type { Solvers } from "./schedule.ts";
import { openActionLocalModel, type ActionLocalModel } from "./local-model.ts";

/** Each problem's report by key, or (the model or sandbox could not be set up) the run's result. */
export async function solveProblems(run: ActionRun, plan: Plan, issueNumber: number | undefined): Promise<Map<string, SolveReport> | ActionResult> {
  const { inputs, ctx, io, clean, result } = run;
  const reports = new Map<string, SolveReport>();
  if (plan.problems.length === 0) return reports;
  // The result folder is written at the end: a folder that can't be written is found now, before any model call.
  const unwritable = await folderProblem(run.resultDir);
  if (unwritable !== undefined) return run.failEarly(new Error(`input "result-dir" ${inputs.resultDir}: can't write there (${unwritable}); set result-dir to a folder in the workspace the job can write`), issueNumber);
  // Publishing later edits the same comment (same marker) into the result.
  if (run.writes && inputs.comment) await postWorkingComments(run, plan.problems);
  const stop = stopSignal(inputs, run.control, io, (why) => (result.stopped = why));
  let shared: Solvers;
  try {
    shared = await openSolvers(inputs, run.env, io, inputs.cacheDir !== undefined ? resolve(ctx.workspace, inputs.cacheDir) : null, ctx.workspace);
  } catch (error) {
    stop.dispose();
    return run.failEarly(error, issueNumber);
  }
  try {
    for (const p of plan.problems) {
      if (stop.signal.aborted) {
        run.problemFailed(p.ref.key, `${p.ref.key}: not started: the run stopped (${result.stopped ?? "aborted"})`);
        continue;
      }
      try {
        const report = await solveOne(p.ref.key, p.spec, shared, io, stop.signal);
        // The model could not be used at all (no answer): a failure of the set-up, never a
        // result, so nothing is published and an earlier result stays.
        if (report.status === "error") run.problemFailed(p.ref.key, clean(modelUnusableLine(p.ref.key, report.error)));
        else reports.set(p.ref.key, report);
      } catch (error) {
        const line = `${p.ref.key}: ${clean((error as Error).message)}`;
        run.problemFailed(p.ref.key, line);
        io.error(line);
      }
    }
  } finally {
    stop.dispose();
    await shared.close();
  }
  if (result.stopped !== undefined) run.failures.push(`the run stopped before it finished (${result.stopped}); the partial report is in ${inputs.resultDir}`);
  return reports;
}

/** One line: which problem, that the model gave no answer, the cause (its message names the input to fix). */
export function modelUnusableLine(key: string, error: string | undefined): string {
  return `${key}: the model could not be used, so nothing was published: ${error ?? "no model call succeeded"}`;
}

export async function openSolvers(
  inputs: ActionInputs,
  env: Record<string, string | undefined>,
  io: ActionIO,
  cacheDir: string | null,
  /** The checkout: `replay` is a path inside it, whatever the current folder. */
  workspace: string,
): Promise<Solvers> {
  // model: local runs the model on the runner; it needs no key and no base URL.
  const local: ActionLocalModel | undefined =
    inputs.model === "local" || inputs.model.startsWith("local:") ? await openActionLocalModel(inputs.model, env as NodeJS.ProcessEnv, io, { ...(inputs.timeoutMs !== undefined ? { timeoutMs: inputs.timeoutMs } : {}) }) : undefined;
  try {
    return await openSolversOn(inputs, env, io, cacheDir, workspace, local);
  } catch (error) {
    await local?.close();
    throw error;
  }
}

async function openSolversOn(inputs: ActionInputs, env: Record<string, string | undefined>, io: ActionIO, cacheDir: string | null, workspace: string, local: ActionLocalModel | undefined): Promise<Solvers> {
  const endpoint = local?.endpoint;
  // A replayed run names the models the cassette was recorded with (they wrote every answer), not the inputs' defaults.
  const recorded = inputs.replay !== undefined ? await readCassetteHeader(resolve(workspace, inputs.replay)) : undefined;
  const judgeModel = recorded !== undefined ? recorded.judgeModel : inputs.judgeModel;
  const config = modelConfigFromEnv(env as NodeJS.ProcessEnv, {
    ...(inputs.baseUrl !== undefined ? { baseUrl: inputs.baseUrl } : {}),
    ...(inputs.apiKey !== undefined ? { apiKey: inputs.apiKey } : {}),
    model: recorded?.model ?? inputs.model,
    ...(endpoint !== undefined ? { baseUrl: endpoint.baseUrl, apiKey: endpoint.apiKey, model: endpoint.model, concurrency: endpoint.concurrency, timeoutMs: endpoint.timeoutMs } : {}),
    ...(judgeModel !== undefined || inputs.judgeBaseUrl !== undefined || inputs.judgeApiKey !== undefined
      ? {
          judge: {
            ...(judgeModel !== undefined ? { model: judgeModel } : {}),
            ...(inputs.judgeBaseUrl !== undefined ? { baseUrl: inputs.judgeBaseUrl } : {}),
            ...(inputs.judgeApiKey !== undefined ? { apiKey: inputs.judgeApiKey } : {}),
          },
        }
      : {}),
    ...(inputs.budget !== undefined ? { budget: inputs.budget } : {}),
    ...(inputs.prices !== undefined ? { prices: inputs.prices } : {}),
    ...(inputs.stream ? { stream: true } : {}),
    ...(inputs.timeoutMs !== undefined && endpoint === undefined ? { timeoutMs: inputs.timeoutMs } : {}),
    ...(inputs.maxRetries !== undefined ? { maxRetries: inputs.maxRetries } : {}),
    // The deadline ends every model call; each problem then picks from what it has.
    ...(inputs.deadlineMs !== undefined ? { signal: AbortSignal.timeout(inputs.deadlineMs) } : {}),
    // A replay sends nothing anywhere: no key, no cache.
    ...(inputs.replay !== undefined ? { cassette: { replay: resolve(workspace, inputs.replay) }, ...(inputs.apiKey === undefined ? { apiKey: "replay-needs-no-key" } : {}) } : {}),
    cacheDir: inputs.replay !== undefined ? null : cacheDir,
    log: (line) => io.info(line),
  });
  for (const s of [config.apiKey, config.judge?.apiKey]) if (s !== undefined && s.length >= 4) io.setSecret(s);
  const model = createModelClient(config);
  // Compiles too are held to max-time-ms and max-memory-mb; with the local model, decoding threads
  // and sandbox workers never share a core (splitCores).
  const sandbox = await createSandbox({
    backend: inputs.sandbox,
    log: (line) => io.info(line),
    caps: { timeMs: inputs.maxTimeMs, memoryMb: inputs.maxMemoryMb },
    ...(local !== undefined ? { workers: local.local.sandboxWorkers } : {}),
  });
  io.info(`sandbox: ${sandbox.backend}; model: ${config.model}${config.judge?.model !== undefined ? `; judge: ${config.judge.model}` : ""}`);
  return {
    model,
    sandbox,
    async close() {
      await sandbox.close();
      await local?.close();
    },
    options: {
      samples: inputs.samples,
      ...(inputs.maxSamples !== undefined ? { maxSamples: inputs.maxSamples } : {}),
      rounds: inputs.rounds,
      selection: inputs.selection,
      ...(inputs.selectionBudget !== undefined ? { selectionBudget: inputs.selectionBudget } : {}),
      ...(inputs.minConfidence !== undefined ? { minConfidence: inputs.minConfidence } : {}),
      temperature: DEFAULT_SOLVE_OPTIONS.temperature,
      modelName: config.model,
      judgeModelName: config.judge?.model ?? config.model,
      sandboxName: sandbox.backend,
      ...(inputs.replay !== undefined ? { cassette: basename(inputs.replay) } : {}),
    },
  };
}

async function solveOne(name: string, spec: ProblemSpec, shared: Solvers, io: ActionIO, signal: AbortSignal): Promise<SolveReport> {
  const log = new ProgressLog(io, name);
  log.stage("generate and debug");
  try {
    return await solve(spec, { model: shared.model, sandbox: shared.sandbox }, { ...shared.options, signal, onProgress: (e) => log.event(e) });
  } finally {
    log.close();
  }
}

/** The working comment on each issue kata of the run; a failure to post it is only a warning. */
async function postWorkingComments(run: ActionRun, problems: Problem[]): Promise<void> {
  const { inputs, ctx, io, clean } = run;
  for (const p of problems) {
    if (p.ref.issueNumber === undefined) continue;
    const body = workingComment(p.ref, { samples: inputs.samples, ...(inputs.maxSamples !== undefined ? { maxSamples: inputs.maxSamples } : {}), rounds: inputs.rounds, model: inputs.model, ...(ctx.runUrl !== undefined ? { runUrl: ctx.runUrl } : {}), clamped: p.clamped });
    const note = `A rerun started${ctx.runUrl !== undefined ? ` (${ctx.runUrl})` : ""}; this result, from an earlier run, stays until the rerun has one.`;
    try {
      const posted = await postStatusComment(run.gh(), p.ref.issueNumber, p.ref.key, clean(body), clean(note));
      io.info(`${p.ref.key}: ${posted === "noted" ? "the earlier result kept, a note added" : "working comment posted"} on #${p.ref.issueNumber}`);
    } catch (error) {
      io.warning(`could not post the working comment on #${p.ref.issueNumber}: ${clean((error as Error).message)}`);
    }
  }
}

/**
 * The signal that stops solving: the entry's (SIGINT/SIGTERM) or the run's deadline
 * (timeout-minutes less the time kept for publishing), whichever comes first. `onStop` gets why.
 */
function stopSignal(inputs: ActionInputs, control: RunControl, io: ActionIO, onStop: (why: string) => void): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  const stop = (why: string) => {
    if (controller.signal.aborted) return;
    onStop(why);
    io.warning(`stopping: ${why}; the finished work is published and the partial report written`);
    controller.abort(why);
  };
  const onAbort = () => stop(typeof control.signal?.reason === "string" ? control.signal.reason : "interrupted");
  if (control.signal?.aborted) onAbort();
  control.signal?.addEventListener("abort", onAbort, { once: true });
  const deadline = solveDeadlineMs(inputs.timeoutMinutes);
  const timer = deadline !== undefined ? setTimeout(() => stop(`timeout-minutes ${inputs.timeoutMinutes} is near: solving stopped after ${Math.round(deadline / 1000)} s to leave time to publish`), deadline) : undefined;
  timer?.unref();
  return {
    signal: controller.signal,
    dispose() {
      if (timer !== undefined) clearTimeout(timer);
      control.signal?.removeEventListener("abort", onAbort);
    },
  };
}

