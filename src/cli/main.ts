// The `sstar` command line: a thin layer that parses flags and calls the core.
// Each command lives in ./commands/<name>.ts and registers itself here.
import { Command } from "commander";
import { registerEval } from "./commands/eval.ts";
import { registerMerge } from "./commands/merge.ts";
import { registerCompare } from "./commands/compare.ts";
import { registerValidate } from "./commands/validate.ts";
import { registerImport } from "./commands/import.ts";
import { registerSolve } from "./commands/solve.ts";
import { registerDemo } from "./commands/demo.ts";
import { registerGrade } from "./commands/grade.ts";
import { registerDoctor } from "./commands/doctor.ts";
import { isEntryPoint } from "../entry.ts";

export function buildProgram(): Command {
  const program = new Command();
  program
    .name("sstar")
    .description("Solve coding problems with S*: sample, debug, and select by distinguishing inputs.")
    .version("0.1.0")
    .showHelpAfterError();
  // Commands (one line each):
  registerGrade(program);
  registerDoctor(program);
  registerEval(program);
  registerMerge(program);
  registerCompare(program);
  registerValidate(program);
  registerImport(program);
  registerSolve(program);
  registerDemo(program);
  return program;
}

if (isEntryPoint(import.meta.url)) {
  await buildProgram().parseAsync(process.argv);
}
