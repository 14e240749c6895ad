// Token accounting for the cost benchmark: a real tokenizer (o200k_base, the encoding of gpt-4o and
// gpt-4o-mini) counts every prompt and completion, and a prefix cache per problem says how much of
// a prompt a provider would bill at the cached rate.
import { Tiktoken } from "js-tiktoken/lite";
import o200k_base from "js-tiktoken/ranks/o200k_base";

export const TOKENIZER_NAME = "o200k_base";
const encoder = new Tiktoken(o200k_base);

export interface Message {
  role: string;
  content: string;
}

/**
 * Tokens of one chat message as OpenAI bills it: the role and content, plus 3 tokens of framing
 * (OpenAI's cookbook count for the gpt-4o family).
 */
export function messageTokens(m: Message): number {
  return 3 + encoder.encode(m.role).length + encoder.encode(m.content).length;
}

/** Prompt tokens of a request: its messages plus the 3 tokens priming the reply. */
export function promptTokens(messages: readonly Message[]): number {
  return messages.reduce((s, m) => s + messageTokens(m), 3);
}

export function completionTokens(text: string): number {
  return encoder.encode(text).length;
}

/**
 * A provider's prefix cache for one problem, counted in whole messages: a prompt's cached tokens
 * are those of its longest run of leading messages identical to the leading messages of an earlier
 * request. An approximation: OpenAI caches prompts of 1,024 tokens or more, in 128-token steps, for
 * minutes, and needs no message boundary; this counts any length at once, so it is an upper bound
 * for short prompts, the same for the long shared prefixes that matter.
 */
export class PrefixCache {
  /** Every prefix seen, as the JSON of its messages. */
  private readonly seen = new Set<string>();

  /** Cached tokens of `messages`, then remembers all its prefixes. */
  lookup(messages: readonly Message[]): number {
    let cached = 0;
    let tokens = 0;
    const keys: string[] = [];
    for (let k = 1; k <= messages.length; k++) {
      const key = JSON.stringify(messages.slice(0, k).map((m) => [m.role, m.content]));
      keys.push(key);
      tokens += messageTokens(messages[k - 1]!);
      if (this.seen.has(key)) cached = tokens;
    }
    for (const key of keys) this.seen.add(key);
    return cached;
  }
}
