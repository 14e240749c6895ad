// The local model server (src/local) on the tiny random-weight model: the real library loads,
// tokenises, samples and decodes; the tests check the protocol's promises on top of it.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startLocalServer, type LocalServer, type ServerSettings } from "../../src/local/serve.ts";
import { INSTALL_TIMEOUT_MS, testRuntime, tinyModel } from "../fixtures/local-model.ts";

let dir: string;
let settings: ServerSettings;
let server: LocalServer;
const logs: string[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "sstar-local-"));
  const entry = await testRuntime();
  settings = { entry, modelPath: await tinyModel(dir), threads: 1, contextSize: 8192, defaultMaxTokens: 64 };
  server = await startLocalServer(settings, (line) => logs.push(line));
}, INSTALL_TIMEOUT_MS);
afterAll(async () => {
  await server?.close();
  await rm(dir, { recursive: true, force: true });
});

interface Completion {
  choices: { message: { content: string }; finish_reason: string }[];
  usage: { prompt_tokens: number; completion_tokens: number; prompt_tokens_details?: { cached_tokens: number } };
}

async function chat(url: string, body: Record<string, unknown>, signal?: AbortSignal): Promise<{ status: number; json: Completion & { error?: { message: string } } }> {
  const response = await fetch(`${url}/chat/completions`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ model: "local", ...body }), ...(signal ? { signal } : {}) });
  return { status: response.status, json: (await response.json()) as Completion & { error?: { message: string } } };
}

const user = (text: string) => [{ role: "system", content: "You write programs." }, { role: "user", content: text }];

