// `sstar solve <spec...>`: solve each problem with S*, write solution, report.json and report.md
// per problem, show progress per stage and a final summary table.
// Exit code: 0 every problem solved, 1 some unsolved (or errored), 2 usage or configuration error.
import { mkdir, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import type { Command } from "commander";
import { solve, type SolveOptions } from "../../engine/index.ts";
import { initialProgress, isMilestone, progressLine, reduceProgress } from "../../engine/progress.ts";
import type { ProgressEvent } from "../../engine/context.ts";
import { LANGUAGE_EXTENSION } from "../../engine/prompts.ts";
import type { SolveReport } from "../../engine/report.ts";
import type { ModelClient } from "../../model/types.ts";
import type { Sandbox } from "../../sandbox/types.ts";
import { formatSpecError } from "../../spec/errors.ts";
import type { ProblemSpec } from "../../spec/schema.ts";
import { renderReportMarkdown } from "../../report/markdown.ts";
import { addModelFlags, addSolveFlags, interruptible, openSolveRun, solveOptionsFromFlags, type ModelFlags, type SolveSettingsFlags } from "../options.ts";

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
  const run = await openSolveRun("solve", specPaths, flags);
  if (run === null) return 2;
  const { err, loaded, config, model, sandbox } = run;
  try {
    const {
      result: { results },
    } = await interruptible(err, "finishing with what each run has", (signal) =>
      solveAll(
        loaded.specs,
        solveOptionsFromFlags(flags, config, sandbox.backend),
        resolve(flags.out),
        { model, sandbox, stdout: process.stdout, stderr: process.stderr, isTTY: process.stderr.isTTY === true, signal },
        flags.json,
      ),
    );
    if (flags.json) process.stdout.write(`${JSON.stringify({ results, specErrors: loaded.errors.map(formatSpecError) }, null, 2)}\n`);
    else process.stdout.write(`\n${summaryTable(results)}\n`);
    return loaded.errors.length > 0 ? Math.max(1, exitCodeFor(results)) : exitCodeFor(results);
  } finally {
    await sandbox.close();
  }
}
