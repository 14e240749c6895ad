// Chat completions from a model loaded by node-llama-cpp, in the server child (child.ts). One
// context sequence answers every request in turn: on CPU, parallel sequences bring no throughput,
// and one sequence reuses its own evaluated prefix. A request's `n` choices share the prompt, so
// the first choice evaluates it and each later one erases only the previous answer and evaluates
// the prompt's last token again (for fresh logits): N samples cost one prompt evaluation, not N.
// The same reuse covers the prefix that consecutive requests share (the system prompt, the problem).
import type { ChatHandlerRequest, ChatHandlerResult } from "../replay/protocol.ts";

/** The parts of node-llama-cpp 3.x used here (the library is installed at run time: no types at build time). */
export interface LlamaModelLike {
  tokenizer: unknown;
  detokenize(tokens: readonly number[], specialTokens?: boolean): string;
  isEogToken(token: number | undefined): boolean;
}
export interface LlamaSequenceLike {
  readonly nextTokenIndex: number;
  readonly contextSize: number;
  compareContextTokens(tokens: number[]): { firstDifferentIndex: number };
  eraseContextTokenRanges(ranges: { start: number; end: number }[]): Promise<void>;
  evaluate(tokens: number[], options?: Record<string, unknown>): AsyncGenerator<number, void, void | number | number[]>;
}
export interface ChatWrapperLike {
  generateContextState(options: { chatHistory: unknown[] }): { contextText: { tokenize(tokenizer: unknown): number[] } };
}

export interface GeneratorParts {
  model: LlamaModelLike;
  sequence: LlamaSequenceLike;
  wrapper: ChatWrapperLike;
  /** A new grammar state per answer, when every answer is constrained by a grammar. */
  grammarState?: () => unknown;
  /** Cap on generated tokens when the request gives none (a random or looping model never stops). */
  defaultMaxTokens: number;
}

/** One answer's accounting, for the stats line the parent reads. */
export interface AnswerStats {
  promptTokens: number;
  evaluatedPromptTokens: number;
  generatedTokens: number;
  /** From the request's start to the first generated token (the prompt's evaluation), and to the end. */
  firstTokenMs: number;
  ms: number;
}

interface ChatParams {
  history: unknown[];
  maxTokens: number | undefined;
  temperature: number;
  topP: number | undefined;
  seed: number | undefined;
  stop: string[];
}

function textOf(content: unknown): string {
  if (typeof content === "string") return content;
  if (Array.isArray(content)) return content.map((part) => (typeof (part as { text?: unknown }).text === "string" ? (part as { text: string }).text : "")).join("");
  return "";
}

/** The request's messages as the library's chat history, ending with the model's turn to answer. */
export function chatParams(body: unknown): ChatParams {
  const b = (body ?? {}) as Record<string, unknown>;
  const messages = Array.isArray(b.messages) ? (b.messages as { role?: unknown; content?: unknown }[]) : [];
  const history: unknown[] = messages.map((m) =>
    m.role === "assistant" ? { type: "model", response: [textOf(m.content)] } : m.role === "system" || m.role === "developer" ? { type: "system", text: textOf(m.content) } : { type: "user", text: textOf(m.content) },
  );
  history.push({ type: "model", response: [] });
  const num = (v: unknown) => (typeof v === "number" && Number.isFinite(v) ? v : undefined);
  const stop = typeof b.stop === "string" ? [b.stop] : Array.isArray(b.stop) ? b.stop.filter((s): s is string => typeof s === "string" && s !== "") : [];
  return { history, maxTokens: num(b.max_completion_tokens) ?? num(b.max_tokens), temperature: num(b.temperature) ?? 1, topP: num(b.top_p), seed: num(b.seed), stop };
}

/** The text up to the first stop string, and whether one was found. */
export function cutAtStop(text: string, stops: readonly string[]): { text: string; stopped: boolean } {
  let at = -1;
  for (const s of stops) {
    const i = text.indexOf(s);
    if (i >= 0 && (at < 0 || i < at)) at = i;
  }
  return at < 0 ? { text, stopped: false } : { text: text.slice(0, at), stopped: true };
}

/** Answers chat requests one at a time (one sequence); `onStats` gets each answer's accounting. */
export function createGenerator(parts: GeneratorParts, onStats: (stats: AnswerStats) => void): (request: ChatHandlerRequest) => Promise<ChatHandlerResult> {
  let queue: Promise<unknown> = Promise.resolve();
  return (request) => {
    const answer = queue.then(() => generateOne(parts, request, onStats));
    queue = answer.catch(() => undefined);
    return answer;
  };
}

async function generateOne(parts: GeneratorParts, request: ChatHandlerRequest, onStats: (stats: AnswerStats) => void): Promise<ChatHandlerResult> {
  const started = Date.now();
  const { model, sequence } = parts;
  const params = chatParams(request.body);
  const prompt = parts.wrapper.generateContextState({ chatHistory: params.history }).contextText.tokenize(model.tokenizer);
  const room = sequence.contextSize - prompt.length;
  if (room < 1) {
    return { fault: "status", status: 400, body: { error: { message: `the prompt is ${prompt.length} tokens, more than the local model's context of ${sequence.contextSize}`, type: "invalid_request_error", param: "messages", code: "context_length_exceeded" } } };
  }
  // Keep the evaluated prefix; evaluate at least the prompt's last token again for its logits.
  const keep = Math.min(sequence.compareContextTokens(prompt).firstDifferentIndex, prompt.length - 1);
  if (sequence.nextTokenIndex > keep) await sequence.eraseContextTokenRanges([{ start: keep, end: sequence.nextTokenIndex }]);
  const maxTokens = Math.min(params.maxTokens ?? parts.defaultMaxTokens, room);
  const seed = params.seed !== undefined ? params.seed + request.choice : Math.floor(Math.random() * 2 ** 31);
  const options: Record<string, unknown> = { temperature: params.temperature, seed, ...(params.topP !== undefined ? { topP: params.topP } : {}) };
  if (parts.grammarState) options.grammarEvaluationState = parts.grammarState();
  const generated: number[] = [];
  // The library ends the loop itself when a grammar is complete: that is a natural stop too.
  let finishReason = "stop";
  const tail = 8 + Math.max(0, ...params.stop.map((s) => s.length));
  let firstTokenMs = 0;
  for await (const token of sequence.evaluate(prompt.slice(keep), options)) {
    if (firstTokenMs === 0) firstTokenMs = Date.now() - started;
    if (model.isEogToken(token)) break;
    generated.push(token);
    if (params.stop.length > 0 && cutAtStop(model.detokenize(generated.slice(-tail)), params.stop).stopped) break;
    if (generated.length >= maxTokens || request.signal?.aborted) {
      finishReason = "length";
      break;
    }
  }
  const { text } = cutAtStop(model.detokenize(generated), params.stop);
  onStats({ promptTokens: prompt.length, evaluatedPromptTokens: prompt.length - keep, generatedTokens: generated.length, firstTokenMs, ms: Date.now() - started });
  return { content: text, finishReason, promptTokens: prompt.length, completionTokens: generated.length, cachedPromptTokens: keep };
}
