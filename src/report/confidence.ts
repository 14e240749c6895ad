// The pick's confidence in words (the report's first lines, the comment, the CLI). Pure.
import type { SolveReport } from "../engine/report.ts";

type Report = Pick<SolveReport, "status" | "selection" | "selected" | "minConfidence">;

/** Two decimals, rounded towards the verdict: 0.999 below a threshold of 1 shows as 0.99, not 1.00. */
function shown(c: number, min: number | undefined): string {
  return (min !== undefined && c < min ? Math.floor(c * 100 + 1e-9) / 100 : c).toFixed(2);
}

/** "confidence 0.93" or "confidence 0.41, below the 0.5 threshold"; undefined without a confidence. */
export function confidencePhrase(report: Report): string | undefined {
  const c = report.selection.confidence;
  if (c === undefined || report.selected === null) return undefined;
  const kind = report.selection.strategy === "sstar" ? "confidence" : "confidence (the winning cluster's share)";
  const below = report.minConfidence !== undefined && c < report.minConfidence ? `, below the ${report.minConfidence} threshold` : "";
  return `${kind} ${shown(c, report.minConfidence)}${below}`;
}

/** The sentence opening an uncertain outcome: why nothing was pushed. */
export function uncertainSentence(report: Report): string {
  const c = report.selection.confidence ?? 0;
  return (
    `**Needs a human:** the pick passes every public test, but its confidence is ${shown(c, report.minConfidence)}, below the ` +
    `${report.minConfidence ?? "configured"} threshold (\`min-confidence\`), so no pull request was opened. ` +
    "Below is where the candidates disagree; a maintainer who agrees with one side can comment `/sstar solve force` for the pull request."
  );
}
