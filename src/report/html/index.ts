// `sstar report FILE --html out.html`: one self-contained HTML page from an evaluation results file
// (optionally compared with a baseline, with a trend file) or from a solve's report.json. The
// renderers are pure; this file reads the inputs and writes the page.
import { readFile } from "node:fs/promises";
import { solveReportSchema } from "../../engine/report.ts";
import { compareResults, DEFAULT_MAX_DROP_PP, type Comparison } from "../../eval/compare.ts";
import { readResultsFile, readTrendFile, writeTextAtomic } from "../../eval/files.ts";
import { EVAL_RESULTS_KIND, parseEvalResults } from "../../eval/results.ts";
import { renderEvalHtml } from "./eval-page.ts";
import { renderSolveHtml } from "./solve-page.ts";

export { renderEvalHtml, costPerSolved, type EvalHtmlInput } from "./eval-page.ts";
export { renderSolveHtml, clusterOrder } from "./solve-page.ts";
export { esc, jsonForScript } from "./page.ts";

export interface HtmlReportOptions {
  /** Results or report.json to render. */
  input: string;
  out: string;
  /** Results only: compare with this baseline results file. */
  baseline?: string;
  /** Results only: chart this trend file. */
  trend?: string;
  maxDropPct?: number;
  alpha?: number;
  maxNotAttemptedPct?: number;
}

/** Renders the file's page: an evaluation (with a comparison and trend when given) or a solve. */
export async function renderHtmlReport(o: HtmlReportOptions): Promise<{ kind: "eval" | "solve"; html: string; comparison?: Comparison }> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(o.input, "utf8"));
  } catch (e) {
    throw new Error(`${o.input}: can't read it as JSON (${(e as Error).message.split("\n")[0]})`, { cause: e });
  }
  if (json !== null && typeof json === "object" && (json as { kind?: unknown }).kind === EVAL_RESULTS_KIND) {
    const results = parseEvalResults(json, o.input);
    const baseline = o.baseline !== undefined ? await readResultsFile(o.baseline) : undefined;
    const comparison = baseline
      ? compareResults(results, baseline, {
          maxDropPct: o.maxDropPct ?? DEFAULT_MAX_DROP_PP,
          ...(o.alpha !== undefined ? { alpha: o.alpha } : {}),
          ...(o.maxNotAttemptedPct !== undefined ? { maxNotAttemptedPct: o.maxNotAttemptedPct } : {}),
        })
      : undefined;
    const trend = o.trend !== undefined ? await readTrendFile(o.trend) : undefined;
    return { kind: "eval", html: renderEvalHtml({ results, ...(comparison ? { comparison } : {}), ...(trend ? { trend } : {}) }), ...(comparison ? { comparison } : {}) };
  }
  if (o.baseline !== undefined || o.trend !== undefined) throw new Error(`${o.input}: --baseline and --trend need an evaluation results file (kind "${EVAL_RESULTS_KIND}"), not a solve report`);
  const parsed = solveReportSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Error(`${o.input}: neither an sstar evaluation results file ("kind": "${EVAL_RESULTS_KIND}") nor a solve report.json (at ${issue.path.join(".") || "(top)"}: ${issue.message})`);
  }
  return { kind: "solve", html: renderSolveHtml(parsed.data) };
}

export async function writeHtmlReport(o: HtmlReportOptions): Promise<{ kind: "eval" | "solve"; bytes: number }> {
  const r = await renderHtmlReport(o);
  await writeTextAtomic(o.out, r.html);
  return { kind: r.kind, bytes: Buffer.byteLength(r.html) };
}
