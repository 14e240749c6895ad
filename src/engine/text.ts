// Small text helpers shared by prompts, the report and the Markdown rendering.

/** Cuts `text` to at most about `max` characters, keeping its head and tail around a marker. */
export function cutText(text: string, max: number): string {
  if (text.length <= max) return text;
  const keep = Math.max(0, max - 40);
  const head = Math.ceil(keep * 0.7);
  const tail = keep - head;
  const cut = text.length - head - tail;
  return `${text.slice(0, head)}\n… [${cut} characters cut] …\n${tail > 0 ? text.slice(text.length - tail) : ""}`;
}

/**
 * Wraps untrusted text in a fence that the text itself cannot close: a run of backticks longer
 * than any run inside it. `info` is the fence's info string (a language or a label).
 */
export function fence(text: string, info = ""): string {
  let longest = 0;
  for (const m of text.matchAll(/`+/g)) longest = Math.max(longest, m[0].length);
  const ticks = "`".repeat(Math.max(3, longest + 1));
  const body = text.endsWith("\n") ? text : `${text}\n`;
  return `${ticks}${info}\n${body}${ticks}`;
}
