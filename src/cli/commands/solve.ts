// `sstar solve <spec...>`: solve each problem with S*, write solution, report.json and report.md
// per problem, show progress per stage and a final summary table.
// Exit code: 0 every problem solved, 1 some unsolved (or errored), 2 usage or configuration error
// (including an endpoint that can't be used and a replay miss), 3 every problem solved or
// uncertain and some uncertain (a pick below --min-confidence), 130 interrupted (docs/cli.md).
import { mkdir, writeFile } from "node:fs/promises";
import { isAbsolute, join, relative, resolve } from "node:path";
import type { Command } from "commander";
import { solve, type SolveOptions } from "../../engine/index.ts";
import { initialProgress, isMilestone, progressLine, reduceProgress } from "../../engine/progress.ts";
import { FIRST_WAVE } from "../../engine/waves.ts";
import type { ProgressEvent } from "../../engine/context.ts";
import { LANGUAGE_EXTENSION } from "../../engine/prompts.ts";
import type { SolveReport } from "../../engine/report.ts";
import type { ModelClient } from "../../model/types.ts";
import { secretsOf } from "../../model/config.ts";
import { redact, redactDeep } from "../../model/redact.ts";
import type { Sandbox } from "../../sandbox/types.ts";
import { rescueFolder, writeFailure } from "../../report/writable.ts";
import { formatSpecError } from "../../spec/errors.ts";
import type { ProblemSpec } from "../../spec/schema.ts";
import { renderReportMarkdown } from "../../report/markdown.ts";
import { addModelFlags, addSolveFlags, closeModel, interruptible, openSolveRun, solveOptionsFromFlags, type ModelFlags, type SolveSettingsFlags } from "../options.ts";

export interface ProblemResult {
  id: string;
  /** "not started": the run was stopped (Ctrl-C, --deadline) before this problem began; it has no files. */
  status: SolveReport["status"] | "not started";
  selectedSample: number | null;
  /** The pick's confidence (report.json `selection.confidence`), when it has one. */
  confidence?: number;
  publicPassed: number | null;
  publicTotal: number | null;
  calls: number;
  wallMs: number;
  dir: string;
  /** The solution's file name in `dir` (solution.py), when one was selected. */
  solution?: string;
  /** Hidden tests passed by the selected program, when they were run ("3/5"). */
  hidden?: string;
  error?: string;
}

/** Exit code of `solve` when some problem's pick is below --min-confidence and none is worse off. */
export const EXIT_UNCERTAIN = 3;

export function exitCodeFor(results: readonly ProblemResult[]): number {
  if (results.length === 0 || results.some((r) => r.status !== "solved" && r.status !== "uncertain")) return 1;
  return results.some((r) => r.status === "uncertain") ? EXIT_UNCERTAIN : 0;
}

