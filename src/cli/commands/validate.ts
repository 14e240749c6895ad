// `sstar validate [paths...]`: load every spec, print `ok <file> (<id>)` or one line per error.
import type { Command } from "commander";
import { formatSpecError, loadSpecs } from "../../spec/index.ts";

export function registerValidate(program: Command): void {
  program
    .command("validate")
    .description("check problem specs (files, folders or globs; default: problems)")
    .argument("[paths...]", "spec files, folders (every *.yaml below) or globs", ["problems"])
    .option("--json", "print one JSON object: { ok: [{file, id}], errors: [{file, field, message}] }")
    .action(async (paths: string[], opts: { json?: boolean }) => {
      const { files, errors } = await loadSpecs(paths.length > 0 ? paths : ["problems"]);
      const ok = files.filter((f): f is { file: string; id: string } => f.id !== undefined);
      if (opts.json === true) {
        process.stdout.write(JSON.stringify({ ok, errors }, null, 2) + "\n");
      } else {
        for (const f of ok) process.stdout.write(`ok ${f.file} (${f.id})\n`);
        for (const e of errors) process.stdout.write(`${formatSpecError(e)}\n`);
        const failed = new Set(errors.map((e) => e.file)).size;
        process.stderr.write(`${ok.length} valid, ${failed} failed\n`);
      }
      if (errors.length > 0 || ok.length === 0) process.exitCode = 1;
    });
}
