import { createRequire as __sstarCreateRequire } from 'node:module'; const require = __sstarCreateRequire(import.meta.url);

// src/local/child.ts
import { readFile } from "node:fs/promises";
import { pathToFileURL } from "node:url";

// src/replay/server.ts
import { createServer } from "node:http";

// src/replay/protocol.ts
function isFault(result) {
  return typeof result.fault === "string";
}
function roughTokens(text) {
  return Math.max(1, Math.ceil(text.length / 4));
}
function promptText(body) {
  const messages = body?.messages;
  if (!Array.isArray(messages)) return "";
  return messages.map((m) => {
    const content = m.content;
    return typeof content === "string" ? content : JSON.stringify(content ?? "");
  }).join("\n");
}
function usageOf(body, replies) {
  const first = replies[0];
  const promptTokens = first?.promptTokens ?? roughTokens(promptText(body));
  const completionTokens = replies.reduce((n, r) => n + (r.completionTokens ?? roughTokens(r.content)), 0);
  return {
    prompt_tokens: promptTokens,
    completion_tokens: completionTokens,
    total_tokens: promptTokens + completionTokens,
    ...first?.cachedPromptTokens !== void 0 ? { prompt_tokens_details: { cached_tokens: first.cachedPromptTokens } } : {}
  };
}
function completionBody(frame, replies, usage) {
  return {
    id: frame.id,
    object: "chat.completion",
    created: frame.created,
    model: frame.model,
    choices: replies.map((reply, index) => ({
      index,
      message: { role: "assistant", content: reply.content, refusal: null },
      finish_reason: reply.finishReason ?? "stop",
      logprobs: null
    })),
    usage
  };
}
function chunkBody(frame, index, delta, finishReason) {
  return {
    id: frame.id,
    object: "chat.completion.chunk",
    created: frame.created,
    model: frame.model,
    choices: [{ index, delta, finish_reason: finishReason, logprobs: null }]
  };
}
function streamEvents(frame, replies, usage) {
  const events = replies.map((_, index) => chunkBody(frame, index, { role: "assistant", content: "" }, null));
  const pieces = replies.map((reply) => reply.content.match(/[\s\S]{1,16}/g) ?? []);
  const rounds = Math.max(0, ...pieces.map((p) => p.length));
  for (let round = 0; round < rounds; round++) {
    pieces.forEach((p, index) => {
      if (round < p.length) events.push(chunkBody(frame, index, { content: p[round] }, null));
    });
  }
  replies.forEach((reply, index) => events.push(chunkBody(frame, index, {}, reply.finishReason ?? "stop")));
  if (usage !== void 0) events.push({ ...chunkBody(frame, 0, {}, null), choices: [], usage });
  return events;
}
function sendJson(res, status, value, extraHeaders = {}) {
  const text = JSON.stringify(value);
  res.writeHead(status, {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(text),
    ...extraHeaders
  });
  res.end(text);
}
function errorBody(status, message, fields = {}) {
  return { error: { message, type: status >= 500 ? "server_error" : "invalid_request_error", code: fields.code ?? null, param: fields.param ?? null } };
}

