// Escaping for text from specs and configuration (titles, ids, model names) shown in Markdown:
// it must not break tables, open HTML, or inject links and mentions.
export function escapeMarkdown(text: string): string {
  return text
    .replace(/[\r\n]+/g, " ")
    .replace(/[\\`*_[\]<>|#!~]/g, (c) => `\\${c}`)
    .replace(/@/g, "@\u200b");
}

/** Inline code that cannot be closed early by backticks in the text. */
export function code(text: string): string {
  const clean = text.replace(/[\r\n]+/g, " ");
  const longest = Math.max(0, ...(clean.match(/`+/g) ?? []).map((m) => m.length));
  const fence = "`".repeat(longest + 1);
  return `${fence}${longest > 0 ? " " : ""}${clean}${longest > 0 ? " " : ""}${fence}`;
}
