// A streamed chat completion, read to the end. With n > 1 the chunks carry the choices
// interleaved, each delta naming its choice by `index`.

import OpenAI from "openai";
import { BadReply, StreamIdle, type Completion, type CompletionChoice, type CompletionUsage } from "./completion.ts";

type Chunk = Partial<OpenAI.Chat.ChatCompletionChunk>;

/** The choices being assembled from the chunks, by index. */
class ChoiceAssembly {
  private readonly byIndex = new Map<number, { content: string; finishReason: string | undefined }>();
  usage: CompletionUsage | undefined;
  model: unknown;

  add(part: Chunk): void {
    if (typeof part.model === "string" && part.model !== "") this.model = part.model;
    if (part.usage) this.usage = part.usage as CompletionUsage;
    if (!Array.isArray(part.choices)) return;
    for (const choice of part.choices as Partial<OpenAI.Chat.ChatCompletionChunk.Choice>[]) {
      const index = typeof choice.index === "number" && Number.isInteger(choice.index) ? choice.index : 0;
      let slot = this.byIndex.get(index);
      if (slot === undefined) this.byIndex.set(index, (slot = { content: "", finishReason: undefined }));
      if (typeof choice.delta?.content === "string") slot.content += choice.delta.content;
      if (typeof choice.finish_reason === "string") slot.finishReason = choice.finish_reason;
    }
  }

  choices(): CompletionChoice[] {
    return [...this.byIndex.entries()].sort(([a], [b]) => a - b).map(([, s]) => ({ content: s.content, finishReason: s.finishReason ?? "unknown" }));
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
