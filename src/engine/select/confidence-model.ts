// Written by `npm run fit:confidence -- --from bench/.cache/confidence-draws.jsonl --l2 1` (bench/fit-confidence.ts): do not edit by hand.
// fitted on 2304 draws (64 tasks), held out 2196 draws (61 tasks); 7 Newton iterations.
// Held-out expected calibration error (10 bins) by judge accuracy: 0.7 732 0.053; 0.8 732 0.040; 0.9 732 0.037.
// Plain data (no import): confidence.ts reads it as a ConfidenceModel, which type-checks it.

export const CONFIDENCE_MODEL = {
  intercept: 0.359815,
  coefficients: { posteriorLogit: 0.0817838, chosenShare: -0.0903849, keptShare: -0.00147395, logKept: 0.823406, logClusters: -1.07172, noPublicPass: -2.55837, judgeMargin: 0.163737, splitShare: -0.0622537, logDistinctPrograms: 0.496089, suspectShare: 0.0749755, chosenErrorShare: -0.298894 },
  mean: { posteriorLogit: 4.65909, chosenShare: 0.72907, keptShare: 0.556478, logKept: 1.27302, logClusters: 0.551382, noPublicPass: 0.246094, judgeMargin: 0.348472, splitShare: 0.209092, logDistinctPrograms: 0.6932, suspectShare: 0.0798997, chosenErrorShare: 0.0262284 },
  scale: { posteriorLogit: 2.63226, chosenShare: 0.326888, keptShare: 0.316983, logKept: 0.825425, logClusters: 0.664618, noPublicPass: 0.430734, judgeMargin: 0.466098, splitShare: 0.287297, logDistinctPrograms: 0.735966, suspectShare: 0.178421, chosenErrorShare: 0.142915 },
};
