// The `sstar` command line: a thin layer that parses flags and calls the core.
import { Command } from "commander";

export function buildProgram(): Command {
  const program = new Command();
  program
    .name("sstar")
    .description("Solve coding problems with S*: sample, debug, and select by distinguishing inputs.")
    .version("0.1.0")
    .showHelpAfterError();
  return program;
}

const isMain = import.meta.url === `file://${process.argv[1]}` || process.argv[1]?.endsWith("/sstar") || process.argv[1]?.endsWith("cli.js");
if (isMain) {
  await buildProgram().parseAsync(process.argv);
}
