// `sstar solve` through the real CLI entry point (a child process), against the scripted server.
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { exitCodeFor, summaryTable, type ProblemResult } from "../../src/cli/commands/solve.ts";
import { stageOfMessages, SYSTEM_PROMPTS } from "../../src/engine/prompts.ts";
import type { ChatMessage } from "../../src/model/types.ts";
import { startScriptedChatServer, type RecordedRequest, type ScriptedChatServer } from "../fixtures/chat-server.ts";

const SPEC = `id: double
title: Double it
statement: Read an integer n and print 2n.
tests:
  public:
    - input: "3\\n"
      output: "6\\n"
`;

let dir: string;
let server: ScriptedChatServer;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "sstar-solve-"));
  await writeFile(join(dir, "double.yaml"), SPEC);
  server = await startScriptedChatServer([
    { system: SYSTEM_PROMPTS.synthesize, reply: '```json\n["0", "-5", "7"]\n```' },
    { system: SYSTEM_PROMPTS.generate, reply: "```python\nprint(2 * int(input()))\n```" },
    { system: SYSTEM_PROMPTS.judge, reply: "ANSWER: TIE" },
  ]);
});
afterAll(async () => {
  await server?.close();
  await rm(dir, { recursive: true, force: true });
});

const cli = (args: string[]) =>
  execa("npx", ["tsx", "src/cli/main.ts", "solve", ...args], { reject: false, env: { OPENAI_API_KEY: "", SSTAR_MODEL: "" } });

describe("sstar solve", () => {
  it("writes solution, report.json and report.md per problem and exits 0 when all are solved", async () => {
    const out = join(dir, "out");
    const r = await cli([join(dir, "double.yaml"), "--samples", "3", "--base-url", server.url, "--model", "m", "--out", out, "--no-cache", "--json"]);
    expect(r.stderr).toContain("double: solved, selected sample");
    expect(r.exitCode).toBe(0);
    const summary = JSON.parse(r.stdout) as { results: ProblemResult[] };
    expect(summary.results[0]).toMatchObject({ id: "double", status: "solved" });
    expect(await readFile(join(out, "double", "solution.py"), "utf8")).toBe("print(2 * int(input()))\n");
    const report = JSON.parse(await readFile(join(out, "double", "report.json"), "utf8"));
    expect(report.settings).toMatchObject({ samples: 3, model: "m", replay: false });
    expect(await readFile(join(out, "double", "report.md"), "utf8")).toContain("✅ solved");
  });

  it("exits 2 with one line for a usage or configuration error", async () => {
    const bad = await cli([join(dir, "double.yaml"), "--samples", "zero"]);
    expect(bad.exitCode).not.toBe(0);
    expect(bad.stderr).toContain("--samples must be a whole number");
    const noModel = await cli([join(dir, "double.yaml"), "--base-url", server.url]);
    expect(noModel.exitCode).toBe(2);
    expect(noModel.stderr).toMatch(/sstar solve: no model set/);
    const noSpec = await cli([join(dir, "missing.yaml"), "--base-url", server.url, "--model", "m"]);
    expect(noSpec.exitCode).toBe(2);
    expect(noSpec.stderr).toContain("missing.yaml: no such file or folder");
  });
});

