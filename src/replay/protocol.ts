// The chat-completions wire shapes the local server writes (checked against the `openai`
// package's ChatCompletion, ChatCompletionChunk and CompletionUsage types), and the handler
// contract it is scripted through.
import type { ServerResponse } from "node:http";

export interface ChatReplyResult {
  content: string;
  finishReason?: string;
  promptTokens?: number;
  completionTokens?: number;
  /** Reported as `usage.prompt_tokens_details.cached_tokens` (a provider's prefix cache hit). */
  cachedPromptTokens?: number;
  /** Wait this long before answering (the request counts as in flight meanwhile). */
  delayMs?: number;
  /** Streaming only: wait this long between chunks (a slow, steady reply). */
  chunkDelayMs?: number;
}

export type ChatFaultResult =
  | { fault: "status"; status: number; body?: unknown; retryAfter?: number | string }
  | { fault: "hang" }
  | { fault: "malformed" }
  | { fault: "empty-choices" }
  | { fault: "drop" }
  | { fault: "stall" };

export type ChatHandlerResult = ChatReplyResult | ChatFaultResult;

export interface ChatHandlerRequest {
  /** The parsed JSON body (undefined when the body was not JSON). */
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- whatever the client sent
  headers: Record<string, string | string[] | undefined>;
  /** 0-based position of this request among all chat-completions requests to this server. */
  index: number;
  /** 0-based choice within the request: the handler answers each of a request's `n` choices in turn. */
  choice: number;
  /** Aborted when the client goes away before the answer is written (a timeout, a cancelled run). */
  signal?: AbortSignal;
}

export type ChatHandler = (request: ChatHandlerRequest) => ChatHandlerResult | Promise<ChatHandlerResult>;

export function isFault(result: ChatHandlerResult): result is ChatFaultResult {
  return typeof (result as { fault?: unknown }).fault === "string";
}

/** A rough token count (about 4 characters a token) for replies that don't state one. */
function roughTokens(text: string): number {
  return Math.max(1, Math.ceil(text.length / 4));
}

function promptText(body: unknown): string {
  const messages = (body as { messages?: unknown } | undefined)?.messages;
  if (!Array.isArray(messages)) return "";
  return messages
    .map((m) => {
      const content = (m as { content?: unknown }).content;
      return typeof content === "string" ? content : JSON.stringify(content ?? "");
    })
    .join("\n");
}

/**
 * One request's usage, as servers report it: the prompt once (from the first choice's result),
 * the completion tokens summed over the choices, cached prompt tokens when the result gives them.
 */
export function usageOf(body: unknown, replies: readonly ChatReplyResult[]): Record<string, unknown> {
  const first = replies[0];
  const promptTokens = first?.promptTokens ?? roughTokens(promptText(body));
  const completionTokens = replies.reduce((n, r) => n + (r.completionTokens ?? roughTokens(r.content)), 0);
  return {
    prompt_tokens: promptTokens,
    completion_tokens: completionTokens,
    total_tokens: promptTokens + completionTokens,
    ...(first?.cachedPromptTokens !== undefined ? { prompt_tokens_details: { cached_tokens: first.cachedPromptTokens } } : {}),
  };
}

/** What every body of one reply shares: its id, creation time and model. */
export interface ReplyFrame {
  id: string;
  created: number;
  model: string;
}

/** A `chat.completion` body with one choice per reply, each with its own index and finish reason. */
export function completionBody(frame: ReplyFrame, replies: readonly ChatReplyResult[], usage: Record<string, unknown>): Record<string, unknown> {
  return {
    id: frame.id,
    object: "chat.completion",
    created: frame.created,
    model: frame.model,
    choices: replies.map((reply, index) => ({
      index,
      message: { role: "assistant", content: reply.content, refusal: null },
      finish_reason: reply.finishReason ?? "stop",
      logprobs: null,
    })),
    usage,
  };
}

/** One `chat.completion.chunk` carrying a delta for choice `index`. */
export function chunkBody(frame: ReplyFrame, index: number, delta: Record<string, unknown>, finishReason: string | null): Record<string, unknown> {
  return {
    id: frame.id,
    object: "chat.completion.chunk",
    created: frame.created,
    model: frame.model,
    choices: [{ index, delta, finish_reason: finishReason, logprobs: null }],
  };
}

/**
 * The server-sent events of a streamed reply: a role chunk per choice, then the content in pieces
 * with the choices interleaved by index (as servers do with n > 1), a finish chunk per choice, and
 * the usage chunk (no choices) when asked for.
 */
export function streamEvents(frame: ReplyFrame, replies: readonly ChatReplyResult[], usage: Record<string, unknown> | undefined): Record<string, unknown>[] {
  const events = replies.map((_, index) => chunkBody(frame, index, { role: "assistant", content: "" }, null));
  const pieces = replies.map((reply) => reply.content.match(/[\s\S]{1,16}/g) ?? []);
  const rounds = Math.max(0, ...pieces.map((p) => p.length));
  for (let round = 0; round < rounds; round++) {
    pieces.forEach((p, index) => {
      if (round < p.length) events.push(chunkBody(frame, index, { content: p[round] }, null));
    });
  }
  replies.forEach((reply, index) => events.push(chunkBody(frame, index, {}, reply.finishReason ?? "stop")));
  if (usage !== undefined) events.push({ ...chunkBody(frame, 0, {}, null), choices: [], usage });
  return events;
}

export function sendJson(res: ServerResponse, status: number, value: unknown, extraHeaders: Record<string, string> = {}): void {
  const text = JSON.stringify(value);
  res.writeHead(status, {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(text),
    ...extraHeaders,
  });
  res.end(text);
}

/** OpenAI's error body: {"error": {message, type, param, code}}. */
export function errorBody(status: number, message: string, fields: { param?: string | null; code?: string | null } = {}): unknown {
  return { error: { message, type: status >= 500 ? "server_error" : "invalid_request_error", code: fields.code ?? null, param: fields.param ?? null } };
}