// src/replay/server.ts
var CHAT_PATHS = /* @__PURE__ */ new Set(["/v1/chat/completions", "/chat/completions"]);
var MODEL_PATHS = /* @__PURE__ */ new Set(["/v1/models", "/models"]);
var ServerState = class {
  requests = [];
  sockets = /* @__PURE__ */ new Set();
  hanging = /* @__PURE__ */ new Set();
  models = /* @__PURE__ */ new Set();
  chatIndex = 0;
  inFlight = 0;
  maxInFlight = 0;
  idCounter = 0;
  frameFor(body) {
    return { id: `chatcmpl-${++this.idCounter}`, created: Math.floor(Date.now() / 1e3), model: typeof body?.model === "string" ? body.model : "test-model" };
  }
};
function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    req.on("data", (chunk) => chunks.push(chunk));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}
async function parseRequest(req) {
  const [rawPath = "/", query = ""] = (req.url ?? "/").split("?", 2);
  const path = rawPath.replace(/\/+$/, "") || "/";
  const text = await readBody(req).catch(() => "");
  let body;
  if (text.length > 0) {
    try {
      body = JSON.parse(text);
    } catch {
      body = void 0;
    }
  }
  return { path, query, body };
}
function choiceCounts(body, mode) {
  const asked = typeof body?.n === "number" && Number.isInteger(body.n) && body.n > 1 ? body.n : 1;
  const answered = typeof mode === "object" ? Math.max(1, Math.min(asked, mode.atMost)) : asked;
  return { asked, answered };
}
async function collectReplies(handler, record, count, signal) {
  const replies = [];
  for (let choice = 0; choice < count; choice++) {
    const result = await handler({ body: record.body, headers: record.headers, index: record.index, choice, signal });
    if (isFault(result)) return result;
    replies.push(result);
  }
  return replies;
}
function untilClosed(res) {
  return new Promise((resolve) => res.on("close", resolve));
}
async function answerFault(state, req, res, record, fault, frame) {
  record.outcome = fault.fault === "status" ? `status:${fault.status}` : fault.fault;
  switch (fault.fault) {
    case "status": {
      const headers = fault.retryAfter !== void 0 ? { "retry-after": String(fault.retryAfter) } : {};
      sendJson(res, fault.status, fault.body ?? errorBody(fault.status, `scripted status ${fault.status}`), headers);
      return;
    }
    case "hang":
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
      if (record.body?.stream === true) {
        res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
        res.write(`data: ${JSON.stringify(chunkBody(frame, 0, { role: "assistant", content: "" }, null))}

`);
      }
      return untilClosed(res);
  }
}
async function waitUnlessGone(res, ms) {
  if (ms === void 0 || ms <= 0) return true;
  await new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    res.on("close", () => {
      clearTimeout(timer);
      resolve();
    });
  });
  return !res.destroyed;
}
async function writeStream(res, frame, replies, body) {
  const options = body?.stream_options;
  const events = streamEvents(frame, replies, options?.include_usage === true ? usageOf(body, replies) : void 0);
  const pause = replies[0]?.chunkDelayMs;
  res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
  for (const event of events) {
    if (res.destroyed) return;
    res.write(`data: ${JSON.stringify(event)}

`);
    if (pause !== void 0 && pause > 0) await new Promise((r) => setTimeout(r, pause));
  }
  res.end("data: [DONE]\n\n");
}
async function handleChat(state, handler, mode, req, res, record) {
  const body = record.body;
  if (typeof body?.model === "string") state.models.add(body.model);
  const frame = state.frameFor(body);
  const { asked, answered } = choiceCounts(body, mode);
  if (mode === "refuse" && asked > 1) {
    record.outcome = "refused-n";
    sendJson(res, 400, errorBody(400, "Invalid 'n': this model only supports n=1.", { param: "n", code: "unsupported_parameter" }));
    return;
  }
  let result;
  const gone = new AbortController();
  res.on("close", () => {
    if (!res.writableFinished) gone.abort();
  });
  try {
    result = await collectReplies(handler, record, answered, gone.signal);
  } catch (error) {
    record.outcome = "handler-error";
    sendJson(res, 500, errorBody(500, `chat server handler threw: ${error.message}`));
    return;
  }
  if (!Array.isArray(result)) return answerFault(state, req, res, record, result, frame);
  if (!await waitUnlessGone(res, Math.max(0, ...result.map((r) => r.delayMs ?? 0)))) {
    record.outcome = "client-gone";
    return;
  }
  record.outcome = "reply";
  if (body?.stream === true) return writeStream(res, frame, result, record.body);
  sendJson(res, 200, completionBody(frame, result, usageOf(record.body, result)));
}
async function route(state, handler, mode, req, res) {
  const { path, query, body } = await parseRequest(req);
  const isChat = req.method === "POST" && CHAT_PATHS.has(path);
  const record = { method: req.method ?? "GET", path, query, headers: { ...req.headers }, body, index: isChat ? state.chatIndex++ : -1, outcome: "pending" };
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
async function serveChatCompletions(handler, options = {}) {
  const state = new ServerState();
  const mode = options.n ?? "honour";
  const server = createServer((req, res) => {
    route(state, handler, mode, req, res).catch((error) => {
      if (!res.headersSent && !res.destroyed) sendJson(res, 500, errorBody(500, String(error)));
    });
  });
  server.on("connection", (socket) => {
    state.sockets.add(socket);
    socket.on("close", () => state.sockets.delete(socket));
  });
  await new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, options.host ?? "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address = server.address();
  const hostPart = address.family === "IPv6" ? `[${address.address}]` : address.address;
  let closed;
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
      closed ??= new Promise((resolve) => {
        for (const res of state.hanging) res.destroy();
        server.close(() => resolve());
        for (const socket of state.sockets) socket.destroy();
      });
      return closed;
    }
  };
}

