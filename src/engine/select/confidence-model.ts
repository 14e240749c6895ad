// Written by `npm run fit:confidence` (bench/fit-confidence.ts): do not edit by hand.
import type { ConfidenceModel } from "./confidence.ts";

export const CONFIDENCE_MODEL: ConfidenceModel = {
  intercept: 0,
  coefficients: { posteriorLogit: 1, chosenShare: 0, keptShare: 0, logKept: 0, logClusters: 0, noPublicPass: 0, judgeMargin: 0, splitShare: 0, logDistinctPrograms: 0, suspectShare: 0, chosenErrorShare: 0 },
  mean: { posteriorLogit: 0, chosenShare: 0, keptShare: 0, logKept: 0, logClusters: 0, noPublicPass: 0, judgeMargin: 0, splitShare: 0, logDistinctPrograms: 0, suspectShare: 0, chosenErrorShare: 0 },
  scale: { posteriorLogit: 1, chosenShare: 1, keptShare: 1, logKept: 1, logClusters: 1, noPublicPass: 1, judgeMargin: 1, splitShare: 1, logDistinctPrograms: 1, suspectShare: 1, chosenErrorShare: 1 },
};