describe("local model server", () => {
  it("answers through the model's chat template, with usage", async () => {
    const a = await chat(server.url, { messages: user("abc"), max_tokens: 5, temperature: 0 });
    expect(a.status).toBe(200);
    expect(a.json.usage.completion_tokens).toBeLessThanOrEqual(5);
    expect(typeof a.json.choices[0]!.message.content).toBe("string");
    const b = await chat(server.url, { messages: user("abcxyz"), max_tokens: 5, temperature: 0 });
    // Byte-level vocabulary: three more bytes of content are three more prompt tokens.
    expect(b.json.usage.prompt_tokens - a.json.usage.prompt_tokens).toBe(3);
    // ChatML wraps the 26 bytes of content: the markers and role names are tokens too.
    expect(a.json.usage.prompt_tokens).toBeGreaterThan("You write programs.".length + 3 + 6);
  });

  it("answers n choices from one evaluation of the prompt, with the reused prefix as cached tokens", async () => {
    const before = server.stats.length;
    const messages = user("Write a program that prints the sum of two numbers.");
    const r = await chat(server.url, { messages, n: 4, max_tokens: 8, temperature: 1, seed: 7 });
    expect(r.json.choices).toHaveLength(4);
    const stats = server.stats.slice(before);
    expect(stats).toHaveLength(4);
    const prompt = stats[0]!.promptTokens;
    const evaluated = stats.reduce((n, s) => n + s.evaluatedPromptTokens, 0);
    // The system prompt was evaluated by the earlier test: this request reuses it too.
    expect(evaluated).toBeLessThanOrEqual(1.25 * prompt);
    expect(stats.slice(1).every((s) => s.evaluatedPromptTokens === 1)).toBe(true);
    expect(r.json.usage.prompt_tokens).toBe(prompt);
    expect(r.json.usage.prompt_tokens_details?.cached_tokens).toBe(prompt - stats[0]!.evaluatedPromptTokens);
    // The same prompt again: all but its last token come from the sequence.
    const again = await chat(server.url, { messages, max_tokens: 4, temperature: 0 });
    expect(again.json.usage.prompt_tokens_details?.cached_tokens).toBe(prompt - 1);
  });

  it("is reproducible with a seed and varies across seeds; honours max tokens", async () => {
    const messages = user("Say something.");
    const one = await chat(server.url, { messages, max_tokens: 24, temperature: 1, seed: 11 });
    const two = await chat(server.url, { messages, max_tokens: 24, temperature: 1, seed: 11 });
    expect(two.json.choices[0]!.message.content).toBe(one.json.choices[0]!.message.content);
    const others = await chat(server.url, { messages, n: 3, max_tokens: 24, temperature: 1, seed: 12 });
    const texts = new Set([one, ...others.json.choices.map((c) => ({ json: { choices: [c] } }))].map((r) => r.json.choices[0]!.message.content));
    expect(texts.size).toBeGreaterThan(1);
    for (const c of others.json.choices) if (c.finish_reason === "length") expect(c.message.content.length).toBeGreaterThan(0);
    expect(others.json.usage.completion_tokens).toBeLessThanOrEqual(3 * 24);
  });

  it("stops generating when the client goes away", async () => {
    // Random weights rarely end an answer by themselves, but they can: try a few seeds until one
    // is still generating when the client goes away, and check that one.
    let abortedAt: number | undefined;
    for (let seed = 1; seed <= 4 && abortedAt === undefined; seed++) {
      const before = server.stats.length;
      const controller = new AbortController();
      const timer = setTimeout(() => controller.abort(), 300);
      try {
        await chat(server.url, { messages: user("Go on forever."), max_tokens: 6000, temperature: 1, seed }, controller.signal);
      } catch {
        abortedAt = before;
      } finally {
        clearTimeout(timer);
      }
    }
    expect(abortedAt).toBeDefined();
    // The next request is answered: the aborted one let go of the sequence.
    const next = await chat(server.url, { messages: user("Short."), max_tokens: 3, temperature: 0 });
    expect(next.status).toBe(200);
    const aborted = server.stats[abortedAt!]!;
    expect(aborted.generatedTokens).toBeLessThan(6000);
  });

  it("ends an answer at a stop string; a grammar makes even random weights write an exact text", { timeout: INSTALL_TIMEOUT_MS }, async () => {
    const grammarFile = join(dir, "exact.gbnf");
    await writeFile(grammarFile, 'root ::= "print(42);;rest"\n');
    const scripted = await startLocalServer({ ...settings, grammarFile }, () => undefined);
    try {
      const whole = await chat(scripted.url, { messages: user("x"), max_tokens: 40, temperature: 1 });
      expect(whole.json.choices[0]).toMatchObject({ message: { content: "print(42);;rest" }, finish_reason: "stop" });
      const cut = await chat(scripted.url, { messages: user("x"), max_tokens: 40, temperature: 1, stop: [";;"] });
      expect(cut.json.choices[0]).toMatchObject({ message: { content: "print(42)" }, finish_reason: "stop" });
    } finally {
      await scripted.close();
    }
  });

  it("a prompt longer than the context is refused with one line", async () => {
    const r = await chat(server.url, { messages: user("a".repeat(9000)) });
    expect(r.status).toBe(400);
    expect(r.json.error?.message).toMatch(/^the prompt is \d+ tokens, more than the local model's context of 8192$/);
  });
});

describe("local model server failures", () => {
  it("a corrupt model file: every call gets one line naming the file, and nothing else dies", { timeout: INSTALL_TIMEOUT_MS }, async () => {
    const corrupt = join(dir, "corrupt.gguf");
    await writeFile(corrupt, Buffer.concat([Buffer.from("GGUF"), Buffer.alloc(64, 7)]));
    const lines: string[] = [];
    const broken = await startLocalServer({ ...settings, modelPath: corrupt }, (line) => lines.push(line));
    try {
      expect(broken.failure).toMatch(new RegExp(`^local model ${corrupt.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}: could not be loaded: .+; check the file`));
      const r = await chat(broken.url, { messages: user("x") });
      expect(r.status).toBe(400);
      expect(r.json.error?.message).toBe(broken.failure);
      expect(r.json.error?.message).not.toContain("\n");
    } finally {
      await broken.close();
    }
  });

  it("a crashed server is restarted once on the same port; a second crash fails every call with one line", { timeout: 2 * INSTALL_TIMEOUT_MS }, async () => {
    const lines: string[] = [];
    const crashy = await startLocalServer(settings, (line) => lines.push(line));
    try {
      process.kill(crashy.pid!, "SIGABRT");
      await expect.poll(() => crashy.restarts, { timeout: 120_000, interval: 500 }).toBe(1);
      await expect.poll(async () => (await chat(crashy.url, { messages: user("x"), max_tokens: 2 }).catch(() => ({ status: 0 }))).status, { timeout: 120_000, interval: 500 }).toBe(200);
      expect(lines.some((l) => /the model server process ended \(signal SIGABRT\); restarting it once/.test(l))).toBe(true);
      process.kill(crashy.pid!, "SIGABRT");
      await expect.poll(() => crashy.failure, { timeout: 120_000, interval: 500 }).toMatch(/the model server process ended twice \(signal SIGABRT\)/);
      await expect.poll(async () => (await chat(crashy.url, { messages: user("x") }).catch(() => ({ status: 0 }))).status, { timeout: 30_000, interval: 500 }).toBe(400);
    } finally {
      await crashy.close();
    }
  });
});
