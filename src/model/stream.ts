// A streamed chat completion, read to the end. With n > 1 the chunks carry the choices
// interleaved, each delta naming its choice by `index`.

import OpenAI from "openai";
import { BadReply, StreamIdle, type Completion, type CompletionChoice, type CompletionUsage } from "./completion.ts";

type Chunk = Partial<OpenAI.Chat.ChatCompletionChunk>;

interface ChoiceSlot {
  content: string;
  finishReason: string | undefined;
  /** Chunks for this index carrying text or a role, and how many carried a role (a choice opens with one). */
  chunks: number;
  roles: number;
  /** Text or a second finish reason after this index had finished. */
  afterEnd: boolean;
}

/**
 * The choices being assembled from the chunks, merged by index. A server (or proxy) that sends
 * two replies under one index would splice two programs into one: such an index (opened twice,
 * or going on after its finish reason) is broken, as is an index below the highest one that
 * never came; each fails on its own. A server that repeats the role on every chunk is only verbose.
 */
export class ChoiceAssembly {
  private readonly byIndex = new Map<number, ChoiceSlot>();
  usage: CompletionUsage | undefined;
  model: unknown;

  add(part: Chunk): void {
    if (typeof part.model === "string" && part.model !== "") this.model = part.model;
    if (part.usage) this.usage = part.usage as CompletionUsage;
    if (!Array.isArray(part.choices)) return;
    for (const choice of part.choices as Partial<OpenAI.Chat.ChatCompletionChunk.Choice>[]) this.addChoice(choice);
  }

  private addChoice(choice: Partial<OpenAI.Chat.ChatCompletionChunk.Choice>): void {
    const index = typeof choice.index === "number" && Number.isInteger(choice.index) && choice.index >= 0 ? choice.index : 0;
    let slot = this.byIndex.get(index);
    if (slot === undefined) this.byIndex.set(index, (slot = { content: "", finishReason: undefined, chunks: 0, roles: 0, afterEnd: false }));
    const delta = choice.delta;
    if (typeof delta?.role === "string" || typeof delta?.content === "string") slot.chunks++;
    if (typeof delta?.role === "string") slot.roles++;
    if (slot.finishReason !== undefined && ((typeof delta?.content === "string" && delta.content !== "") || typeof choice.finish_reason === "string")) slot.afterEnd = true;
    if (typeof delta?.content === "string") slot.content += delta.content;
    if (typeof choice.finish_reason === "string") slot.finishReason = choice.finish_reason;
  }

  /** Choices 0..highest index, in order; a repeated or missing index is a broken choice. */
  choices(): CompletionChoice[] {
    if (this.byIndex.size === 0) return [];
    const highest = Math.max(...this.byIndex.keys());
    return Array.from({ length: highest + 1 }, (_, i): CompletionChoice => {
      const s = this.byIndex.get(i);
      if (s === undefined) return { content: "", finishReason: "unknown", broken: `the stream never sent choice index ${i} (it sent indexes up to ${highest})` };
      const choice: CompletionChoice = { content: s.content, finishReason: s.finishReason ?? "unknown" };
      if (s.afterEnd || (s.roles > 1 && s.roles < s.chunks)) choice.broken = `the stream sent choice index ${i} twice (a second reply under the same index); its text can't be told apart`;
      return choice;
    });
  }
}

/**
 * One streamed chat completion, read to the end. The timeout is an idle timeout here: a long
 * reply that keeps sending chunks is never cut off, a stream that goes silent is.
 */
export async function streamCompletion(openai: OpenAI, body: Record<string, unknown>, idleMs: number, signal: AbortSignal | undefined): Promise<Completion> {
  const abort = new AbortController();
  const cancel = (): void => abort.abort();
  const silent = (): StreamIdle => new StreamIdle(`no data for ${(idleMs / 1000).toFixed(1)}s while streaming`);
  signal?.addEventListener("abort", cancel, { once: true });
  let idle = false;
  let timer: NodeJS.Timeout | undefined;
  const arm = (): void => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      idle = true;
      abort.abort();
    }, idleMs);
  };
  arm();
  try {
    const stream = await openai.chat.completions.create({ ...body, stream: true } as unknown as OpenAI.Chat.ChatCompletionCreateParamsStreaming, {
      signal: abort.signal,
    });
    const assembly = new ChoiceAssembly();
    for await (const part of stream as AsyncIterable<Chunk>) {
      arm();
      if (typeof part !== "object" || part === null) throw new BadReply("malformed", "a streamed chunk is not an object");
      assembly.add(part);
    }
    // An abort can end the iteration quietly instead of throwing.
    if (idle) throw silent();
    if (abort.signal.aborted) throw new Error("the stream was cancelled");
    const choices = assembly.choices();
    if (choices.length === 0) throw new BadReply("empty-choices", "streamed reply has no choices");
    return { choices, usage: assembly.usage, model: assembly.model };
  } catch (error) {
    if (idle) throw silent();
    throw error;
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener("abort", cancel);
  }
}
