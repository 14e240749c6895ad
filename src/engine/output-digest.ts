// What selection keeps of a large output: a digest of its canonical form under the problem's
// checker, and its first characters for the report and the judge. Two outputs the checker calls
// the same answer have one canonical form, so comparing digests is comparing answers; the full
// text is dropped as soon as its run is classified (8 samples x 12 inputs x 15 MiB would
// otherwise stay resident for the whole run).
import { createHash } from "node:crypto";
import type { ResolvedChecker } from "../spec/schema.ts";
import { withoutTrailingBlanks } from "../checkers/index.ts";

/** Outputs up to this many characters are kept whole. */
export const INLINE_OUTPUT_CHARS = 64 * 1024;
/** Characters of a digested output kept for the report and the judge. */
export const OUTPUT_HEAD_CHARS = 2000;
export const DIGEST_PREFIX = "sstar-output-digest:";

/** JavaScript's \s: the whitespace tokenize() splits on. */
function isSpace(c: number): boolean {
  if (c <= 32) return c === 32 || (c >= 9 && c <= 13);
  return c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff;
}

/**
 * tokenize(output).join(" ") handed to `sink` in pieces of about 64 KiB, in one pass over the text:
 * on 15 MiB of short tokens, split-and-join or a global regex replace take tens of seconds.
 */
function foldTokens(output: string, sink: (piece: string) => void): void {
  let piece = "";
  let first = true;
  let start = -1;
  for (let i = 0; i <= output.length; i++) {
    const space = i === output.length || isSpace(output.charCodeAt(i));
    if (space && start >= 0) {
      piece += first ? output.slice(start, i) : ` ${output.slice(start, i)}`;
      first = false;
      start = -1;
      if (piece.length >= 65536) {
        sink(piece);
        piece = "";
      }
    } else if (!space && start < 0) start = i;
  }
  if (piece !== "") sink(piece);
}

/** The exact checker's reading: line ends unified, trailing blanks and blank last lines dropped. */
function exactForm(output: string): string {
  const lines = output.replace(/\r\n?/g, "\n").split("\n").map(withoutTrailingBlanks);
  while (lines.length > 0 && lines[lines.length - 1] === "") lines.pop();
  return lines.join("\n");
}

/**
 * Feeds the canonical form of `output` under the checker to `sink`, when the checker's sameness has
 * one (tokens as text, case-insensitive tokens, exact up to trailing blanks; a custom checker's
 * outputs are compared as tokens); false when it has none (float tolerance, JSON values). Pure but for the sink.
 */
function foldCanonical(output: string, checker: ResolvedChecker, format: "text" | "json", sink: (piece: string) => void): boolean {
  if (format === "json" || checker.kind === "float") return false;
  if (checker.kind === "exact") sink(exactForm(output));
  else if (checker.kind === "case-insensitive") foldTokens(output, (p) => sink(p.toLowerCase()));
  else foldTokens(output, sink);
  return true;
}

/** The canonical form as one string, or null (see foldCanonical). Pure. */
export function canonicalOutput(output: string, checker: ResolvedChecker, format: "text" | "json"): string | null {
  const parts: string[] = [];
  return foldCanonical(output, checker, format, (p) => parts.push(p)) ? parts.join("") : null;
}

/** A large output's stand-in: its digest (as the output, so equal answers stay equal) and its head; small or uncanonical outputs stay as they are. Pure. */
export function compactOutput(output: string, checker: ResolvedChecker, format: "text" | "json"): { output: string; head?: string } {
  // Decided on the canonical length (never above the raw one): two outputs the checker calls the
  // same are both digested or both kept, so a digest is never compared with a whole text.
  if (output.length <= INLINE_OUTPUT_CHARS) return { output };
  const hash = createHash("sha256");
  let length = 0;
  const canonical = foldCanonical(output, checker, format, (p) => {
    hash.update(p);
    length += p.length;
  });
  if (!canonical || length <= INLINE_OUTPUT_CHARS) return { output };
  const digest = hash.digest("hex");
  return { output: `${DIGEST_PREFIX}${digest}`, head: `${output.slice(0, OUTPUT_HEAD_CHARS)}… [${output.length - OUTPUT_HEAD_CHARS} more chars; sha256 of its answer ${digest.slice(0, 16)}]` };
}
