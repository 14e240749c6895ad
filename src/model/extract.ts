// Taking the program out of a model's reply. The reply is untrusted text: this only selects a
// substring, it never evaluates anything.

import type { Language } from "../spec/schema.ts";

/** Fence info-string tags that mean each language (lower case). */
export const LANGUAGE_TAGS: Record<Language, readonly string[]> = {
  python: ["python", "py", "python3", "py3", "pypy", "pypy3"],
  javascript: ["javascript", "js", "node", "nodejs", "mjs", "cjs"],
  cpp: ["cpp", "c++", "cc", "cxx", "hpp"],
};

export interface FencedBlock {
  /** First word of the info string, lower case; "" when untagged. */
  tag: string;
  code: string;
  /** The reply ended inside this block (cut off, or the closing fence was forgotten). */
  unclosed: boolean;
}

/**
 * Removes reasoning: complete <think>...</think> blocks (also <thinking>, <reasoning>), a
 * reasoning prefix whose opening tag the server swallowed ("...</think> answer"), and an
 * unclosed <think> to the end (the model was cut off while still thinking).
 */
export function stripThinking(reply: string): string {
  let text = withoutThinkingBlocks(reply);
  const close = /<\/(think|thinking|reasoning)>/gi;
  let lastClose = -1;
  for (let m = close.exec(text); m !== null; m = close.exec(text)) lastClose = m.index + m[0].length;
  if (lastClose >= 0) text = text.slice(lastClose);
  const open = /<(think|thinking|reasoning)>/i.exec(text);
  if (open !== null) text = text.slice(0, open.index);
  return text;
}

/**
 * `reply` without its complete `<tag>...</tag>` blocks, in one pass: a lazy regex scanned to the
 * end from every unclosed opening tag (quadratic on a reply of many `<think>`); here a tag with no
 * closing tag after one position has none after any later one, so each tag fails at most once.
 */
function withoutThinkingBlocks(reply: string): string {
  const open = /<(think|thinking|reasoning)>/gi;
  const noCloseAfter = new Map<string, number>();
  const kept: string[] = [];
  let from = 0;
  for (let m = open.exec(reply); m !== null; m = open.exec(reply)) {
    const tag = (m[1] as string).toLowerCase();
    const after = m.index + m[0].length;
    if ((noCloseAfter.get(tag) ?? Infinity) <= after) continue;
    const close = new RegExp(`</${tag}>`, "gi");
    close.lastIndex = after;
    const c = close.exec(reply);
    if (c === null) {
      noCloseAfter.set(tag, after);
      continue;
    }
    kept.push(reply.slice(from, m.index));
    from = c.index + c[0].length;
    open.lastIndex = from;
  }
  kept.push(reply.slice(from));
  return kept.join("");
}

