// Input validity: model-written inputs often break the problem's preconditions. An input on which
// (nearly) every candidate errors is most likely invalid, and the few candidates that don't error
// on it answer arbitrarily: clustering on it splits correct programs. Such inputs are "suspect":
// kept in the report with the reason, never clustered on, never shown to the judge.
import type { Cell } from "./types.ts";

/**
 * Share of candidates that must error on an input for it to be suspect. Chosen with
 * `npm run bench:selection -- --suspect-share X` (docs/selection.md): on the CodeGen HumanEval
 * pool at judge accuracy 0.8, 0.5 selected correctly in 0.910 of draws, 0.75 in 0.919, 0.9 and
 * 1.0 in 0.920 (CodeContests mutants: 0.950 / 0.949 / 0.949 / 0.949). A lower threshold also drops
 * valid inputs on which most candidates crash because most candidates are wrong; 0.75 keeps
 * those while still ignoring inputs that three quarters of the programs cannot run.
 */
export const SUSPECT_ERROR_SHARE = 0.75;

export interface InputClassification {
  trusted: number[];
  suspect: { index: number; reason: string }[];
}

/**
 * @param cells cells per candidate, each aligned with the inputs (`inputCount` long)
 */
export function classifyInputs(
  cells: readonly (readonly Cell[])[],
  inputCount: number,
  threshold: number = SUSPECT_ERROR_SHARE,
): InputClassification {
  const trusted: number[] = [];
  const suspect: { index: number; reason: string }[] = [];
  const n = cells.length;
  for (let i = 0; i < inputCount; i++) {
    let errors = 0;
    for (const row of cells) if (row[i]?.ok !== true) errors++;
    // With no candidates nothing is suspect; with one, an error is reason enough.
    if (n > 0 && errors / n >= threshold && errors > 0) {
      suspect.push({
        index: i,
        reason:
          errors === n
            ? `every candidate errored on it (${errors}/${n}): likely invalid`
            : `${errors} of ${n} candidates errored on it: likely invalid`,
      });
    } else trusted.push(i);
  }
  return { trusted, suspect };
}
