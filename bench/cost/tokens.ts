// Token accounting for the cost benchmark: a real tokenizer (o200k_base, the encoding of gpt-4o and
// gpt-4o-mini) counts every prompt and completion, and a prefix cache per problem says how much of
// a prompt a provider would bill at the cached rate, under a named provider's rules.
import { createHash } from "node:crypto";
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

/** Token ids of one message as a prompt lays them out: framing (as negative ids), role, content. */
function messageIds(m: Message): number[] {
  return [-1, ...encoder.encode(m.role), -2, ...encoder.encode(m.content), -3];
}

/** A prompt's token ids (its messages and the 3 tokens priming the reply): what a prefix cache matches on. */
export function promptIds(messages: readonly Message[]): number[] {
  return [...messages.flatMap(messageIds), -4, -5, -6];
}

/**
 * A provider's prompt-caching rules: prompts shorter than `minPrompt` are never cached; a cached
 * prefix counts in whole blocks of `block` tokens (and, when it counts, at least `minPrompt`).
 */
export interface CacheRules {
  name: "openai" | "vllm" | "none";
  minPrompt: number;
  block: number;
  /** What the rules are, for the table's caption. */
  describe: string;
}

export const CACHE_RULES: Record<CacheRules["name"], CacheRules> = {
  openai: {
    name: "openai",
    minPrompt: 1024,
    block: 128,
    describe: "OpenAI's published rules: prompts of 1,024 tokens or more, the cached prefix in 128-token steps from 1,024 on, matched against earlier requests that had completed",
  },
  vllm: {
    name: "vllm",
    minPrompt: 0,
    block: 16,
    describe: "vLLM's automatic prefix caching: any prompt, the cached prefix in whole 16-token blocks, matched against earlier requests that had completed (vLLM can also share the blocks of requests still running: a lower bound)",
  },
  none: { name: "none", minPrompt: Infinity, block: 1, describe: "no prompt caching: every prompt token billed at the input price" },
};

/**
 * A provider's prefix cache for one problem under `rules`: a prompt's cached tokens are its
 * longest prefix, in whole blocks, that an earlier *completed* request's prompt began with (a
 * request still in flight caches nothing yet: `remember` is called when its reply is sent).
 * Prefixes are kept as a hash chain over the blocks, so a lookup is linear in the prompt.
 */
export class PrefixCache {
  private readonly seen = new Set<string>();

  constructor(private readonly rules: CacheRules) {}

  /** The block keys of a prompt: key k covers its first (k + 1) x block tokens. */
  private keys(ids: readonly number[]): string[] {
    const keys: string[] = [];
    let chain = "";
    for (let end = this.rules.block; end <= ids.length; end += this.rules.block) {
      chain = createHash("sha1").update(chain).update(ids.slice(end - this.rules.block, end).join(",")).digest("hex");
      keys.push(chain);
    }
    return keys;
  }

  /** Cached tokens of a prompt (its token ids) under the rules. */
  lookup(ids: readonly number[]): number {
    if (ids.length < this.rules.minPrompt) return 0;
    let blocks = 0;
    for (const key of this.keys(ids)) {
      if (!this.seen.has(key)) break;
      blocks++;
    }
    const cached = blocks * this.rules.block;
    return cached >= this.rules.minPrompt ? cached : 0;
  }

  /** A request completed: its prompt's prefixes can be served from now on. */
  remember(ids: readonly number[]): void {
    if (this.rules.name === "none") return;
    for (const key of this.keys(ids)) this.seen.add(key);
  }
}

const FILLER =
  "Case by case, the expected result follows from the statement: take the input, apply each rule in order, and compare the value with what each program printed. " +
  "The first program handles the boundary the statement describes, while the second treats the edge differently, so their outputs part ways exactly where that rule applies. ";

/** Reasoning text of exactly `tokens` tokens: what a reply that explains itself spends before its answer. */
export function reasoningText(tokens: number): string {
  if (tokens <= 0) return "";
  const ids = encoder.encode(FILLER.repeat(Math.ceil(tokens / 40) + 1));
  let text = encoder.decode(ids.slice(0, tokens));
  // A cut between tokens can re-encode longer; trim until it counts exactly.
  while (encoder.encode(text).length > tokens) text = text.slice(0, -1);
  return text;
}
