// A small OpenAI chat-completions server on node:http, dependency-free. A request with
// `stream: true` is answered as server-sent events (the reply cut into chunks, the usage chunk when
// `stream_options.include_usage` asks for it, then `data: [DONE]`), otherwise as one JSON body.
// A request with `n` gets n choices, each answered by the handler in turn (unless the server is
// told to refuse `n`, or to return fewer choices, as some real servers do).
//
// Used by the tests (test/fixtures/chat-server.ts scripts it), by the offline demo's replay
// model, which answers from recorded replies, and by the model benchmark. It speaks the real wire
// protocol so that callers drive the real `openai` client against it over real HTTP.
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
import {
  chunkBody,
  completionBody,
  errorBody,
  isFault,
  sendJson,
  streamEvents,
  usageOf,
  type ChatFaultResult,
  type ChatHandler,
  type ChatReplyResult,
  type ReplyFrame,
} from "./protocol.ts";

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
  /** What the server did: "reply", a fault name, "status:<n>" for status faults, "refused-n", or "not-found". */
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

/**
 * How the server treats `n` > 1: "honour" (default) answers n choices; "refuse" answers 400 with
 * OpenAI's error shape and `param: "n"` (as gateways and single-choice servers do); `{ atMost }`
 * silently answers at most that many choices (some servers ignore `n` and return one).
 */
export type ChoicesMode = "honour" | "refuse" | { atMost: number };

export interface ServeOptions {
  port?: number;
  host?: string;
  n?: ChoicesMode;
}

const CHAT_PATHS = new Set(["/v1/chat/completions", "/chat/completions"]);
const MODEL_PATHS = new Set(["/v1/models", "/models"]);

/** The server's mutable bookkeeping, shared by the routes. */
class ServerState {
  readonly requests: RecordedRequest[] = [];
  readonly sockets = new Set<Socket>();
  readonly hanging = new Set<ServerResponse>();
  readonly models = new Set<string>();
  chatIndex = 0;
  inFlight = 0;
  maxInFlight = 0;
  private idCounter = 0;

  frameFor(body: { model?: unknown } | undefined): ReplyFrame {
    return { id: `chatcmpl-${++this.idCounter}`, created: Math.floor(Date.now() / 1000), model: typeof body?.model === "string" ? body.model : "test-model" };
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

/** Path (no trailing slash), query string and JSON body (undefined when absent or not JSON). */
async function parseRequest(req: IncomingMessage): Promise<{ path: string; query: string; body: unknown }> {
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
  return { path, query, body };
}

/** Choices asked for (`n`, default 1) and how many this server will answer. */
function choiceCounts(body: { n?: unknown } | undefined, mode: ChoicesMode): { asked: number; answered: number } {
  const asked = typeof body?.n === "number" && Number.isInteger(body.n) && body.n > 1 ? body.n : 1;
  const answered = typeof mode === "object" ? Math.max(1, Math.min(asked, mode.atMost)) : asked;
  return { asked, answered };
}

/** The handler's answer for each choice in turn; the first fault answers for the whole request. */
async function collectReplies(handler: ChatHandler, record: RecordedRequest, count: number, signal: AbortSignal): Promise<ChatReplyResult[] | ChatFaultResult> {
  const replies: ChatReplyResult[] = [];
  for (let choice = 0; choice < count; choice++) {
    const result = await handler({ body: record.body, headers: record.headers, index: record.index, choice, signal });
    if (isFault(result)) return result;
    replies.push(result);
  }
  return replies;
}

function untilClosed(res: ServerResponse): Promise<void> {
  return new Promise<void>((resolve) => res.on("close", resolve));
}

async function answerFault(state: ServerState, req: IncomingMessage, res: ServerResponse, record: RecordedRequest, fault: ChatFaultResult, frame: ReplyFrame): Promise<void> {
  record.outcome = fault.fault === "status" ? `status:${fault.status}` : fault.fault;
  switch (fault.fault) {
    case "status": {
      const headers: Record<string, string> = fault.retryAfter !== undefined ? { "retry-after": String(fault.retryAfter) } : {};
      sendJson(res, fault.status, fault.body ?? errorBody(fault.status, `scripted status ${fault.status}`), headers);
      return;
    }
    case "hang":
      // Never answer; close() ends it. The client's timeout is what's being tested.
      state.hanging.add(res);
      return untilClosed(res);
    case "malformed": {
      const text = '{"id": "chatcmpl-broken", "choices": [{"message": {"content": "unterminated';
      res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
      res.end(text);
      return;
    }
    case "empty-choices":
      sendJson(res, 200, { id: frame.id, object: "chat.completion", created: frame.created, model: frame.model, choices: [], usage: { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 } });
      return;
    case "drop":
      req.socket.destroy();
      return;
    case "stall":
      state.hanging.add(res);
      if ((record.body as { stream?: unknown } | undefined)?.stream === true) {
        res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
        res.write(`data: ${JSON.stringify(chunkBody(frame, 0, { role: "assistant", content: "" }, null))}\n\n`);
      }
      return untilClosed(res);
  }
}

/** Waits `ms` unless the client goes away first; false when it did. */
async function waitUnlessGone(res: ServerResponse, ms: number | undefined): Promise<boolean> {
  if (ms === undefined || ms <= 0) return true;
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    res.on("close", () => {
      clearTimeout(timer);
      resolve();
    });
  });
  return !res.destroyed;
}

