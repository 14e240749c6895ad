import OpenAI from "openai";
import { afterEach, describe, expect, it } from "vitest";
import { startScriptedChatServer, type ScriptedChatServer } from "../fixtures/chat-server.ts";

let server: ScriptedChatServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

function client(url: string, timeout = 5_000): OpenAI {
  return new OpenAI({ baseURL: url, apiKey: "sk-test-server", maxRetries: 0, timeout });
}

describe("scripted chat server", () => {
  it("answers the real openai client and records the request", async () => {
    server = await startScriptedChatServer([
      { name: "hello", lastUser: "hello", reply: { content: "hi there", promptTokens: 7, completionTokens: 3 } },
    ]);
    const reply = await client(server.url).chat.completions.create({
      model: "m1",
      messages: [
        { role: "system", content: "be brief" },
        { role: "user", content: "hello" },
      ],
    });
    expect(reply.choices[0]?.message.content).toBe("hi there");
    expect(reply.choices[0]?.finish_reason).toBe("stop");
    expect(reply.usage).toMatchObject({ prompt_tokens: 7, completion_tokens: 3 });
    expect(server.count("hello")).toBe(1);
    expect(server.chatRequests[0]?.body.model).toBe("m1");
    expect(server.chatRequests[0]?.headers.authorization).toBe("Bearer sk-test-server");
  });

  it("routes by system message, nth match and fallback", async () => {
    server = await startScriptedChatServer(
      [
        { name: "judge", system: /judge/i, reply: "A" },
        { name: "second", lastUser: "go", nth: 2, reply: "second" },
        { name: "first-two", lastUser: "go", times: 2, reply: (r) => `go #${r.index}` },
      ],
      { fallback: "fallback" },
    );
    const c = client(server.url);
    const ask = async (system: string, user: string) =>
      (await c.chat.completions.create({ model: "m", messages: [{ role: "system", content: system }, { role: "user", content: user }] }))
        .choices[0]?.message.content;
    expect(await ask("you are a judge", "go")).toBe("A");
    // nth counts every request matching the rule's conditions, the judge's one included.
    expect(await ask("solver", "go")).toBe("second");
    expect(await ask("solver", "go")).toBe("go #2");
    expect(await ask("solver", "go")).toBe("go #3");
    expect(await ask("solver", "go")).toBe("fallback");
    expect(server.counts).toEqual([1, 1, 2]);
    expect(server.unmatched).toBe(1);
  });

  it("without a fallback an unmatched request is a 400 naming the message", async () => {
    server = await startScriptedChatServer([]);
    await expect(
      client(server.url).chat.completions.create({ model: "m", messages: [{ role: "user", content: "nobody home" }] }),
    ).rejects.toThrow(/no scripted rule matched.*nobody home/);
  });

  it("serves faults: status with Retry-After, malformed, empty choices, drop, hang", async () => {
    server = await startScriptedChatServer([
      { lastUser: "429", reply: { fault: "status", status: 429, retryAfter: 2 } },
      { lastUser: "malformed", reply: { fault: "malformed" } },
      { lastUser: "empty", reply: { fault: "empty-choices" } },
      { lastUser: "drop", reply: { fault: "drop" } },
      { lastUser: "hang", reply: { fault: "hang" } },
      { lastUser: "length", reply: { content: "def f(", finishReason: "length" } },
    ]);
    const c = client(server.url, 300);
    const ask = (user: string) => c.chat.completions.create({ model: "m", messages: [{ role: "user", content: user }] });
    const rate = await ask("429").catch((e: unknown) => e);
    expect(rate).toBeInstanceOf(OpenAI.RateLimitError);
    expect((rate as InstanceType<typeof OpenAI.RateLimitError>).headers.get("retry-after")).toBe("2");
    await expect(ask("malformed")).rejects.toThrow();
    expect((await ask("empty")).choices).toEqual([]);
    await expect(ask("drop")).rejects.toBeInstanceOf(OpenAI.APIConnectionError);
    await expect(ask("hang")).rejects.toBeInstanceOf(OpenAI.APIConnectionTimeoutError);
    expect((await ask("length")).choices[0]?.finish_reason).toBe("length");
    expect(server.chatRequests.map((r) => r.outcome)).toEqual(["status:429", "malformed", "empty-choices", "drop", "hang", "reply"]);
  });

  it("lists models and counts requests in flight", async () => {
    server = await startScriptedChatServer([{ reply: { content: "slow", delayMs: 100 } }]);
    const c = client(server.url);
    await Promise.all([1, 2, 3].map(() => c.chat.completions.create({ model: "mx", messages: [{ role: "user", content: "x" }] })));
    expect(server.maxInFlight).toBe(3);
    expect(server.inFlight).toBe(0);
    const models = await c.models.list();
    expect(models.data.map((m) => m.id)).toEqual(["mx"]);
  });

  it("answers n choices, each from the handler with its own index and finish reason, in JSON and in a stream", async () => {
    server = await startScriptedChatServer([
      { reply: (r) => ({ content: `choice ${r.choice} ${"z".repeat(20 * (r.choice + 1))}`, finishReason: r.choice === 2 ? "length" : "stop", promptTokens: 9, completionTokens: 4, cachedPromptTokens: 8 }) },
    ]);
    const c = client(server.url);
    const messages = [{ role: "user" as const, content: "three please" }];
    const reply = await c.chat.completions.create({ model: "m", messages, n: 3 });
    expect(reply.choices.map((ch) => [ch.index, ch.finish_reason, ch.message.content?.slice(0, 8)])).toEqual([
      [0, "stop", "choice 0"],
      [1, "stop", "choice 1"],
      [2, "length", "choice 2"],
    ]);
    // One usage for the request: the prompt once, the completions summed, the cached prompt tokens as OpenAI reports them.
    expect(reply.usage).toEqual({ prompt_tokens: 9, completion_tokens: 12, total_tokens: 21, prompt_tokens_details: { cached_tokens: 8 } });
    const stream = await c.chat.completions.create({ model: "m", messages, n: 3, stream: true, stream_options: { include_usage: true } });
    const text = ["", "", ""];
    const finish: (string | null)[] = [null, null, null];
    const order: number[] = [];
    let usage: unknown;
    for await (const chunk of stream) {
      if (chunk.usage) usage = chunk.usage;
      for (const ch of chunk.choices) {
        order.push(ch.index);
        text[ch.index] += ch.delta.content ?? "";
        if (ch.finish_reason) finish[ch.index] = ch.finish_reason;
      }
    }
    expect(text).toEqual(reply.choices.map((ch) => ch.message.content));
    expect(finish).toEqual(["stop", "stop", "length"]);
    expect(order.slice(0, 6)).toEqual([0, 1, 2, 0, 1, 2]); // interleaved by index, as servers stream n > 1
    expect(usage).toEqual(reply.usage);
    expect(server.counts).toEqual([6]); // the rule answered each choice of both requests
  });

  it("refuses n the way an OpenAI-style server does, or silently answers fewer choices", async () => {
    server = await startScriptedChatServer([{ reply: "one" }], { n: "refuse" });
    const refused = await client(server.url).chat.completions.create({ model: "m", messages: [{ role: "user", content: "x" }], n: 2 }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(OpenAI.BadRequestError);
    expect((refused as InstanceType<typeof OpenAI.BadRequestError>).param).toBe("n");
    expect((refused as InstanceType<typeof OpenAI.BadRequestError>).code).toBe("unsupported_parameter");
    expect((await client(server.url).chat.completions.create({ model: "m", messages: [{ role: "user", content: "x" }] })).choices).toHaveLength(1);
    await server.close();
    server = await startScriptedChatServer([{ reply: "one" }], { n: { atMost: 1 } });
    const short = await client(server.url).chat.completions.create({ model: "m", messages: [{ role: "user", content: "x" }], n: 4 });
    expect(short.choices.map((ch) => ch.index)).toEqual([0]);
  });
});
