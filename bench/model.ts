// Model client overhead against the local chat-completions server (real HTTP on 127.0.0.1):
// the bare openai client vs createModelClient (limit, budget, accounting) vs streamed replies vs
// cache writes and hits.
// Run: npm run bench:model
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import OpenAI from "openai";
import { createModelClient } from "../src/model/index.ts";
import { serveChatCompletions } from "../src/replay/index.ts";

const CALLS = 400;
const ROUNDS = 5;
const CONCURRENCY = 8;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
}

async function timed(run: () => Promise<void>): Promise<number> {
  const start = performance.now();
  await run();
  return performance.now() - start;
}

async function inBatches(n: number, width: number, one: (i: number) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < n) await one(next++);
    }),
  );
}

const server = await serveChatCompletions(() => ({ content: "```python\nprint(1)\n```", promptTokens: 50, completionTokens: 10 }));
const messages = (i: number) => [
  { role: "system" as const, content: "You write Python." },
  { role: "user" as const, content: `problem ${i}: ${"x".repeat(2000)}` },
];
const results: Record<string, number[]> = { bare: [], client: [], streamed: [], cacheMiss: [], cacheHit: [] };

for (let round = 0; round < ROUNDS; round++) {
  const bare = new OpenAI({ baseURL: server.url, apiKey: "k", maxRetries: 0 });
  results.bare!.push(
    await timed(() => inBatches(CALLS, CONCURRENCY, (i) => bare.chat.completions.create({ model: "m", messages: messages(i), max_completion_tokens: 100 }))),
  );
  const client = createModelClient({ baseUrl: server.url, apiKey: "k", model: "m", maxTokens: 100, concurrency: CONCURRENCY, budget: { calls: CALLS } });
  results.client!.push(await timed(() => inBatches(CALLS, CONCURRENCY, (i) => client.chat({ messages: messages(i) }, { stage: "generate", problemId: "p" }))));
  const streaming = createModelClient({ baseUrl: server.url, apiKey: "k", model: "m", maxTokens: 100, concurrency: CONCURRENCY, stream: true });
  results.streamed!.push(await timed(() => inBatches(CALLS, CONCURRENCY, (i) => streaming.chat({ messages: messages(i) }, { stage: "generate", problemId: "p" }))));
  const dir = await mkdtemp(join(tmpdir(), "sstar-bench-model-"));
  const cached = () => createModelClient({ baseUrl: server.url, apiKey: "k", model: "m", maxTokens: 100, concurrency: CONCURRENCY, cacheDir: dir });
  const first = cached();
  results.cacheMiss!.push(await timed(() => inBatches(CALLS, CONCURRENCY, (i) => first.chat({ messages: messages(i) }, { stage: "generate", problemId: "p" }))));
  const second = cached();
  const before = server.requests.length;
  results.cacheHit!.push(await timed(() => inBatches(CALLS, CONCURRENCY, (i) => second.chat({ messages: messages(i) }, { stage: "generate", problemId: "p" }))));
  if (server.requests.length !== before) throw new Error("cache hits made HTTP requests");
  await rm(dir, { recursive: true, force: true });
}
await server.close();

const perCall = (name: string) => median(results[name]!) / CALLS;
console.log(`model client, ${CALLS} calls x ${ROUNDS} rounds, ${CONCURRENCY} in flight, ~2 KB prompts; median ms per call:`);
for (const name of Object.keys(results)) {
  console.log(`  ${name.padEnd(10)} ${perCall(name).toFixed(3)} ms/call   (${(perCall(name) / perCall("bare")).toFixed(2)}x bare openai)`);
}