async function writeStream(res: ServerResponse, frame: ReplyFrame, replies: readonly ChatReplyResult[], body: unknown): Promise<void> {
  const options = (body as { stream_options?: { include_usage?: unknown } } | undefined)?.stream_options;
  const events = streamEvents(frame, replies, options?.include_usage === true ? usageOf(body, replies) : undefined);
  const pause = replies[0]?.chunkDelayMs;
  res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
  for (const event of events) {
    if (res.destroyed) return;
    res.write(`data: ${JSON.stringify(event)}\n\n`);
    if (pause !== undefined && pause > 0) await new Promise((r) => setTimeout(r, pause));
  }
  res.end("data: [DONE]\n\n");
}

async function handleChat(state: ServerState, handler: ChatHandler, mode: ChoicesMode, req: IncomingMessage, res: ServerResponse, record: RecordedRequest): Promise<void> {
  const body = record.body as { model?: unknown; stream?: unknown; n?: unknown } | undefined;
  if (typeof body?.model === "string") state.models.add(body.model);
  const frame = state.frameFor(body);
  const { asked, answered } = choiceCounts(body, mode);
  if (mode === "refuse" && asked > 1) {
    record.outcome = "refused-n";
    sendJson(res, 400, errorBody(400, "Invalid 'n': this model only supports n=1.", { param: "n", code: "unsupported_parameter" }));
    return;
  }
  let result: ChatReplyResult[] | ChatFaultResult;
  // A handler doing real work (the local model) stops when nobody is waiting for the answer.
  const gone = new AbortController();
  res.on("close", () => {
    if (!res.writableFinished) gone.abort();
  });
  try {
    result = await collectReplies(handler, record, answered, gone.signal);
  } catch (error) {
    // A throwing handler is a bug in the test script: answer 500 so the test sees it loudly.
    record.outcome = "handler-error";
    sendJson(res, 500, errorBody(500, `chat server handler threw: ${(error as Error).message}`));
    return;
  }
  if (!Array.isArray(result)) return answerFault(state, req, res, record, result, frame);
  if (!(await waitUnlessGone(res, Math.max(0, ...result.map((r) => r.delayMs ?? 0))))) {
    record.outcome = "client-gone";
    return;
  }
  record.outcome = "reply";
  if (body?.stream === true) return writeStream(res, frame, result, record.body);
  sendJson(res, 200, completionBody(frame, result, usageOf(record.body, result)));
}

async function route(state: ServerState, handler: ChatHandler, mode: ChoicesMode, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const { path, query, body } = await parseRequest(req);
  const isChat = req.method === "POST" && CHAT_PATHS.has(path);
  const record: RecordedRequest = { method: req.method ?? "GET", path, query, headers: { ...req.headers }, body, index: isChat ? state.chatIndex++ : -1, outcome: "pending" };
  state.requests.push(record);
  if (isChat) {
    state.inFlight++;
    state.maxInFlight = Math.max(state.maxInFlight, state.inFlight);
    try {
      await handleChat(state, handler, mode, req, res, record);
    } finally {
      state.inFlight--;
    }
    return;
  }
  if (req.method === "GET" && MODEL_PATHS.has(path)) {
    record.outcome = "models";
    const ids = state.models.size > 0 ? [...state.models] : ["test-model"];
    sendJson(res, 200, { object: "list", data: ids.map((id) => ({ id, object: "model", created: 0, owned_by: "sstar-test" })) });
    return;
  }
  record.outcome = "not-found";
  sendJson(res, 404, errorBody(404, `no route for ${req.method} ${path}`));
}

export async function serveChatCompletions(handler: ChatHandler, options: ServeOptions = {}): Promise<ChatServer> {
  const state = new ServerState();
  const mode = options.n ?? "honour";
  const server = createServer((req, res) => {
    route(state, handler, mode, req, res).catch((error: unknown) => {
      if (!res.headersSent && !res.destroyed) sendJson(res, 500, errorBody(500, String(error)));
    });
  });
  server.on("connection", (socket) => {
    state.sockets.add(socket);
    socket.on("close", () => state.sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, options.host ?? "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const hostPart = address.family === "IPv6" ? `[${address.address}]` : address.address;
  let closed: Promise<void> | undefined;
  return {
    url: `http://${hostPart}:${address.port}/v1`,
    requests: state.requests,
    get inFlight() {
      return state.inFlight;
    },
    get maxInFlight() {
      return state.maxInFlight;
    },
    close() {
      closed ??= new Promise<void>((resolve) => {
        for (const res of state.hanging) res.destroy();
        server.close(() => resolve());
        for (const socket of state.sockets) socket.destroy();
      });
      return closed;
    },
  };
}
