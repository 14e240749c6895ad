// `sstar report FILE --html out.html`: a self-contained HTML report (no network request; scripts
// and styles inline) of an evaluation results file (with --baseline: the comparison; with --trend:
// the chart night by night) or of a solve's report.json. Exit code: 0 written, 2 a bad file or flag.
import type { Command } from "commander";
import { writeHtmlReport } from "../../report/html/index.ts";

interface ReportFlags {
  html: string;
  baseline?: string;
  trend?: string;
  maxDrop?: number;
  alpha?: number;
}

export function registerReport(program: Command): void {
  program
    .command("report")
    .description("Write one self-contained HTML page from results.json (sstar eval, merge) or a solve's report.json: rates with intervals, the trend chart, flipped problems; or the candidates by cluster, their diff, the judge.")
    .argument("<file>", "an evaluation results file or a solve report.json")
    .requiredOption("--html <file>", "the HTML file to write")
    .option("--baseline <file>", "results only: compare with this baseline results file (the decision, flipped problems)")
    .option("--trend <file>", "results only: chart this trend file (sstar compare --trend)")
    .option("--max-drop <pp>", "with --baseline: the drop in points that counts (as sstar compare)", Number)
    .option("--alpha <a>", "with --baseline: significance level (as sstar compare)", Number)
    .action(async (file: string, flags: ReportFlags) => {
      try {
        const r = await writeHtmlReport({
          input: file,
          out: flags.html,
          ...(flags.baseline !== undefined ? { baseline: flags.baseline } : {}),
          ...(flags.trend !== undefined ? { trend: flags.trend } : {}),
          ...(flags.maxDrop !== undefined ? { maxDropPct: flags.maxDrop } : {}),
          ...(flags.alpha !== undefined ? { alpha: flags.alpha } : {}),
        });
        process.stdout.write(`${flags.html}: ${r.kind === "eval" ? "evaluation" : "solve"} report, ${Math.round(r.bytes / 1024)} kB, self-contained\n`);
        process.exitCode = 0;
      } catch (error) {
        process.stderr.write(`sstar report: ${(error as Error).message}\n`);
        process.exitCode = 2;
      }
    });
}
