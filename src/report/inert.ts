// The one place where text the action does not control (program output, synthesized inputs,
// judge reasoning, issue titles, spec fields, model names, bundle fields) becomes Markdown.
// Everything posted (the comment, the job summary, report.md, pull-request bodies) goes through
// these functions, so that nothing in the text can add an element the template did not make:
// no heading, link, image, mention, HTML tag, table row or `details` block.
//
// What makes text live in CommonMark + GFM, and what each function does about it:
// - line endings: CommonMark ends a line at LF, CR and CRLF; editors and GitHub's own views also
//   break at U+2028, U+2029 and NEL (U+0085). A lone CR inside a table cell ends the table. All of
//   them become one space (inline text) or a visible ↵ (code cells).
// - ASCII punctuation that opens a construct (emphasis, links, images, HTML, headings, lists,
//   tables, strikethrough, math, entities) is backslash-escaped outside code.
// - mentions, GFM autolinks (`www.`, `scheme://`) and e-mail autolinks are broken by a zero-width space.
// - code spans and fences are one backtick longer than any run inside, so the text cannot close them.
// - bidi controls and other invisible format characters are made visible (U+FFFD), so the
//   rendered text reads as it is.

/** CR LF, and each of LF, CR, NEL, U+2028, U+2029, VT, FF. */
const LINE_BREAK = /\r\n|[\n\r\v\f\u0085\u2028\u2029]/g;
// eslint-disable-next-line no-control-regex -- removing control characters is the point
const CONTROL = /[\u0000-\u0008\u000e-\u001f\u007f-\u009f]/g;
/** Bidi overrides and isolates, zero-width and invisible format characters. */
const INVISIBLE = /[\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/g;
/** ASCII punctuation CommonMark, GFM or GitHub give a meaning to somewhere in a line. */
// Not `-` or `=` inside a line (they open nothing there, and secrets the log masks contain
// them); a line-start list or setext marker is escaped apart.
const MARKDOWN_PUNCTUATION = /[\\`*_{}[\]()<>#+!|~&$^.:]/g;
const ZWSP = "\u200b";

/** `text` with every line break (all terminators above) replaced by `by`, and control characters by U+FFFD. */
export function oneLine(text: string, by = " "): string {
  return text.replace(LINE_BREAK, by).replace(CONTROL, "\ufffd").replace(INVISIBLE, "\ufffd");
}

/** Cuts `text` to at most `max` characters, ending with an ellipsis when cut. */
export function cutLine(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, Math.max(0, max - 1))}…`;
}

/**
 * Text shown as Markdown prose (outside code): one line, every construct-opening character
 * escaped, mentions and autolinks defused. The rendered text reads exactly as `text`.
 */
export function escapeInline(text: string): string {
  return oneLine(text)
    .replace(MARKDOWN_PUNCTUATION, (c) => `\\${c}`)
    .replace(/@/g, `@${ZWSP}`)
    .replace(/\\#(?=\d)/g, `\\#${ZWSP}`)
    .replace(/\\:\//g, `\\:${ZWSP}/`)
    .replace(/\bwww\\\./gi, (w) => `${w.slice(0, 3)}${ZWSP}${w.slice(3)}`)
    .replace(/^(\d+)([.)])/, "$1\\$2")
    .replace(/^([-=])/, "\\$1");
}

/** The longest run of backticks in `text`. */
function longestBacktickRun(text: string): number {
  let longest = 0;
  let run = 0;
  for (const ch of text) {
    run = ch === "`" ? run + 1 : 0;
    if (run > longest) longest = run;
  }
  return longest;
}

/** `text` (already one line) as a code span that nothing inside can close. */
function span(text: string): string {
  const ticks = "`".repeat(longestBacktickRun(text) + 1);
  const pad = text.startsWith("`") || text.endsWith("`") || text.startsWith(" ") || text.endsWith(" ") ? " " : "";
  return `${ticks}${pad}${text}${pad}${ticks}`;
}

/**
 * A one-line code span for a table cell or a sentence: line breaks shown as ↵ (a trailing one
 * dropped), pipes escaped (GFM splits cells on them even inside code), cut to `max`.
 */
export function codeCell(value: string, max = 60): string {
  const v = cutLine(oneLine(value.replace(/(\r\n|[\n\r\u0085\u2028\u2029])$/, ""), "↵"), max);
  if (v === "") return "*(empty)*";
  return span(v).replace(/\|/g, "\\|");
}

/** One plain line: no line break or control character, runs of whitespace as one space, cut to `max`. */
export function plainLine(text: string, max: number): string {
  const line = oneLine(text).replace(/\ufffd/g, " ").replace(/\s+/g, " ").trim();
  return cutLine(line, max);
}

/** `text` (one plain line, at most 300 characters) as a code span, for prose. */
export function codeSpan(text: string): string {
  return span(plainLine(text, 300));
}

/** A fence info string: a language word only (`python`, `text`, `c++`), else nothing. */
function fenceInfo(info: string): string {
  return /^[A-Za-z0-9+#-]{0,20}$/.test(info) ? info : "";
}

/**
 * A fenced code block that its content cannot close: the fence is longer than any backtick run
 * inside (a tilde line cannot close a backtick fence). CR and CRLF become LF so the block's lines
 * are the lines a reader sees.
 */
export function fenced(text: string, info = ""): string {
  const body = text.replace(/\r\n?/g, "\n");
  const ticks = "`".repeat(Math.max(3, longestBacktickRun(body) + 1));
  return `${ticks}${fenceInfo(info)}\n${body.endsWith("\n") ? body : `${body}\n`}${ticks}`;
}

/** A folded block; `summary` is escaped, `body` is Markdown the caller built from these functions. */
export function details(summary: string, body: string): string {
  return `\n<details><summary>${summary}</summary>\n\n${body}\n\n</details>`;
}
