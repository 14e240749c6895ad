// A small OpenAI chat-completions server on node:http, dependency-free. A request with
// `stream: true` is answered as server-sent events (the reply cut into chunks, the usage chunk when
// `stream_options.include_usage` asks for it, then `data: [DONE]`), otherwise as one JSON body.
//
// Used by the tests (test/fixtures/chat-server.ts scripts it) and by the offline demo's replay
// model, which answers from recorded replies. It speaks the real wire protocol so that callers
// drive the real `openai` client against it over real HTTP.
//
//   POST /v1/chat/completions, POST /chat/completions  -> handler decides: a reply or a fault
//   GET  /v1/models, GET /models                        -> the models seen so far (or "test-model")
//
// Faults: "status" (any HTTP status, optional JSON body and Retry-After), "hang" (never answers;
// released on close), "malformed" (200 with broken JSON), "empty-choices" (200, `choices: []`),
// "drop" (destroys the socket without answering), "stall" (streaming: the headers and a first
// chunk, then silence until close; otherwise like "hang").

import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";

export interface ChatReplyResult {
  content: string;
  finishReason?: string;
  promptTokens?: number;
  completionTokens?: number;
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
}

export type ChatHandler = (request: ChatHandlerRequest) => ChatHandlerResult | Promise<ChatHandlerResult>;

export interface RecordedRequest {
  method: string;
  /** Path without the query string. */
  path: string;
  query: string;
  headers: Record<string, string | string[] | undefined>;
  /** Parsed JSON body, or undefined (GET, or not JSON). */
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- whatever the client sent
  /** Index among chat-completions requests; -1 for other paths. */
  index: number;
  /** What the server did: "reply", a fault name, "status:<n>" for status faults, or "not-found". */
  outcome: string;
}

export interface ChatServer {
  /** Base URL ending in /v1, for `new OpenAI({ baseURL })`. */
  url: string;
  /** Every request, in arrival order. */
  requests: RecordedRequest[];
  /** Chat-completions requests currently being handled (not yet answered). */
  readonly inFlight: number;
  /** Highest `inFlight` seen so far. */
  readonly maxInFlight: number;
  close(): Promise<void>;
}

const CHAT_PATHS = new Set(["/v1/chat/completions", "/chat/completions"]);
const MODEL_PATHS = new Set(["/v1/models", "/models"]);