// Flags that reach the model server: each checked where its value ends up (the HTTP requests, the
// report), through the real CLI and the real model client.
describe("sstar solve flags, end to end", () => {
  const GOOD = "print(2 * int(input()))";
  // Passes the public example (3 -> 6) but differs on negative inputs: the judge is asked.
  const ODD = "n = int(input())\nprint(2 * n if n >= 0 else 0)";
  const rules = (models: { synth: boolean; gen: boolean }) => [
    ...(models.synth ? [{ system: SYSTEM_PROMPTS.synthesize, reply: '```json\n["0", "-5", "7"]\n```' }, { system: SYSTEM_PROMPTS.judge, reply: "ANSWER: TIE" }] : []),
    ...(models.gen ? [{ system: SYSTEM_PROMPTS.generate, nth: 1, reply: `\`\`\`python\n${GOOD}\n\`\`\`` }, { system: SYSTEM_PROMPTS.generate, reply: `\`\`\`python\n${ODD}\n\`\`\`` }] : []),
  ];
  const stageOf = (r: RecordedRequest) => stageOfMessages((r.body as { messages: ChatMessage[] }).messages) ?? "?";
  const modelsByStage = (requests: RecordedRequest[]) => {
    const seen: Record<string, string[]> = {};
    for (const r of requests) (seen[stageOf(r)] ??= []).push(String(r.body.model));
    for (const k of Object.keys(seen)) seen[k] = [...new Set(seen[k])];
    return seen;
  };

  it("--judge-model, --temperature, --concurrency, --price-*, --rounds, --selection and --sandbox reach the requests and the report", async () => {
    const one = await startScriptedChatServer(rules({ synth: true, gen: true }));
    try {
      const out = join(dir, "flags");
      const r = await cli([join(dir, "double.yaml"), "--samples", "2", "--rounds", "0", "--selection", "sstar", "--base-url", one.url, "--model", "m", "--judge-model", "jm", "--temperature", "0.3", "--concurrency", "1", "--price-input", "1", "--price-output", "2", "--sandbox", "none", "--out", out, "--no-cache", "--json", "--min-confidence", "0"]);
      expect(r.exitCode, r.stderr).toBe(0);
      // Separating-input requests (stage "separate") may follow an unsure match; they go to the judge model too.
      const { separate, ...stages } = modelsByStage(one.chatRequests);
      expect(stages).toEqual({ synthesize: ["jm"], generate: ["m"], judge: ["jm"] });
      expect(separate ?? ["jm"]).toEqual(["jm"]);
      const generate = one.chatRequests.filter((q) => stageOf(q) === "generate");
      // The two first generations go as one request with n=2 (--generation-requests one, the default).
      expect(generate.map((q) => [q.body.temperature, q.body.n])).toEqual([[0.3, 2]]);
      expect(one.maxInFlight).toBe(1);
      expect(r.stderr).toContain("backend none is NOT isolation");
      const report = JSON.parse(await readFile(join(out, "double", "report.json"), "utf8"));
      expect(report.settings).toMatchObject({ model: "m", judgeModel: "jm", samples: 2, rounds: 0, selection: "sstar", temperature: 0.3, sandbox: "none" });
      expect(report.usage.total.costUsd).toBeGreaterThan(0);
    } finally {
      await one.close();
    }
  });

  it("--judge-base-url sends input synthesis and judging to another server", async () => {
    const main = await startScriptedChatServer(rules({ synth: false, gen: true }));
    const judge = await startScriptedChatServer(rules({ synth: true, gen: false }));
    try {
      const r = await cli([join(dir, "double.yaml"), "--samples", "2", "--rounds", "0", "--base-url", main.url, "--model", "m", "--judge-base-url", judge.url, "--judge-model", "jm", "--out", join(dir, "judge-url"), "--no-cache", "--json", "--min-confidence", "0"]);
      expect(r.exitCode, r.stderr).toBe(0);
      expect(modelsByStage(main.chatRequests)).toEqual({ generate: ["m"] });
      const { separate, ...judgeStages } = modelsByStage(judge.chatRequests);
      expect(judgeStages).toEqual({ synthesize: ["jm"], judge: ["jm"] });
      expect(separate ?? ["jm"]).toEqual(["jm"]);
    } finally {
      await Promise.all([main.close(), judge.close()]);
    }
  });

  it("--budget-calls stops the solve after that many calls and says why", async () => {
    const out = join(dir, "budget");
    const before = server.chatRequests.length;
    const r = await cli([join(dir, "double.yaml"), "--samples", "3", "--base-url", server.url, "--model", "m", "--budget-calls", "2", "--out", out, "--no-cache", "--json"]);
    expect(server.chatRequests.length - before).toBe(2);
    const report = JSON.parse(await readFile(join(out, "double", "report.json"), "utf8"));
    expect(report.stopped).toMatch(/budget/);
    expect(report.usage.total.calls).toBeLessThanOrEqual(2);
    expect(r.exitCode).not.toBe(2);
  });

  it("--min-confidence: a pick below it is uncertain, exit code 3, its confidence in report.json and the summary", async () => {
    const out = join(dir, "unsure");
    const r = await cli([join(dir, "double.yaml"), "--samples", "2", "--rounds", "0", "--base-url", server.url, "--model", "m", "--min-confidence", "1", "--out", out, "--no-cache"]);
    expect(r.exitCode, r.stderr).toBe(3);
    const report = JSON.parse(await readFile(join(out, "double", "report.json"), "utf8"));
    expect(report.status).toBe("uncertain");
    expect(report.minConfidence).toBe(1);
    expect(report.selection.confidence).toBeGreaterThan(0);
    expect(report.selection.confidence).toBeLessThan(1);
    expect(r.stdout).toMatch(/double +uncertain +\d+ +0\.\d\d /);
    expect((await cli([join(dir, "double.yaml"), "--min-confidence", "1.5", "--model", "m"])).stderr).toMatch(/--min-confidence/);
  });

  it("--cache-dir replays a second identical run from the cache without any request", async () => {
    const cacheDir = join(dir, "cache");
    const args = [join(dir, "double.yaml"), "--samples", "2", "--rounds", "0", "--base-url", server.url, "--model", "m", "--cache-dir", cacheDir, "--json"];
    expect((await cli([...args, "--out", join(dir, "c1")])).exitCode).toBe(0);
    const before = server.chatRequests.length;
    const again = await cli([...args, "--out", join(dir, "c2")]);
    expect(again.exitCode).toBe(0);
    expect(server.chatRequests.length).toBe(before);
    expect(JSON.parse(await readFile(join(dir, "c2", "double", "report.json"), "utf8")).usage.total.cachedCalls).toBeGreaterThan(0);
  });
});

