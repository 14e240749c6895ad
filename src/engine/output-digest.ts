// What selection keeps of a large output: a digest of its canonical form under the problem's
// checker, and its first characters for the report and the judge. Two outputs the checker calls
// the same answer have one canonical form, so comparing digests is comparing answers; the full
// text is dropped as soon as its run is classified (8 samples x 12 inputs x 15 MiB would
// otherwise stay resident for the whole run).
import { createHash } from "node:crypto";
import { tokenize } from "../checkers/index.ts";
import type { ResolvedChecker } from "../spec/schema.ts";

/** Outputs up to this many characters are kept whole. */
export const INLINE_OUTPUT_CHARS = 64 * 1024;
/** Characters of a digested output kept for the report and the judge. */
export const OUTPUT_HEAD_CHARS = 2000;
export const DIGEST_PREFIX = "sstar-output-digest:";

/**
 * The canonical form of `output` under the checker when the checker's sameness has one (tokens as
 * text, case-insensitive tokens, exact up to trailing whitespace; a custom checker's outputs are
 * compared as tokens), else null (float tolerance, JSON values: kept whole). Pure.
 */
export function canonicalOutput(output: string, checker: ResolvedChecker, format: "text" | "json"): string | null {
  if (format === "json") return null;
  switch (checker.kind) {
    case "tokens":
    case "custom":
      return tokenize(output).join(" ");
    case "case-insensitive":
      return tokenize(output).map((t) => t.toLowerCase()).join(" ");
    case "exact": {
      // as the exact checker reads it: line ends unified, trailing blanks and blank last lines dropped
      const lines = output.replace(/\r\n?/g, "\n").split("\n").map((l) => l.replace(/[ \t\f\v]+$/, ""));
      while (lines.length > 0 && lines[lines.length - 1] === "") lines.pop();
      return lines.join("\n");
    }
    case "float":
      return null;
  }
}

/** A large output's stand-in: its digest (as the output, so equal answers stay equal) and its head; small or uncanonical outputs stay as they are. Pure. */
export function compactOutput(output: string, checker: ResolvedChecker, format: "text" | "json"): { output: string; head?: string } {
  // Decided on the canonical length (never above the raw one): two outputs the checker calls the
  // same are both digested or both kept, so a digest is never compared with a whole text.
  if (output.length <= INLINE_OUTPUT_CHARS) return { output };
  const canonical = canonicalOutput(output, checker, format);
  if (canonical === null || canonical.length <= INLINE_OUTPUT_CHARS) return { output };
  const digest = createHash("sha256").update(canonical).digest("hex");
  return { output: `${DIGEST_PREFIX}${digest}`, head: `${output.slice(0, OUTPUT_HEAD_CHARS)}… [${output.length - OUTPUT_HEAD_CHARS} more chars; sha256 of its answer ${digest.slice(0, 16)}]` };
}
