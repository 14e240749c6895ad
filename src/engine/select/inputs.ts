// Input validity: model-written inputs often break the problem's preconditions. An input on which
// (nearly) every candidate errors is most likely invalid, and the few candidates that don't error
// on it answer arbitrarily: clustering on it splits correct programs. Such inputs are "suspect":
// kept in the report with the reason, never clustered on, never shown to the judge.
import type { Cell } from "./types.ts";

/**
 * Share of candidates that must error on an input for it to be suspect. Chosen with
 * `npm run bench:selection -- --suspect-share ...` on the CodeGen HumanEval pool (see
 * docs/selection.md): 0.5 was best, i.e. an input that the majority of candidates cannot run is
 * treated as invalid; 1.0 (only "every candidate errors") lets invalid inputs split correct programs.
 */
export const SUSPECT_ERROR_SHARE = 0.5;

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
