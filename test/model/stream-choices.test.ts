// Streamed choices are merged by index: a server (or proxy) that streams two replies under one
// index, or skips an index, fails that choice alone (billed, counted as failed, never cached);
// the other choices of the request are kept. A real local SSE server, the real model client.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createModelClient } from "../../src/model/index.ts";
import { ChoiceAssembly } from "../../src/model/stream.ts";

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((c) => c()));
});

type Delta = { index: number; role?: string; content?: string; finish?: string };

/** An SSE chat-completions server sending `deltas` as chunks, then usage, to every request. */
async function sseServer(deltas: Delta[]): Promise<{ url: string; requests: number }> {
  const state = { url: "", requests: 0 };
  const server: Server = createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      state.requests++;
      res.writeHead(200, { "content-type": "text/event-stream" });
      const chunk = (body: object) => res.write(`data: ${JSON.stringify({ id: "x", object: "chat.completion.chunk", created: 0, model: "m", ...body })}\n\n`);
      for (const d of deltas) {
        chunk({ choices: [{ index: d.index, delta: { ...(d.role ? { role: d.role } : {}), ...(d.content !== undefined ? { content: d.content } : {}) }, finish_reason: d.finish ?? null }] });
      }
      chunk({ choices: [], usage: { prompt_tokens: 50, completion_tokens: 30, total_tokens: 80 } });
      res.end("data: [DONE]\n\n");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  closers.push(() => new Promise((resolve) => server.close(() => resolve())));
  return state;
}

const opening = (index: number, content: string, finish = "stop"): Delta[] => [
  { index, role: "assistant", content: "" },
  { index, content },
  { index, finish },
];

describe("streamed choices merged by index", () => {
  it("a repeated index and a missing one fail those choices alone; the good one is kept, billed and cached", async () => {
    // Index 0 carries two replies (a proxy renumbering two streams), index 1 never comes, index 2 is fine.
    const server = await sseServer([...opening(0, "print(1)"), ...opening(0, "print(2)"), ...opening(2, "print(3)")]);
    const cacheDir = await mkdtemp(join(tmpdir(), "sstar-stream-"));
    closers.push(() => rm(cacheDir, { recursive: true, force: true }));
    const model = createModelClient({ baseUrl: server.url, apiKey: "k", model: "m", stream: true, cacheDir, maxRetries: 0 });
    const results = await model.chatN!({ messages: [{ role: "user", content: "write it" }] }, { stage: "generate", problemId: "p", keys: ["s0", "s1", "s2"] });
    expect(results.map((r) => r.status)).toEqual(["rejected", "rejected", "fulfilled"]);
    expect(String((results[0] as PromiseRejectedResult).reason)).toMatch(/choice 1 of the reply is unusable: the stream sent choice index 0 twice/);
    expect(String((results[1] as PromiseRejectedResult).reason)).toMatch(/choice 2 of the reply is unusable: the stream never sent choice index 1/);
    expect((results[2] as PromiseFulfilledResult<{ content: string }>).value.content).toBe("print(3)");
    // The request was billed in full; the two broken choices count as failed calls.
    expect(model.usage().total).toMatchObject({ calls: 3, requests: 1, failedCalls: 2, promptTokens: 50, completionTokens: 30 });
    // Only the good choice was cached: asked again, the broken ones go to the server.
    expect(await readdir(cacheDir, { recursive: true }).then((f) => f.filter((n) => n.endsWith(".json")))).toHaveLength(1);
    await model.chatN!({ messages: [{ role: "user", content: "write it" }] }, { stage: "generate", problemId: "p", keys: ["s0", "s1", "s2"] });
    expect(server.requests).toBe(2);
  });

  it("one choice (no n): a repeated index fails the call instead of splicing two programs", async () => {
    const server = await sseServer([...opening(0, "print(1)"), ...opening(0, "print(2)")]);
    const model = createModelClient({ baseUrl: server.url, apiKey: "k", model: "m", stream: true, cacheDir: null, maxRetries: 0 });
    await expect(model.chat({ messages: [{ role: "user", content: "x" }] }, { stage: "generate", problemId: "p" })).rejects.toThrow(/the stream sent choice index 0 twice/);
    expect(model.usage().total).toMatchObject({ calls: 1, failedCalls: 1, completionTokens: 30 });
  });

  it("merges interleaved chunks by index, and a server that repeats the role on every chunk is only verbose", () => {
    const a = new ChoiceAssembly();
    for (const [index, content] of [[0, "pri"], [1, "x ="], [0, "nt(1)"], [1, " 2"]] as const) a.add({ choices: [{ index, delta: { role: "assistant", content }, finish_reason: null, logprobs: null }] });
    a.add({ choices: [{ index: 0, delta: {}, finish_reason: "stop", logprobs: null }] });
    a.add({ choices: [{ index: 1, delta: {}, finish_reason: "length", logprobs: null }] });
    expect(a.choices()).toEqual([
      { content: "print(1)", finishReason: "stop" },
      { content: "x = 2", finishReason: "length" },
    ]);
  });
});