function isFault(result: ChatHandlerResult): result is ChatFaultResult {
  return typeof (result as { fault?: unknown }).fault === "string";
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
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

function sendJson(res: ServerResponse, status: number, value: unknown, extraHeaders: Record<string, string> = {}): void {
  const text = JSON.stringify(value);
  res.writeHead(status, {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(text),
    ...extraHeaders,
  });
  res.end(text);
}

function errorBody(status: number, message: string): unknown {
  return { error: { message, type: status >= 500 ? "server_error" : "invalid_request_error", code: null, param: null } };
}

export async function serveChatCompletions(
  handler: ChatHandler,
  options: { port?: number; host?: string } = {},
): Promise<ChatServer> {
  const host = options.host ?? "127.0.0.1";
  const requests: RecordedRequest[] = [];
  const sockets = new Set<Socket>();
  const hanging = new Set<ServerResponse>();
  const models = new Set<string>();
  let chatIndex = 0;
  let inFlight = 0;
  let maxInFlight = 0;
  let idCounter = 0;

  async function handleChat(req: IncomingMessage, res: ServerResponse, record: RecordedRequest): Promise<void> {
    const body = record.body as { model?: unknown; stream?: unknown } | undefined;
    if (typeof body?.model === "string") models.add(body.model);
    const streaming = body?.stream === true;
    const id = `chatcmpl-${++idCounter}`;
    const created = Math.floor(Date.now() / 1000);
    const chunk = (delta: Record<string, unknown>, finishReason: string | null): Record<string, unknown> => ({
      id,
      object: "chat.completion.chunk",
      created,
      model: typeof body?.model === "string" ? body.model : "test-model",
      choices: [{ index: 0, delta, finish_reason: finishReason, logprobs: null }],
    });
    let result: ChatHandlerResult;
    try {
      result = await handler({ body: record.body, headers: record.headers, index: record.index });
    } catch (error) {
      // A throwing handler is a bug in the test script: answer 500 so the test sees it loudly.
      record.outcome = "handler-error";
      sendJson(res, 500, errorBody(500, `chat server handler threw: ${(error as Error).message}`));
      return;
    }
    if (isFault(result)) {
      switch (result.fault) {
        case "status": {
          record.outcome = `status:${result.status}`;
          const headers: Record<string, string> = {};
          if (result.retryAfter !== undefined) headers["retry-after"] = String(result.retryAfter);
          sendJson(res, result.status, result.body ?? errorBody(result.status, `scripted status ${result.status}`), headers);
          return;
        }
        case "hang":
          // Never answer; close() ends it. The client's timeout is what's being tested.
          record.outcome = "hang";
          hanging.add(res);
          await new Promise<void>((resolve) => res.on("close", resolve));
          return;
        case "malformed": {
          record.outcome = "malformed";
          const text = '{"id": "chatcmpl-broken", "choices": [{"message": {"content": "unterminated';
          res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
          res.end(text);
          return;
        }
        case "empty-choices":
          record.outcome = "empty-choices";
          sendJson(res, 200, {
            id,
            object: "chat.completion",
            created,
            model: typeof body?.model === "string" ? body.model : "test-model",
            choices: [],
            usage: { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 },
          });
          return;
        case "drop":
          record.outcome = "drop";
          req.socket.destroy();
          return;
        case "stall":
          record.outcome = "stall";
          hanging.add(res);
          if (streaming) {
            res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
            res.write(`data: ${JSON.stringify(chunk({ role: "assistant", content: "" }, null))}\n\n`);
          }
          await new Promise<void>((resolve) => res.on("close", resolve));
          return;
      }
    }
    if (result.delayMs !== undefined && result.delayMs > 0) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, result.delayMs);
        res.on("close", () => {
          clearTimeout(timer);
          resolve();
        });
      });
      if (res.destroyed) {
        record.outcome = "client-gone";
        return;
      }
    }
    record.outcome = "reply";
    const promptTokens = result.promptTokens ?? roughTokens(promptText(record.body));
    const completionTokens = result.completionTokens ?? roughTokens(result.content);
    if (streaming) {
      const usage = { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens };
      res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
      const events = [chunk({ role: "assistant", content: "" }, null)];
      for (const piece of result.content.match(/[\s\S]{1,16}/g) ?? []) events.push(chunk({ content: piece }, null));
      events.push(chunk({}, result.finishReason ?? "stop"));
      const options = (record.body as { stream_options?: { include_usage?: unknown } }).stream_options;
      if (options?.include_usage === true) events.push({ ...chunk({}, null), choices: [], usage });
      for (const event of events) {
        if (res.destroyed) return;
        res.write(`data: ${JSON.stringify(event)}\n\n`);
        if (result.chunkDelayMs !== undefined && result.chunkDelayMs > 0) await new Promise((r) => setTimeout(r, result.chunkDelayMs));
      }
      res.end("data: [DONE]\n\n");
      return;
    }
    sendJson(res, 200, {
      id,
      object: "chat.completion",
      created,
      model: typeof body?.model === "string" ? body.model : "test-model",
      choices: [
        {
          index: 0,
          message: { role: "assistant", content: result.content, refusal: null },
          finish_reason: result.finishReason ?? "stop",
          logprobs: null,
        },
      ],
      usage: { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens },
    });
  }

  const server = createServer((req, res) => {
    void (async () => {
      const [rawPath = "/", query = ""] = (req.url ?? "/").split("?", 2);
      const path = rawPath.replace(/\/+$/, "") || "/";
      const text = await readBody(req).catch(() => "");
      let body: unknown;
      if (text.length > 0) {
        try {
          body = JSON.parse(text);
        } catch {
          body = undefined;
        }
      }
      const isChat = req.method === "POST" && CHAT_PATHS.has(path);
      const record: RecordedRequest = {
        method: req.method ?? "GET",
        path,
        query,
        headers: { ...req.headers },
        body,
        index: isChat ? chatIndex++ : -1,
        outcome: "pending",
      };
      requests.push(record);
      if (isChat) {
        inFlight++;
        maxInFlight = Math.max(maxInFlight, inFlight);
        try {
          await handleChat(req, res, record);
        } finally {
          inFlight--;
        }
        return;
      }
      if (req.method === "GET" && MODEL_PATHS.has(path)) {
        record.outcome = "models";
        const ids = models.size > 0 ? [...models] : ["test-model"];
        sendJson(res, 200, {
          object: "list",
          data: ids.map((id) => ({ id, object: "model", created: 0, owned_by: "sstar-test" })),
        });
        return;
      }
      record.outcome = "not-found";
      sendJson(res, 404, errorBody(404, `no route for ${req.method} ${path}`));
    })().catch((error: unknown) => {
      if (!res.headersSent && !res.destroyed) sendJson(res, 500, errorBody(500, String(error)));
    });
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const hostPart = address.family === "IPv6" ? `[${address.address}]` : address.address;

  let closed: Promise<void> | undefined;
  return {
    url: `http://${hostPart}:${address.port}/v1`,
    requests,
    get inFlight() {
      return inFlight;
    },
    get maxInFlight() {
      return maxInFlight;
    },
    close() {
      closed ??= new Promise<void>((resolve) => {
        for (const res of hanging) res.destroy();
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      });
      return closed;
    },
  };
}