/** The final summary table (plain text, aligned). */
export function summaryTable(results: readonly ProblemResult[]): string {
  const withHidden = results.some((r) => r.hidden !== undefined);
  const rows = [
    ["problem", "status", "selected", "confidence", "public", ...(withHidden ? ["hidden"] : []), "calls", "time"],
    ...results.map((r) => [
      r.id,
      r.status,
      r.selectedSample === null ? "-" : String(r.selectedSample),
      r.confidence === undefined ? "-" : r.confidence.toFixed(2),
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
  const notStarted = results.filter((r) => r.status === "not started").length;
  const uncertain = results.filter((r) => r.status === "uncertain").length;
  const uncertainNote = uncertain > 0 ? `, ${uncertain} uncertain (a pick below --min-confidence: check it by hand)` : "";
  lines.push("", `${solved}/${results.length} solved${uncertainNote}${notStarted > 0 ? ` (${notStarted} not started: the run was stopped first)` : ""}`);
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
    } else if (isMilestone(event) && line !== lastLine && (state.stopped === undefined || event.type === "stopped" || event.type === "done")) {
      // Once stopped, the samples winding down are not news: only the stop and the end get a line.
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
  /** Masks the configuration's secrets in every text of a report before it is shown or written. */
  clean?: (text: string) => string;
  /** For error lines ("sstar demo: ..."); default "solve". */
  command?: string;
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
    if (deps.signal?.aborted) {
      // Listed, so a stopped run's summary still names every problem it was given.
      results.push({ id: spec.id, status: "not started", selectedSample: null, publicPassed: null, publicTotal: null, calls: 0, wallMs: 0, dir: join(outDir, spec.id) });
      continue;
    }
    const dir = join(outDir, spec.id);
    // Once the endpoint is known dead (or the replay missed) every call fails at once: the later
    // problems are marked the same way, without progress lines that would bury the one error line.
    const quiet = deps.model.fatal?.() !== undefined;
    const solved = await solve(spec, { model: deps.model, sandbox: deps.sandbox }, {
      ...options,
      onProgress: quiet ? () => undefined : progressPrinter(deps.stderr, deps.isTTY, spec.id, options.samples === "auto" ? FIRST_WAVE : options.samples),
      ...(deps.signal ? { signal: deps.signal } : {}),
    });
    const graded = afterSolve ? await afterSolve(spec, solved) : solved;
    // An endpoint may echo the key (in any encoding) into the model's text: never into a report.
    const report = deps.clean === undefined ? graded : redactDeep(graded, deps.clean);
    const wrote = await writeOrRescue(dir, spec, report, deps);
    if (!json && !quiet) deps.stdout.write(`\n${renderReportMarkdown(report, { variant: "terminal" })}`);
    reports.push(report);
    results.push({
      id: spec.id,
      status: report.status,
      selectedSample: report.selected?.sample ?? null,
      ...(report.selected !== null && report.selection.confidence !== undefined ? { confidence: report.selection.confidence } : {}),
      publicPassed: report.selected?.publicPassed ?? null,
      publicTotal: report.selected?.publicTotal ?? null,
      calls: report.usage.total.calls,
      wallMs: report.timings.totalMs,
      dir: wrote,
      ...(report.selected ? { solution: solutionFile(spec) } : {}),
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
  if (report.selected) writes.push(writeFile(join(dir, solutionFile(spec)), report.selected.code));
  await Promise.all(writes);
}

/**
 * The problem's files in `dir`, or, when that write fails after the work (the folder was checked
 * before it), in a fresh folder under the system's temporary folder, said in one line. Returns
 * where they are.
 */
async function writeOrRescue(dir: string, spec: ProblemSpec, report: SolveReport, deps: SolveRunDeps): Promise<string> {
  try {
    await writeProblemFiles(dir, spec, report);
    return dir;
  } catch (error) {
    const rescue = join(await rescueFolder("sstar-out"), spec.id);
    await writeProblemFiles(rescue, spec, report);
    deps.stderr.write(`sstar ${deps.command ?? "solve"}: can't write ${dir} (${writeFailure(error)}); ${spec.id}'s files are in ${rescue}\n`);
    return rescue;
  }
}

export function solutionFile(spec: ProblemSpec): string {
  return `solution.${LANGUAGE_EXTENSION[spec.language]}`;
}

/** Where each problem's files went, one line per problem (relative to the working folder when inside it). */
export function wroteLines(results: readonly ProblemResult[], cwd: string = process.cwd()): string {
  return results
    .filter((r) => r.status !== "not started")
    .map((r) => {
      const dir = relative(cwd, r.dir);
      const shown = dir === "" || dir.startsWith("..") || isAbsolute(dir) ? r.dir : dir;
      const files = [...(r.selectedSample !== null && r.solution !== undefined ? [r.solution] : []), "report.json", "report.md"];
      return `wrote ${shown}/: ${files.join(", ")}`;
    })
    .join("\n");
}

interface SolveCommandFlags extends ModelFlags, SolveSettingsFlags {
  out: string;
  json: boolean;
}

export function registerSolve(program: Command): void {
  const command = program
    .command("solve")
    .description("Solve problems with S*: sample, debug on the public tests, select by distinguishing inputs. Writes <out>/<id>/solution.<ext>, report.json, report.md.")
    .argument("<spec...>", "problem spec files, folders or globs")
    .option("--out <dir>", "output folder", "sstar-out")
    .option("--json", "print a JSON summary on stdout instead of the tables", false);
  addSolveFlags(command);
  addModelFlags(command);
  command.action(async (specPaths: string[], flags: SolveCommandFlags) => {
    process.exitCode = await runSolveCommand(specPaths, flags);
  });
}

async function runSolveCommand(specPaths: string[], flags: SolveCommandFlags): Promise<number> {
  const run = await openSolveRun("solve", specPaths, flags, [{ flag: "--out", path: flags.out, kind: "folder" }]);
  if (run === null) return 2;
  const { err, loaded, config, model, sandbox } = run;
  try {
    const {
      result: { results },
      interrupted,
    } = await interruptible(err, "no more model calls; each problem picks from what it has and writes its files", flags.deadline, (signal) =>
      solveAll(
        loaded.specs,
        solveOptionsFromFlags(flags, config, sandbox.backend),
        resolve(flags.out),
        { model, sandbox, stdout: process.stdout, stderr: process.stderr, isTTY: process.stderr.isTTY === true, signal, clean: (text) => redact(text, secretsOf(config)) },
        flags.json,
      ),
    );
    if (flags.json) process.stdout.write(`${JSON.stringify({ results, specErrors: loaded.errors.map(formatSpecError) }, null, 2)}\n`);
    else process.stdout.write(`\n${summaryTable(results)}\n${wroteLines(results)}\n`);
    const setup = await closeModel(model, err);
    if (setup !== undefined) return setup;
    if (interrupted) return 130;
    return loaded.errors.length > 0 ? Math.max(1, exitCodeFor(results)) : exitCodeFor(results);
  } finally {
    await run.close();
  }
}