// src/local/generate.ts
function textOf(content) {
  if (typeof content === "string") return content;
  if (Array.isArray(content)) return content.map((part) => typeof part.text === "string" ? part.text : "").join("");
  return "";
}
function chatParams(body) {
  const b = body ?? {};
  const messages = Array.isArray(b.messages) ? b.messages : [];
  const history = messages.map(
    (m) => m.role === "assistant" ? { type: "model", response: [textOf(m.content)] } : m.role === "system" || m.role === "developer" ? { type: "system", text: textOf(m.content) } : { type: "user", text: textOf(m.content) }
  );
  history.push({ type: "model", response: [] });
  const num = (v) => typeof v === "number" && Number.isFinite(v) ? v : void 0;
  const stop = typeof b.stop === "string" ? [b.stop] : Array.isArray(b.stop) ? b.stop.filter((s) => typeof s === "string" && s !== "") : [];
  return { history, maxTokens: num(b.max_completion_tokens) ?? num(b.max_tokens), temperature: num(b.temperature) ?? 1, topP: num(b.top_p), seed: num(b.seed), stop };
}
function cutAtStop(text, stops) {
  let at = -1;
  for (const s of stops) {
    const i = text.indexOf(s);
    if (i >= 0 && (at < 0 || i < at)) at = i;
  }
  return at < 0 ? { text, stopped: false } : { text: text.slice(0, at), stopped: true };
}
function createGenerator(parts, onStats) {
  let queue = Promise.resolve();
  return (request) => {
    const answer = queue.then(() => generateOne(parts, request, onStats));
    queue = answer.catch(() => void 0);
    return answer;
  };
}
async function generateOne(parts, request, onStats) {
  const started = Date.now();
  const { model, sequence } = parts;
  const params = chatParams(request.body);
  const prompt = parts.wrapper.generateContextState({ chatHistory: params.history }).contextText.tokenize(model.tokenizer);
  const room = sequence.contextSize - prompt.length;
  if (room < 1) {
    return { fault: "status", status: 400, body: { error: { message: `the prompt is ${prompt.length} tokens, more than the local model's context of ${sequence.contextSize}`, type: "invalid_request_error", param: "messages", code: "context_length_exceeded" } } };
  }
  const keep = Math.min(sequence.compareContextTokens(prompt).firstDifferentIndex, prompt.length - 1);
  if (sequence.nextTokenIndex > keep) await sequence.eraseContextTokenRanges([{ start: keep, end: sequence.nextTokenIndex }]);
  const maxTokens = Math.min(params.maxTokens ?? parts.defaultMaxTokens, room);
  const seed = params.seed !== void 0 ? params.seed + request.choice : Math.floor(Math.random() * 2 ** 31);
  const options = { temperature: params.temperature, seed, ...params.topP !== void 0 ? { topP: params.topP } : {} };
  if (parts.grammarState) options.grammarEvaluationState = parts.grammarState();
  const generated = [];
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

// src/local/child.ts
async function loadParts(settings) {
  const lib = await import(pathToFileURL(settings.entry).href);
  const llama = await lib.getLlama({ gpu: false, build: "never", logLevel: "error", maxThreads: settings.threads });
  const model = await llama.loadModel({ modelPath: settings.modelPath });
  const contextSize = Math.min(settings.contextSize, model.trainContextSize ?? settings.contextSize);
  const context = await model.createContext({ contextSize, sequences: 1, threads: settings.threads });
  const sequence = context.getSequence();
  const wrapper = lib.resolveChatWrapper(model);
  let grammarState;
  if (settings.grammarFile !== void 0) {
    const grammar = await llama.createGrammar({ grammar: await readFile(settings.grammarFile, "utf8") });
    grammarState = () => new lib.LlamaGrammarEvaluationState({ model, grammar });
  }
  return { model, sequence, wrapper, grammarState };
}
async function main() {
  const settings = JSON.parse(process.argv[2] ?? "{}");
  let parts;
  try {
    parts = await loadParts(settings);
  } catch (error) {
    process.stdout.write(`error ${String(error.message ?? error).split("\n")[0]}
`);
    process.exit(1);
  }
  const generate = createGenerator({ ...parts, defaultMaxTokens: settings.defaultMaxTokens }, (stats) => process.stderr.write(`stats ${JSON.stringify(stats)}
`));
  const server = await serveChatCompletions(generate, { port: settings.port, host: "127.0.0.1" });
  process.stdout.write(`ready ${server.url}
`);
  process.stdin.resume();
  process.stdin.on("end", () => process.exit(0));
}
await main();
