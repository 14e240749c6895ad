// `sstar import <format> <file> --out <dir>`: convert a benchmark file into one spec YAML per problem.
import { readFile } from "node:fs/promises";
import type { Command } from "commander";
import { importCodeContests, importHumanEval, importLiveCodeBench, writeSpecs, type ImportResult } from "../../spec/index.ts";
import { errorLine, outputsWritable, positiveInt } from "../options.ts";

const FORMATS = ["codecontests", "humaneval", "livecodebench"] as const;
type Format = (typeof FORMATS)[number];

async function runImport(format: Format, text: string, limit: number | undefined): Promise<ImportResult & { note?: string }> {
  const opts = limit === undefined ? {} : { limit };
  switch (format) {
    case "codecontests":
      return importCodeContests(text, opts);
    case "livecodebench":
      return importLiveCodeBench(text, opts);
    case "humaneval": {
      const r = await importHumanEval(text, opts);
      return { ...r, note: `${r.withExamples} with public examples from the docstring` };
    }
  }
}

export function registerImport(program: Command): void {
  program
    .command("import")
    .description("convert a benchmark file (JSONL) into problem specs, one <id>.yaml each")
    .argument("<format>", `one of ${FORMATS.join(", ")}`)
    .argument("<file>", "the benchmark's JSONL file")
    .requiredOption("--out <dir>", "folder to write the specs into")
    .option("--force", "overwrite spec files that already exist")
    .option("--limit <n>", "import only the first n problems", positiveInt("--limit"))
    .action(async (format: string, file: string, opts: { out: string; force?: boolean; limit?: number }) => {
      if (!(FORMATS as readonly string[]).includes(format)) {
        process.stderr.write(`sstar import: unknown format ${JSON.stringify(format)}: use one of ${FORMATS.join(", ")}\n`);
        process.exitCode = 2;
        return;
      }
      if (!(await outputsWritable(errorLine("import"), [{ flag: "--out", path: opts.out, kind: "folder" }]))) {
        process.exitCode = 2;
        return;
      }
      let text: string;
      try {
        text = await readFile(file, "utf8");
      } catch (e) {
        process.stderr.write(`sstar import: can't read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}\n`);
        process.exitCode = 2;
        return;
      }
      let result: ImportResult & { note?: string };
      try {
        result = await runImport(format as Format, text, opts.limit);
      } catch (e) {
        process.stderr.write(`sstar import: ${(e as Error).message}\n`);
        process.exitCode = 1;
        return;
      }
      const written = await writeSpecs(result.specs, opts.out, { force: opts.force === true });
      const skipped = [...result.skipped, ...written.skipped];
      for (const s of skipped) process.stderr.write(`sstar import: skipped ${s.id}: ${s.reason}\n`);
      const note = result.note === undefined ? "" : ` (${result.note})`;
      process.stdout.write(`wrote ${written.written.length} specs to ${opts.out}${note}, skipped ${skipped.length}\n`);
      if (written.written.length === 0 && skipped.length > 0) process.exitCode = 1;
    });
}
