// bench:selection's confidence figures over every draw (those holding no correct program too,
// where abstaining is the right answer): calibration, the risk-coverage curve, the figures at the
// default threshold, and adaptive sampling's samples drawn. Markdown tables and the same figures
// as JSON (--json FILE).
import type { PickEvidence } from "../../src/engine/select/confidence.ts";
import { atThreshold, expectedCalibrationError, riskCoverage, type Scored, type ThresholdFigures } from "./calibration.ts";

export interface DrawRecord {
  dataset: string;
  strategy: string;
  accuracy: number | null;
  task: string;
  draw: number;
  /** The draw holds a correct program. */
  eligible: boolean;
  /** The task is easy (at least EASY_SHARE of its pool correct). */
  easy: boolean;
  hit: boolean;
  confidence: number | null;
  /** Samples the strategy looked at. */
  drawn: number;
  evidence?: PickEvidence;
}

export const COVERAGES = [0.5, 0.6, 0.7, 0.8, 0.9, 1] as const;

export interface ConfidenceRow {
  dataset: string;
  strategy: string;
  accuracy: number | null;
  draws: number;
  /** Correct picks over every draw (no abstaining). */
  correctAll: number;
  ece: number;
  atDefault: ThresholdFigures;
  curve: { coverage: number; precision: number }[];
}

export interface AdaptiveRow {
  dataset: string;
  accuracy: number | null;
  /** Mean samples drawn on the easy tasks, adaptive and fixed. */
  easyDrawn: number;
  easyDrawnFixed: number;
  /** Correct picks over the draws holding a correct program (among the first 16), adaptive and fixed. */
  correct: number;
  correctFixed: number;
}

const groupKey = (r: DrawRecord) => `${r.dataset}|${r.strategy}|${r.accuracy}`;
const mean = (xs: readonly number[]) => (xs.length === 0 ? 0 : xs.reduce((s, v) => s + v, 0) / xs.length);

export function confidenceRows(records: readonly DrawRecord[], threshold: number): ConfidenceRow[] {
  const groups = new Map<string, DrawRecord[]>();
  for (const r of records) {
    if (r.confidence === null) continue;
    const g = groups.get(groupKey(r));
    if (g) g.push(r);
    else groups.set(groupKey(r), [r]);
  }
  return [...groups.values()].map((rs) => {
    const points: Scored[] = rs.map((r) => ({ p: r.confidence!, hit: r.hit }));
    return {
      dataset: rs[0]!.dataset,
      strategy: rs[0]!.strategy,
      accuracy: rs[0]!.accuracy,
      draws: rs.length,
      correctAll: mean(rs.map((r) => (r.hit ? 1 : 0))),
      ece: expectedCalibrationError(points),
      atDefault: atThreshold(points, threshold),
      curve: riskCoverage(points, COVERAGES),
    };
  });
}

/** sstar-adaptive against fixed sstar on the same draws. */
export function adaptiveRows(records: readonly DrawRecord[]): AdaptiveRow[] {
  const rows: AdaptiveRow[] = [];
  for (const a of records) {
    if (a.strategy !== "sstar-adaptive" || rows.some((r) => r.dataset === a.dataset && r.accuracy === a.accuracy)) continue;
    const of = (strategy: string) => records.filter((r) => r.strategy === strategy && r.dataset === a.dataset && r.accuracy === a.accuracy);
    const adaptive = of("sstar-adaptive");
    const fixed = of("sstar");
    if (fixed.length === 0) continue;
    rows.push({
      dataset: a.dataset,
      accuracy: a.accuracy,
      easyDrawn: mean(adaptive.filter((r) => r.easy).map((r) => r.drawn)),
      easyDrawnFixed: mean(fixed.filter((r) => r.easy).map((r) => r.drawn)),
      correct: mean(adaptive.filter((r) => r.eligible).map((r) => (r.hit ? 1 : 0))),
      correctFixed: mean(fixed.filter((r) => r.eligible).map((r) => (r.hit ? 1 : 0))),
    });
  }
  return rows;
}

const f3 = (v: number) => v.toFixed(3);

export function confidenceTables(records: readonly DrawRecord[], threshold: number): { markdown: string; json: { confidence: ConfidenceRow[]; adaptive: AdaptiveRow[] } } {
  const rows = confidenceRows(records, threshold);
  const adaptive = adaptiveRows(records);
  const lines = [
    `Every draw, including those holding no correct program (abstaining is right there). Threshold ${threshold}: coverage = share of draws answered (confidence ≥ threshold), precision = correct among them; wrong picks among the answered against among all draws; correct picks abstained on. Precision at coverage c: answering the c most confident draws.`,
    "",
    `| dataset | strategy | judge accuracy | draws | correct (no abstaining) | ECE (10 bins) | coverage @${threshold} | precision @${threshold} | wrong answered / wrong all | correct abstained | ${COVERAGES.map((c) => `prec@${c * 100}%`).join(" | ")} |`,
    `|---|---|---|---|---|---|---|---|---|---|${COVERAGES.map(() => "---|").join("")}`,
  ];
  for (const r of rows) {
    const t = r.atDefault;
    lines.push(
      `| ${r.dataset} | ${r.strategy} | ${r.accuracy ?? "-"} | ${r.draws} | ${f3(r.correctAll)} | ${f3(r.ece)} | ${f3(t.coverage)} | ${f3(t.precision)} | ${f3(t.wrongAnswered)} / ${f3(t.wrongAll)} | ${f3(t.abstainedCorrect)} | ${r.curve.map((c) => f3(c.precision)).join(" | ")} |`,
    );
  }
  if (adaptive.length > 0) {
    lines.push(
      "",
      "| dataset | judge accuracy | samples drawn on easy tasks, adaptive / fixed | correct picks (draws holding a correct program), adaptive / fixed | difference, points |",
      "|---|---|---|---|---|",
      ...adaptive.map((a) => `| ${a.dataset} | ${a.accuracy ?? "-"} | ${a.easyDrawn.toFixed(1)} / ${a.easyDrawnFixed.toFixed(1)} | ${f3(a.correct)} / ${f3(a.correctFixed)} | ${(100 * (a.correct - a.correctFixed)).toFixed(2)} |`),
    );
  }
  return { markdown: lines.join("\n"), json: { confidence: rows, adaptive } };
}
