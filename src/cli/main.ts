// The `sstar` command line: a thin layer that parses flags and calls the core.
// Each command lives in ./commands/<name>.ts and registers itself here.
import { Command, type CommanderError } from "commander";
import { registerEval } from "./commands/eval.ts";
import { registerMerge } from "./commands/merge.ts";
import { registerCompare } from "./commands/compare.ts";
import { registerValidate } from "./commands/validate.ts";
import { registerImport } from "./commands/import.ts";
import { registerSolve } from "./commands/solve.ts";
import { registerDemo } from "./commands/demo.ts";
import { registerGrade } from "./commands/grade.ts";
import { registerDoctor } from "./commands/doctor.ts";
import { registerReport } from "./commands/report.ts";
import { isEntryPoint } from "../entry.ts";

/**
 * Commander's error text as one line with the command's prefix: "sstar solve: --samples must be
 * ... (sstar solve --help lists the flags)". An invalid flag value is said once, by our parser.
 */
export function usageErrorLine(command: string, text: string): string {
  let line = text.trim().replace(/^error:\s*/, "");
  const invalid = /^option '[^']*' argument '[^']*' is invalid\.\s*([\s\S]*)$/.exec(line);
  if (invalid !== null && invalid[1]!.trim() !== "") line = invalid[1]!.trim();
  line = line.replace(/\s*\n\s*/g, " ");
  return `${command}: ${line} (${command} --help lists the arguments and flags)`;
}

export function buildProgram(): Command {
  const program = new Command();
  program
    .name("sstar")
    .description("Solve coding problems with S*: sample, debug, and select by distinguishing inputs.")
    .version("0.1.0");
  // Commands (one line each):
  registerGrade(program);
  registerDoctor(program);
  registerEval(program);
  registerMerge(program);
  registerCompare(program);
  registerReport(program);
  registerValidate(program);
  registerImport(program);
  registerSolve(program);
  registerDemo(program);
  // A usage error is one line and exit 2 (docs/cli.md), never the whole help.
  for (const command of [program, ...program.commands]) {
    const name = command === program ? "sstar" : `sstar ${command.name()}`;
    command.configureOutput({ outputError: (text, write) => write(`${usageErrorLine(name, text)}\n`) });
    command.exitOverride((error: CommanderError) => {
      // --help and --version exit 0; anything else commander refuses is a usage error.
      process.exit(error.exitCode === 0 ? 0 : 2);
    });
  }
  return program;
}

if (isEntryPoint(import.meta.url)) {
  await buildProgram().parseAsync(process.argv);
}
