// One chat completion as the client reads it: its choices in index order, the usage the server
// reported, and the errors a 200 reply we can't use is reported with.

import OpenAI from "openai";

/** Thrown inside the attempt loop for a 200 reply we can't use. */
export class BadReply extends Error {
  /** The body was not JSON at all (a web page, a proxy's text). */
  notJson = false;
  constructor(
    readonly kind: "malformed" | "empty-choices",
    message: string,
  ) {
    super(message);
  }
}

/** Thrown when a streamed reply sends nothing for the timeout: retried like a timeout. */
export class StreamIdle extends Error {}

export interface CompletionChoice {
  content: string;
  finishReason: string;
  /** Why this choice can't be used (a streamed index repeated or missing): it fails alone. */
  broken?: string;
}

/** The usage fields we read (OpenAI's CompletionUsage; vLLM reports the same with prefix caching). */
export interface CompletionUsage {
  prompt_tokens?: unknown;
  completion_tokens?: unknown;
  prompt_tokens_details?: { cached_tokens?: unknown } | null;
}

export interface Completion {
  /** At least one; in the order of the servers' `index`. */
  choices: CompletionChoice[];
  usage: CompletionUsage | undefined;
  model: unknown;
}

export function oneLine(text: string, max = 300): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > max ? `${flat.slice(0, max)}...` : flat;
}

/** The choices of a reply in index order (a choice without a usable index keeps its place). */
export function inIndexOrder<T extends { index?: unknown }>(choices: readonly T[]): T[] {
  const at = (c: T, i: number): number => (typeof c.index === "number" && Number.isInteger(c.index) ? c.index : i);
  return choices
    .map((c, i) => ({ c, i: at(c, i) }))
    .sort((a, b) => a.i - b.i)
    .map(({ c }) => c);
}

/** One non-streamed chat completion. */
export async function completeOnce(openai: OpenAI, body: Record<string, unknown>, signal: AbortSignal | undefined): Promise<Completion> {
  const completion = (await openai.chat.completions.create(
    body as unknown as OpenAI.Chat.ChatCompletionCreateParamsNonStreaming,
    signal !== undefined ? { signal } : undefined,
  )) as unknown as
    | Partial<OpenAI.Chat.ChatCompletion>
    | string
    | undefined;
  if (typeof completion !== "object" || completion === null || !Array.isArray(completion.choices)) {
    const bad = new BadReply("malformed", typeof completion === "string" ? `reply is not JSON: ${oneLine(completion, 80)}` : "reply is not a chat completion (no choices array)");
    if (typeof completion === "string") bad.notJson = true;
    throw bad;
  }
  if (completion.choices.length === 0) throw new BadReply("empty-choices", "reply has no choices");
  return {
    choices: inIndexOrder(completion.choices as Partial<OpenAI.Chat.ChatCompletion.Choice>[]).map((choice) => ({
      content: typeof choice.message?.content === "string" ? choice.message.content : "",
      finishReason: typeof choice.finish_reason === "string" ? choice.finish_reason : "unknown",
    })),
    usage: completion.usage as CompletionUsage | undefined,
    model: completion.model,
  };
}
