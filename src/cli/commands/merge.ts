// `sstar merge <results...> --out results.json`: one results file from the shards of one run.
// Exit code: 0 merged, 2 the files do not belong together (one line naming the files and field).
import type { Command } from "commander";
import { runMergeJob } from "../../eval/index.ts";
import { count } from "../../engine/progress.ts";

export function registerMerge(program: Command): void {
  program
    .command("merge")
    .description("Merge the shard results of one evaluation run into one results file; refuses mixed configurations, spec versions, and overlapping, missing or unfinished shards.")
    .argument("<results...>", "shard results files (from sstar eval --shard)")
    .requiredOption("--out <file>", "merged results file")
    .action(async (files: string[], flags: { out: string }) => {
      try {
        const merged = await runMergeJob(files, flags.out);
        const s = merged.summary;
        const notAttempted = s.notAttempted > 0 ? `, ${s.notAttempted} not attempted` : "";
        process.stdout.write(`${flags.out}: merged ${files.length} file${files.length === 1 ? "" : "s"}, ${count(s.problems, "problem")}, ${s.solved}/${s.graded} graded solved on hidden tests${notAttempted}\n`);
        process.exitCode = 0;
      } catch (error) {
        process.stderr.write(`sstar merge: ${(error as Error).message}\n`);
        process.exitCode = 2;
      }
    });
}