// Matched against one line (no newline in it), so `[^\n]*` always reaches the end: nothing to backtrack.
// eslint-disable-next-line regexp/no-super-linear-backtracking -- one line, see above
const OPEN_FENCE = /^( {0,3})(`{3,}|~{3,})[ \t]*([^\n]*)$/;

/** CommonMark-style fenced blocks, in order. Unclosed last block runs to the end. */
export function fencedBlocks(text: string): FencedBlock[] {
  const lines = text.replace(/\r\n?/g, "\n").split("\n");
  const blocks: FencedBlock[] = [];
  let i = 0;
  while (i < lines.length) {
    const open = OPEN_FENCE.exec(lines[i] ?? "");
    // A backtick fence's info string may not contain backticks (that is inline code).
    if (open === null || (open[2]?.startsWith("`") && open[3]?.includes("`"))) {
      i++;
      continue;
    }
    const indent = open[1]?.length ?? 0;
    const fence = open[2] ?? "```";
    const tag = (open[3] ?? "").trim().replace(/^\{\.?|\}$/g, "").split(/[\s:{},]/)[0]?.toLowerCase() ?? "";
    const body: string[] = [];
    let closed = false;
    i++;
    for (; i < lines.length; i++) {
      const line = lines[i] ?? "";
      const trimmed = line.trim();
      if (trimmed.startsWith(fence[0]!.repeat(fence.length)) && /^(`+|~+)$/.test(trimmed) && trimmed[0] === fence[0] && /^ {0,3}\S/.test(line)) {
        closed = true;
        i++;
        break;
      }
      // Drop the opening fence's indentation from each line, as CommonMark does.
      body.push(line.replace(new RegExp(`^ {0,${indent}}`), ""));
    }
    blocks.push({ tag, code: body.join("\n"), unclosed: !closed });
  }
  return blocks;
}

const CODE_START: Record<Language, RegExp> = {
  python: /^(def \w+\s*\(|class \w+|import \w|from \S+ import |#|@\w|if __name__|for |while |with |try:|print\(|[A-Za-z_][\w, \t]*=|[A-Za-z_][\w.]*\()/,
  javascript: /^("use strict"|'use strict'|function[\s*]|async function|const |let |var |import |export |class |require\(|process\.|module\.exports|\/\/|\/\*|#!)/,
  cpp: /^(#include|#define|#pragma|using |int main|template\s*<|namespace |typedef |struct |class |\/\/|\/\*|const |static |long long|int |void |auto |std::)/,
};

const CODE_MARKER: Record<Language, RegExp> = {
  python: /^[ \t]*(def \w+\s*\(|import \w|from \S+ import |class \w+)|\b(print|input)\(|sys\.stdin/m,
  javascript: /\bfunction\b|=>|console\.log|require\(|process\.stdin|module\.exports/,
  cpp: /#include|\bint main\s*\(|std::|\bcout\b|\bcin\b/,
};

/** A line of English prose: six or more words ending in punctuation (code punctuation is checked apart). */
const PROSE = /^[A-Za-z][A-Za-z'’]*([ \t]+[A-Za-z'’,-]+){5,}[.:!?]$/;

/** True when an unfenced reply is plausibly just a program in `language`. */
export function looksLikeCode(text: string, language: Language): boolean {
  const lines = text.split("\n").map((l) => l.trimEnd());
  const first = lines.find((l) => l.trim() !== "");
  if (first === undefined || !CODE_START[language].test(first.trim())) return false;
  if (!CODE_MARKER[language].test(text)) return false;
  const commentStart = language === "python" ? "#" : "//";
  return !lines.some((l) => {
    const t = l.trim();
    return !l.startsWith(" ") && !l.startsWith("\t") && !t.startsWith(commentStart) && PROSE.test(t) && !/[(){}[\];=<>]/.test(t);
  });
}

/**
 * The program in a reply: the last fenced block tagged for `language` (last wins: models revise),
 * else the last untagged block, else the whole reply when it looks like code; null when there
 * is none (the caller decides: a lost sample, or a retry).
 */
export function extractCode(reply: string, language: Language): string | null {
  const text = stripThinking(reply.replace(/\r\n?/g, "\n"));
  const blocks = fencedBlocks(text).filter((b) => b.code.trim() !== "");
  const tags = LANGUAGE_TAGS[language];
  const pick = (candidates: FencedBlock[]): string | null => {
    // A complete block beats a cut-off one written after it (a truncated revision).
    const complete = candidates.filter((b) => !b.unclosed);
    const chosen = complete[complete.length - 1] ?? candidates[candidates.length - 1];
    return chosen === undefined ? null : chosen.code.trimEnd() + "\n";
  };
  const tagged = pick(blocks.filter((b) => tags.includes(b.tag)));
  if (tagged !== null) return tagged;
  // Untagged blocks also hold sample input and output: prefer the last one that looks like code.
  const bare = blocks.filter((b) => b.tag === "");
  const codeLike = bare.filter((b) => CODE_MARKER[language].test(b.code) || CODE_START[language].test(b.code.trimStart()));
  const untagged = pick(codeLike.length > 0 ? codeLike : bare);
  if (untagged !== null) return untagged;
  if (blocks.length > 0 || /^( {0,3})(`{3,}|~{3,})/m.test(text)) return null;
  const whole = text.trim();
  return whole !== "" && looksLikeCode(whole, language) ? `${whole}\n` : null;
}
