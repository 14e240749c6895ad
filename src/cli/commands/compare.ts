// `sstar compare results.json --baseline FILE [--max-drop PCT] [--trend FILE] [--summary FILE]`:
// solve rate with a confidence interval, per-problem changes, cost; Markdown for the job summary.
// Exit code: 0 no regression, 1 regression beyond --max-drop, 2 usage error (bad or missing file).
import type { Command } from "commander";
import { appendSummary, regressionIssue, runCompareJob, writeJsonAtomic } from "../../eval/index.ts";
import { nonNegativeNumber, positiveInt } from "../options.ts";

interface CompareFlags {
  baseline: string;
  maxDrop: number;
  trend?: string;
  trendPoints: number;
  summary?: string;
  commit?: string;
  allowMissingBaseline: boolean;
  issueOut?: string;
  runUrl?: string;
}

export const DEFAULT_MAX_DROP_PP = 5;

export function registerCompare(program: Command): void {
  program
    .command("compare")
    .description("Compare evaluation results with a baseline: solve rate (95% Wilson interval), newly failing and passing problems, cost. Exit 1 on a regression.")
    .argument("<results>", "results file of this run (from sstar eval or sstar merge)")
    .requiredOption("--baseline <file>", "baseline results file")
    .option("--max-drop <pp>", "allowed drop in solve rate, in percentage points, on the problems both runs graded", nonNegativeNumber("--max-drop"), DEFAULT_MAX_DROP_PP)
    .option("--trend <file>", "trend file to append this run to (e.g. .sstar/trend.json); adds a chart to the Markdown")
    .option("--trend-points <n>", "runs kept in the trend file", positiveInt("--trend-points"), 90)
    .option("--summary <file>", "append the Markdown to this file instead of printing it (default: $GITHUB_STEP_SUMMARY when set)")
    .option("--commit <sha>", "commit recorded in the trend (default: $GITHUB_SHA)")
    .option("--allow-missing-baseline", "no baseline file yet (first run): summarize this run and exit 0", false)
    .option("--issue-out <file>", "on a regression, write the regression issue as JSON {title, body, marker} to this file")
    .option("--run-url <url>", "link to the workflow run, shown in the regression issue")
    .action(async (current: string, flags: CompareFlags) => {
      process.exitCode = await runCompareCommand(current, flags);
    });
}

async function runCompareCommand(current: string, flags: CompareFlags): Promise<number> {
  const commit = flags.commit ?? process.env.GITHUB_SHA;
  try {
    const result = await runCompareJob({
      current,
      baseline: flags.baseline,
      allowMissingBaseline: flags.allowMissingBaseline,
      maxDropPct: flags.maxDrop,
      ...(flags.trend !== undefined ? { trend: flags.trend, trendPoints: flags.trendPoints } : {}),
      ...(commit !== undefined ? { commit } : {}),
    });
    const summaryFile = flags.summary ?? (process.env.GITHUB_STEP_SUMMARY || undefined);
    if (summaryFile !== undefined) await appendSummary(summaryFile, result.markdown);
    else process.stdout.write(result.markdown);
    if (result.comparison) {
      const c = result.comparison;
      process.stderr.write(`sstar compare: ${c.verdict}${c.newlyFailing.length > 0 ? ` Newly failing: ${c.newlyFailing.map((p) => p.id).join(", ")}.` : ""}\n`);
      if (c.regression && flags.issueOut !== undefined) {
        await writeJsonAtomic(flags.issueOut, regressionIssue(c, { ...(flags.runUrl ? { runUrl: flags.runUrl } : {}), ...(commit ? { commit } : {}) }));
      }
    }
    return result.regression ? 1 : 0;
  } catch (error) {
    process.stderr.write(`sstar compare: ${(error as Error).message}\n`);
    return 2;
  }
}
