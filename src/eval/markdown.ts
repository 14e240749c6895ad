// Escaping for text from specs and configuration (titles, ids, model names) shown in Markdown:
// it must not break tables, open HTML, or inject links and mentions. The rules live in
// src/report/inert.ts, the one place text becomes Markdown.
import { codeSpan, escapeInline } from "../report/inert.ts";

export function escapeMarkdown(text: string): string {
  return escapeInline(text);
}

/** Inline code that cannot be closed early by backticks in the text. */
export function code(text: string): string {
  return codeSpan(text);
}