describe("summary and exit code", () => {
  const row = (id: string, status: ProblemResult["status"]): ProblemResult => ({ id, status, selectedSample: 0, publicPassed: 1, publicTotal: 1, calls: 9, wallMs: 1500, dir: "x" });
  it("exit 0 only when every problem is solved; 3 when the others are uncertain; 1 when any is worse", () => {
    expect(exitCodeFor([row("a", "solved")])).toBe(0);
    expect(exitCodeFor([row("a", "solved"), row("b", "unsolved")])).toBe(1);
    expect(exitCodeFor([row("a", "solved"), row("b", "uncertain")])).toBe(3);
    expect(exitCodeFor([row("a", "uncertain"), row("b", "error")])).toBe(1);
    expect(exitCodeFor([])).toBe(1);
  });
  it("prints an aligned table with a total", () => {
    const t = summaryTable([row("a", "solved"), row("long-id", "error")]);
    expect(t.split("\n")[0]).toBe("problem  status  selected  confidence  public  calls  time");
    expect(t).toContain("long-id  error   0         -           1/1     9      1.5 s");
    expect(t).toContain("1/2 solved");
    expect(t).not.toContain("hidden");
    expect(summaryTable([{ ...row("a", "solved"), hidden: "3/5", confidence: 0.934 }]).split("\n")[2]).toBe("a        solved  0         0.93        1/1     3/5     9      1.5 s");
    expect(summaryTable([row("a", "solved"), row("b", "uncertain")])).toContain("1/2 solved, 1 uncertain (a pick below --min-confidence: check it by hand)");
  });
});

// Issue 21: a key never leaves in any encoding, and a key that can't be a header is refused first.
describe("sstar solve keeps the key out of everything it writes", () => {
  const KEY = "sk-test/Ab+c=d_0123456789abcdef";
  const encodings = [
    KEY,
    encodeURIComponent(KEY),
    JSON.stringify(KEY).slice(1, -1).replace(/\//g, "\\/"),
    Buffer.from(`user:${KEY}`).toString("base64"),
    Buffer.from(KEY).toString("base64url"),
    `${KEY.slice(0, 12)}\n${KEY.slice(12)}`,
  ];
  const run = (args: string[], key: string) =>
    execa("npx", ["tsx", "src/cli/main.ts", "solve", ...args], { reject: false, env: { OPENAI_API_KEY: key, SSTAR_MODEL: "" } });

  it("an endpoint echoing the key raw, URL-encoded, JSON-escaped, base64 or split: masked in report.json, report.md and the cassette", async () => {
    // In the code (kept in report.json) on one line, and all of them in the prose around it (the cassette).
    const echo = `# ${encodings.slice(0, -1).join(" | ")}\nprint(2 * int(input()))`;
    const echoing = await startScriptedChatServer([
      { system: SYSTEM_PROMPTS.synthesize, reply: '```json\n["0", "-5", "7"]\n```' },
      { system: SYSTEM_PROMPTS.generate, reply: `Your key: ${encodings.join("\n")}\n\`\`\`python\n${echo}\n\`\`\`` },
      { system: SYSTEM_PROMPTS.judge, reply: "ANSWER: TIE" },
    ]);
    try {
      const out = join(dir, "echo");
      const cassette = join(dir, "echo.jsonl");
      const r = await run([join(dir, "double.yaml"), "--samples", "2", "--base-url", echoing.url, "--model", "m", "--out", out, "--no-cache", "--record", cassette], KEY);
      expect(r.exitCode).toBe(0);
      const written = [await readFile(join(out, "double", "report.json"), "utf8"), await readFile(join(out, "double", "report.md"), "utf8"), await readFile(cassette, "utf8"), r.stdout, r.stderr].join("\n");
      expect(written).toContain("***");
      const core = Buffer.from(KEY).toString("base64").slice(4, 24);
      for (const leak of [KEY, encodeURIComponent(KEY), KEY.slice(12), core, "0123456789abcdef"]) expect(written, leak).not.toContain(leak);
    } finally {
      await echoing.close();
    }
  }, 120_000);

  it("a key with a line break or a space inside: exit 2, one line naming the setting, the key never printed, nothing sent", async () => {
    for (const bad of [`${KEY.slice(0, 10)}\n${KEY.slice(10)}`, `${KEY.slice(0, 10)} ${KEY.slice(10)}`, `${KEY}\u0007`]) {
      const before = server.chatRequests.length;
      const r = await run([join(dir, "double.yaml"), "--base-url", server.url, "--model", "m", "--out", join(dir, "bad"), "--no-cache"], bad);
      expect(r.exitCode).toBe(2);
      expect(r.stderr.trim().split("\n")).toHaveLength(1);
      expect(r.stderr).toMatch(/the API key \(OPENAI_API_KEY; action input api-key\) holds (a control character|whitespace inside it).*: it can't be sent in an HTTP header/);
      for (const part of [KEY.slice(0, 10), KEY.slice(10)]) expect(r.stderr + r.stdout).not.toContain(part);
      expect(server.chatRequests.length).toBe(before);
    }
  }, 180_000);
});
