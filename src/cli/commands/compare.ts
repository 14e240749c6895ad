// `sstar compare results.json --baseline FILE [--max-drop PP] [--alpha A] [--max-not-attempted PCT]`:
// the paired decision on the problems both runs graded, per-problem changes, cost; Markdown for the
// job summary. Exit code: 0 no regression, 1 regression, 2 usage error (bad or missing file),
// 3 incomplete (too many problems not attempted, or too few graded in both runs: nothing decided).
import { InvalidArgumentError, type Command } from "commander";
import { appendSummary, DEFAULT_ALPHA, DEFAULT_MAX_DROP_PP, DEFAULT_MAX_NOT_ATTEMPTED_PCT, formatP, regressionIssue, runCompareJob, writeJsonAtomic } from "../../eval/index.ts";
import { nonNegativeNumber, positiveInt } from "../options.ts";

/** Exit code of an incomplete run (eval and compare): the infrastructure failed, not the model. */
export const EXIT_INCOMPLETE = 3;

interface CompareFlags {
  baseline: string;
  maxDrop: number;
  alpha: number;
  maxNotAttempted: number;
  trend?: string;
  trendPoints: number;
  summary?: string;
  commit?: string;
  allowMissingBaseline: boolean;
  issueOut?: string;
  runUrl?: string;
}

/** `--max-not-attempted 10` or `10%`: a percentage from 0 to 100. */
export function percentArg(name: string) {
  return (value: string): number => {
    const text = value.trim().replace(/%$/, "");
    const n = Number(text);
    if (text === "" || !Number.isFinite(n) || n < 0 || n > 100) throw new InvalidArgumentError(`${name} must be a percentage from 0 to 100 (like 10 or 10%), got ${JSON.stringify(value)}`);
    return n;
  };
}

export function alphaArg(value: string): number {
  const n = Number(value);
  if (value.trim() === "" || !(n > 0 && n < 1)) throw new InvalidArgumentError(`--alpha must be a probability between 0 and 1 (exclusive), like 0.05, got ${JSON.stringify(value)}`);
  return n;
}

export function registerCompare(program: Command): void {
  program
    .command("compare")
    .description(
      "Compare evaluation results with a baseline on the problems both graded: pass rates, McNemar's exact test, newly failing and passing problems, cost. Exit 1 on a regression, 3 when the run is incomplete.",
    )
    .argument("<results>", "results file of this run (from sstar eval or sstar merge)")
    .requiredOption("--baseline <file>", "baseline results file")
    .option("--max-drop <pp>", "smallest drop in pass rate, in percentage points on the problems both runs graded, that counts as a regression", nonNegativeNumber("--max-drop"), DEFAULT_MAX_DROP_PP)
    .option("--alpha <p>", "significance level of McNemar's exact test: a regression needs p <= alpha", alphaArg, DEFAULT_ALPHA)
    .option("--max-not-attempted <pct>", "incomplete (exit 3) when more than this percentage of the problems could not be attempted", percentArg("--max-not-attempted"), DEFAULT_MAX_NOT_ATTEMPTED_PCT)
    .option("--trend <file>", "trend file to append this run to (e.g. .sstar/trend.json); adds a chart to the Markdown")
    .option("--trend-points <n>", "runs kept in the trend file", positiveInt("--trend-points"), 90)
    .option("--summary <file>", "append the Markdown to this file instead of printing it (default: $GITHUB_STEP_SUMMARY when set)")
    .option("--commit <sha>", "commit recorded in the trend (default: $GITHUB_SHA)")
    .option("--allow-missing-baseline", "no baseline file yet (first run): summarize this run and exit 0 (3 if it is incomplete)", false)
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
      alpha: flags.alpha,
      maxNotAttemptedPct: flags.maxNotAttempted,
      ...(flags.trend !== undefined ? { trend: flags.trend, trendPoints: flags.trendPoints } : {}),
      ...(commit !== undefined ? { commit } : {}),
    });
    const summaryFile = flags.summary ?? (process.env.GITHUB_STEP_SUMMARY || undefined);
    if (summaryFile !== undefined) await appendSummary(summaryFile, result.markdown);
    else process.stdout.write(result.markdown);
    const c = result.comparison;
    if (c) {
      const ids = (label: string, list: readonly { id: string }[]): string => (list.length > 0 ? ` ${label}: ${list.map((p) => p.id).join(", ")}.` : "");
      process.stderr.write(
        `sstar compare: ${c.decision}${c.paired.shared > 0 ? ` (p = ${formatP(c.paired.pValue)})` : " (no problem graded in both runs)"}. ${c.verdict}${ids("Newly failing", c.newlyFailing)}${ids("Flaky", c.flaky)}${ids("Timing-sensitive", c.timingSensitive)}${ids("Not attempted", c.notAttempted)} Decided by ${c.rule === "none" ? "no rule" : c.rule === "mcnemar" ? "McNemar's test" : "the per-problem rule"}: ${c.ruleReason}.\n`,
      );
      if (c.regression && flags.issueOut !== undefined) {
        await writeJsonAtomic(flags.issueOut, regressionIssue(c, { ...(flags.runUrl ? { runUrl: flags.runUrl } : {}), ...(commit ? { commit } : {}) }));
      }
    } else if (result.incomplete) {
      process.stderr.write(`sstar compare: incomplete: ${result.cause}\n`);
    }
    return result.incomplete ? EXIT_INCOMPLETE : result.regression ? 1 : 0;
  } catch (error) {
    process.stderr.write(`sstar compare: ${compareErrorLine(error, flags.baseline)}\n`);
    return 2;
  }
}

/** The error's line; a baseline that does not exist yet (a first run) says how to go on without one. */
export function compareErrorLine(error: unknown, baseline: string): string {
  const message = (error as Error).message;
  const missing = ((error as Error).cause as NodeJS.ErrnoException | undefined)?.code === "ENOENT" && message.startsWith(`${baseline}:`);
  return missing ? `${message}; on a first run, with no baseline yet, pass --allow-missing-baseline (or give --baseline an existing results file)` : message;
}
