// Cassette files: identity of a request, parsing with one-line errors, what a miss says, and the
// model client replaying a recorded run's failures and budget exactly.
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { describeRequest, missMessage, parseCassette, requestId } from "../../src/model/cassette.ts";
import { createModelClient } from "../../src/model/index.ts";
import type { CallMeta, ChatRequest } from "../../src/model/types.ts";
import { startScriptedChatServer } from "../fixtures/chat-server.ts";

const identity = { stage: "generate" as const, problemId: "p", key: "sample-1-round-0", messages: [{ role: "user" as const, content: "hi" }], temperature: 0.7, maxTokens: undefined };

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "sstar-cassette-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("cassette format", () => {
  it("a request's id covers what decides the reply, never the endpoint", () => {
    const id = requestId(identity);
    expect(requestId({ ...identity })).toBe(id);
    expect(requestId({ ...identity, key: "sample-2-round-0" })).not.toBe(id);
    expect(requestId({ ...identity, temperature: 0 })).not.toBe(id);
    expect(requestId({ ...identity, messages: [{ role: "user", content: "hi!" }] })).not.toBe(id);
  });

  it("names the request the way a person reads it", () => {
    expect(describeRequest({ stage: "debug", problemId: "p", key: "sample-3-round-2" })).toBe("debug call of problem p (sample 3, round 2)");
    expect(describeRequest({ stage: "judge", problemId: "p", key: "judge-4" })).toBe("judge call of problem p (judge call 4)");
    expect(describeRequest({ stage: "separate", problemId: "p", key: "separate-0-5-1" })).toBe("separate call of problem p (samples 0 and 5, call 1)");
  });

  it("refuses a file that is not a cassette with one line naming the file and line", () => {
    expect(() => parseCassette("c.jsonl", "")).toThrow("c.jsonl:1: not a cassette (the file is empty); record one with --record c.jsonl");
    expect(() => parseCassette("c.jsonl", '{"cassette": 9}')).toThrow('c.jsonl:1: not a cassette (expected a header with "cassette": 1)');
    expect(() => parseCassette("c.jsonl", '{"cassette": 1, "model": "m"}\n{"id": "x"}')).toThrow("c.jsonl:2: not a cassette (an entry needs id, stage and a reply, an error or a refusal)");
  });

  it("a miss says whether the request changed or was never recorded", () => {
    const entry = { id: requestId(identity), stage: "generate", problemId: "p", key: "sample-1-round-0", reply: { content: "", finishReason: "stop", promptTokens: 1, completionTokens: 1, model: "m" }, ms: 1 };
    const c = parseCassette("c.jsonl", `${JSON.stringify({ cassette: 1, model: "m", judgeModel: "m", recordedAt: "" })}\n${JSON.stringify(entry)}\n`);
    const meta: CallMeta = { stage: "generate", problemId: "p", key: "sample-1-round-0" };
    expect(missMessage(c, meta, "other")).toContain("(sample 1, round 0): the recorded request differs");
    expect(missMessage(c, { ...meta, key: "sample-7-round-0" }, "other")).toContain("(sample 7, round 0): it was never recorded");
  });
});

describe("the model client with a cassette", () => {
  it("replays replies, final failures and the budget as recorded, with no request", async () => {
    const server = await startScriptedChatServer([
      { lastUser: "bad", reply: { fault: "status", status: 400, body: { error: { message: "no thanks" } } } },
      { reply: "hello" },
    ]);
    const file = join(dir, "client.jsonl");
    const ask = (content: string, key: string): [ChatRequest, CallMeta] => [{ messages: [{ role: "user", content }] }, { stage: "generate", problemId: "p", key }];
    const run = async (cassette: { record?: string; replay?: string }) => {
      const client = createModelClient({ baseUrl: server.url, apiKey: "k", model: "m", cacheDir: null, budget: { calls: 2 }, cassette });
      const outcomes: string[] = [];
      for (const [content, key] of [["a", "1"], ["bad", "2"], ["c", "3"]] as const) {
        outcomes.push(await client.chat(...ask(content, key)).then((r) => `ok ${r.content}`, (e: Error) => `${e.name}: ${e.message}`));
      }
      await client.close?.();
      return { outcomes, usage: client.usage().total };
    };
    const recorded = await run({ record: file });
    const requests = server.chatRequests.length;
    expect(recorded.outcomes[0]).toBe("ok hello");
    expect(recorded.outcomes[1]).toMatch(/^ModelCallError: .*no thanks/);
    expect(recorded.outcomes[2]).toMatch(/^BudgetExceededError/);
    const replayed = await run({ replay: file });
    expect(replayed).toEqual(recorded);
    expect(server.chatRequests.length).toBe(requests);
    expect((await readFile(file, "utf8")).trim().split("\n")).toHaveLength(4); // header, the reply, the failure, the refusal
    await server.close();
  });

  it("replays a token budget's refusals as recorded, though the replay holds no reservations in flight", async () => {
    // Recorded with three calls in flight at once, each reserving its prompt and max tokens: the
    // third is refused by the others' reservations. Replayed, each call settles before the next
    // reserves, so the third would fit: it must still be refused, not become a replay miss.
    const server = await startScriptedChatServer([{ reply: { content: "ok", delayMs: 40 } }]);
    const file = join(dir, "tokens.jsonl");
    const run = async (cassette: { record?: string; replay?: string }) => {
      const client = createModelClient({ baseUrl: server.url, apiKey: "k", model: "m", cacheDir: null, maxTokens: 100, budget: { tokens: 250 }, cassette });
      const outcomes = await Promise.all(
        ["a", "b", "c"].map((content, i) =>
          client.chat({ messages: [{ role: "user", content }] }, { stage: "generate", problemId: "p", key: `sample-${i}-round-0` }).then(
            (r) => `ok ${r.content}`,
            (e: Error) => `${e.name}: ${e.message}`,
          ),
        ),
      );
      await client.close?.();
      return { outcomes, usage: client.usage() };
    };
    const recorded = await run({ record: file });
    expect(recorded.outcomes.filter((o) => o.startsWith("BudgetExceededError: model budget reached"))).toHaveLength(1);
    const requests = server.chatRequests.length;
    const replayed = await run({ replay: file });
    expect(replayed).toEqual(recorded);
    expect(replayed.usage.budgetExceeded).toBe(recorded.usage.budgetExceeded);
    expect(server.chatRequests.length).toBe(requests);
    await server.close();
  });
});
