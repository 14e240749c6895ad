// Line scanners for untrusted text (issue bodies, signatures, limits). Each runs in time linear in
// its input: hand-written loops and regexes without ambiguous adjacent quantifiers, because a
// backtracking regex on an issue body blocks the event loop (a `## a` heading followed by
// thousands of spaces took 20 s with the old heading regex, and neither the deadline nor SIGTERM
// can interrupt a running regex). eslint's regexp/no-super-linear-* rules guard the regexes.

// JavaScript's `\s`: the characters String.prototype.trim removes.
const SPACES = new Set([..."\t\n\v\f\r \u00a0\u1680\u2028\u2029\u202f\u205f\u3000\ufeff"].concat(Array.from({ length: 11 }, (_, i) => String.fromCharCode(0x2000 + i))));

/** JavaScript's `\s`, one character. */
export function isSpace(ch: string | undefined): boolean {
  return ch !== undefined && SPACES.has(ch);
}

function isWordChar(ch: string | undefined): boolean {
  return ch !== undefined && ((ch >= "a" && ch <= "z") || (ch >= "A" && ch <= "Z") || (ch >= "0" && ch <= "9") || ch === "_");
}

function isDigit(ch: string | undefined): boolean {
  return ch !== undefined && ch >= "0" && ch <= "9";
}

/**
 * The text of a `##` or `###` heading (CommonMark ATX: at most 3 spaces of indent, a space after
 * the hashes, an optional closing run of `#` after a space), or undefined when `line` is not one.
 */
export function atxHeading(line: string): string | undefined {
  let i = 0;
  while (i < 3 && isSpace(line[i])) i++;
  let hashes = 0;
  while (line[i + hashes] === "#") hashes++;
  if (hashes < 2 || hashes > 3 || !isSpace(line[i + hashes])) return undefined;
  let text = line.slice(i + hashes).trim();
  let end = text.length;
  while (end > 0 && text[end - 1] === "#") end--;
  if (end === 0) text = "";
  else if (end < text.length && isSpace(text[end - 1])) text = text.slice(0, end).trim();
  return text === "" ? undefined : text;
}

/** The run of backticks or tildes (3 or more) opening `line` after its indent, or undefined. */
export function fenceMarker(line: string): string | undefined {
  const t = line.trimStart();
  const ch = t[0];
  if (ch !== "`" && ch !== "~") return undefined;
  let n = 0;
  while (t[n] === ch) n++;
  return n >= 3 ? t.slice(0, n) : undefined;
}

/** An opening fence with at most one word of info (`python`, `c++`): its marker, or undefined. */
export function openingFence(line: string): string | undefined {
  const marker = fenceMarker(line);
  if (marker === undefined) return undefined;
  const info = line.trim().slice(marker.length).trim();
  return /^[\w+-]*$/.test(info) ? marker : undefined;
}

/** True when `line` closes a block opened by `marker`: the same character, at least as many, nothing else. */
export function closesFence(line: string, marker: string): boolean {
  const t = line.trim();
  if (t.length < marker.length) return false;
  for (const ch of t) if (ch !== marker[0]) return false;
  return true;
}

/** `**Input**`, `Example 2 output:`, `#### Input` and the like: which label, or undefined. */
export function exampleLabel(line: string): "input" | "output" | undefined {
  let s = line.trim().toLowerCase();
  let hashes = 0;
  while (hashes < 6 && s[hashes] === "#") hashes++;
  s = s.slice(hashes).trim();
  if (s.startsWith("**") || s.startsWith("__")) s = s.slice(2).trim();
  if (s.endsWith(":")) s = s.slice(0, -1).trim();
  if (s.endsWith("**") || s.endsWith("__")) s = s.slice(0, -2).trim();
  if (s.endsWith(":")) s = s.slice(0, -1).trim();
  // One space between words: the pattern below has no two quantifiers that can trade characters.
  s = s.replace(/\s+/g, " ");
  const m = /^(?:(?:example|sample) ?\d* ?)?(input|output)(?: ?\d+)?$/.exec(s);
  return m === null ? undefined : (m[1] as "input" | "output");
}

/** `2000`, `2000 ms`, `1.5 s`: the number when the whole text is one, with a unit from `units` or none. */
export function numberWithOptionalUnit(text: string, units: readonly string[]): number | undefined {
  const t = text.trim();
  const n = readNumber(t, 0, true);
  if (n === undefined) return undefined;
  const rest = t.slice(n.end).trim().toLowerCase();
  return rest === "" || units.includes(rest) ? n.value : undefined;
}

function isAsciiLetter(ch: string | undefined): boolean {
  return ch !== undefined && ((ch >= "a" && ch <= "z") || (ch >= "A" && ch <= "Z"));
}

function readNumber(text: string, start: number, decimals: boolean): { value: number; end: number } | undefined {
  let i = start;
  while (isDigit(text[i])) i++;
  if (i === start) return undefined;
  if (decimals && text[i] === "." && isDigit(text[i + 1])) {
    i++;
    while (isDigit(text[i])) i++;
  }
  return { value: Number(text.slice(start, i)), end: i };
}

/**
 * The first number followed (after optional spaces) by one of `units` as a whole word, like
 * `2000 ms` in `2000 ms, 256 MB`: one pass over the text.
 */
export function firstNumberWithUnit(text: string, units: readonly string[], decimals: boolean): { value: number; unit: string } | undefined {
  let i = 0;
  while (i < text.length) {
    if (!isDigit(text[i]) || isDigit(text[i - 1])) {
      i++;
      continue;
    }
    const n = readNumber(text, i, decimals) as { value: number; end: number };
    let j = n.end;
    while (isSpace(text[j])) j++;
    // Units are letters: scan letters only, then require the word to end there. Scanning every
    // word character instead re-read "0A0A0A..." to its end from each digit: quadratic.
    let k = j;
    while (isAsciiLetter(text[k])) k++;
    const unit = text.slice(j, k).toLowerCase();
    if (!isWordChar(text[k]) && units.includes(unit)) return { value: n.value, unit };
    i = n.end;
  }
  return undefined;
}

/** A ticked task-list line (`- [x] ...`) mentioning several/multiple and then correct/answers/outputs. */
export function ticksSeveralAnswers(text: string): boolean {
  for (const line of text.split("\n")) {
    let s = line.trimStart();
    if (!s.startsWith("-")) continue;
    s = s.slice(1).trimStart();
    if (!/^\[[xX]\]/.test(s)) continue;
    const lower = s.slice(3).toLowerCase();
    const several = firstIndexOf(lower, ["several", "multiple"]);
    if (several >= 0 && firstIndexOf(lower.slice(several), ["correct", "answers", "outputs"]) >= 0) return true;
  }
  return false;
}

function firstIndexOf(text: string, words: readonly string[]): number {
  const found = words.map((w) => text.indexOf(w)).filter((i) => i >= 0);
  return found.length === 0 ? -1 : Math.min(...found);
}

/** The index of the `)` closing the `(` at `open`, counting nested brackets; -1 when unclosed. */
export function closingParen(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    const ch = text[i];
    if (ch === "(" || ch === "[" || ch === "{") depth++;
    else if (ch === ")" || ch === "]" || ch === "}") {
      depth--;
      if (depth === 0) return ch === ")" ? i : -1;
    }
  }
  return -1;
}

/** The identifier (`[A-Za-z_]\w*`) at the start of `text`, or "". */
export function leadingIdentifier(text: string): string {
  if (!/^[A-Za-z_]/.test(text)) return "";
  let i = 1;
  while (isWordChar(text[i])) i++;
  return text.slice(0, i);
}
