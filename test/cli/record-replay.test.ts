// Record and replay through the real CLI (child processes), the real model client and real HTTP:
// a run recorded against the scripted server replays with the server gone, to the same decisions;
// a request the cassette lacks fails with one line naming it, or goes to the endpoint with
// --replay-fallthrough; endpoints that can't serve a run fail fast, once, by name.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { comparableView, parseEvalResults } from "../../src/eval/results.ts";
import { SYSTEM_PROMPTS } from "../../src/engine/prompts.ts";
import type { SolveReport } from "../../src/engine/report.ts";
import { startScriptedChatServer, type ScriptedChatServer } from "../fixtures/chat-server.ts";

const GOOD = "print(2 * int(input()))";
// Passes the public example (3 -> 6) but differs on negative inputs: the judge decides.
const ODD = "n = int(input())\nprint(2 * n if n >= 0 else 0)";
const spec = (id: string, statement: string) => `id: ${id}
title: Double it
statement: ${statement}
tests:
  public:
    - input: "3\\n"
      output: "6\\n"
  hidden:
    - input: "-4\\n"
      output: "-8\\n"
    - input: "10\\n"
      output: "20\\n"
`;
const KEY = "sk-test-secret-key-123456";

let dir: string;
const specFile = (name: string) => join(dir, `${name}.yaml`);

function scripted(): Promise<ScriptedChatServer> {
  return startScriptedChatServer([
    { system: SYSTEM_PROMPTS.synthesize, reply: '```json\n["0", "-5", "7"]\n```' },
    { system: SYSTEM_PROMPTS.separate, reply: '```json\n["-2"]\n```' },
    // The judge prefers the program that doubles negative numbers too.
    { system: SYSTEM_PROMPTS.judge, reply: (r) => (/Program 1's [^\n]*:\n`{3,}[^\n]*\n-(10|4)\n/.test(r.lastUser) ? "ANSWER: 1" : "ANSWER: 2") },
    { system: SYSTEM_PROMPTS.generate, nth: [2, 3], reply: `\`\`\`python\n${GOOD}\n\`\`\`` },
    { system: SYSTEM_PROMPTS.generate, reply: `\`\`\`python\n${ODD}\n\`\`\`` },
  ]);
}

const sstar = (args: string[], env: Record<string, string> = {}) =>
  execa(process.execPath, ["--import", "tsx", "src/cli/main.ts", ...args], {
    reject: false,
    env: { OPENAI_API_KEY: "", OPENAI_BASE_URL: "", SSTAR_MODEL: "", SSTAR_JUDGE_MODEL: "", ...env },
  });

const report = async (out: string, id: string): Promise<SolveReport> => JSON.parse(await readFile(join(out, id, "report.json"), "utf8")) as SolveReport;
/** What the run decided: the samples' programs, clusters, matches with their votes, the pick. */
const decisions = (r: SolveReport) => ({
  samples: r.samples.map((s) => s.finalCode),
  clusters: r.clusters,
  matches: r.matches,
  selection: r.selection,
  selected: r.selected,
  status: r.status,
});
const errorLines = (stderr: string) => stderr.split("\n").filter((l) => l.startsWith("sstar "));

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "sstar-replay-"));
  await writeFile(specFile("double"), spec("double", "Read an integer n and print 2n."));
  await writeFile(specFile("double-changed"), spec("double", "Read an integer n and print twice n."));
  await writeFile(specFile("twice"), spec("twice", "Read an integer n and print n + n."));
  await writeFile(specFile("double-again"), spec("double-again", "Read n; print n times 2."));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("record and replay", () => {
  it("solve: a recorded run replays with the server gone, to the same pick and the same decisions; the cassette holds no secret", async () => {
    const server = await scripted();
    const cassette = join(dir, "solve.jsonl");
    const recorded = await sstar(["solve", specFile("double"), "--samples", "3", "--rounds", "0", "--base-url", server.url, "--model", "m", "--out", join(dir, "live"), "--no-cache", "--record", cassette], {
      OPENAI_API_KEY: KEY,
    });
    expect(recorded.exitCode, recorded.stderr).toBe(0);
    const requests = server.chatRequests.length;
    await server.close();
    const original = await report(join(dir, "live"), "double");
    // A real choice was made: two clusters, the judge asked.
    expect(original.clusters.length).toBe(2);
    expect(original.matches.length).toBeGreaterThan(0);
    expect(original.selected?.code.trim()).toBe(GOOD);

    const text = await readFile(cassette, "utf8");
    expect(text).not.toContain(KEY);
    expect(text.toLowerCase()).not.toContain("authorization");
    expect(text).not.toContain("bearer");
    // The three first generations went as one request with n=3; the cassette holds each choice
    // under its own sample key (the later two marked as sharing that request): a header line, then
    // one line per request plus one per further choice.
    const generations = server.chatRequests.filter((q) => q.body.messages?.[0]?.content === SYSTEM_PROMPTS.generate);
    expect(generations.map((q) => q.body.n)).toEqual([3]);
    const entries = text.trim().split("\n").slice(1).map((line) => JSON.parse(line) as { stage: string; key: string | null; sharedRequest?: boolean });
    const generated = entries.filter((e) => e.stage === "generate");
    expect(generated.map((e) => [e.key, e.sharedRequest ?? false]).sort()).toEqual([
      ["sample-0-round-0", false],
      ["sample-1-round-0", true],
      ["sample-2-round-0", true],
    ]);
    expect(entries.length).toBe(requests + 2);

    // No endpoint, no key, no model name: everything comes from the cassette.
    const replayed = await sstar(["solve", specFile("double"), "--samples", "3", "--rounds", "0", "--out", join(dir, "replayed"), "--replay", cassette]);
    expect(replayed.exitCode, replayed.stderr).toBe(0);
    const again = await report(join(dir, "replayed"), "double");
    expect(decisions(again)).toEqual(decisions(original));
    expect(again.settings).toMatchObject({ model: "m", cassette: "solve.jsonl" });
    expect(again.usage.total.calls).toBe(original.usage.total.calls);
    expect(replayed.stdout).toContain("replayed from the cassette solve.jsonl");
    expect(await readFile(join(dir, "replayed", "double", "solution.py"), "utf8")).toBe(`${GOOD}\n`);
  }, 120_000);

  it("eval: a recorded evaluation replays to the same results", async () => {
    const server = await scripted();
    const cassette = join(dir, "eval.jsonl");
    const args = (out: string) => [specFile("double"), specFile("twice"), "--samples", "3", "--rounds", "0", "--out", out];
    const recorded = await sstar(["eval", ...args(join(dir, "eval-live.json")), "--base-url", server.url, "--model", "m", "--no-cache", "--record", cassette]);
    expect(recorded.exitCode, recorded.stderr).toBe(0);
    await server.close();
    const replayed = await sstar(["eval", ...args(join(dir, "eval-replayed.json")), "--replay", cassette]);
    expect(replayed.exitCode, replayed.stderr).toBe(0);
    const read = async (f: string) => parseEvalResults(JSON.parse(await readFile(join(dir, f), "utf8")), f);
    const [a, b] = [await read("eval-live.json"), await read("eval-replayed.json")];
    expect(a.problems).toHaveLength(2);
    // The results say where the replies came from; everything else is the same.
    const settings = b.config.settings as Record<string, unknown>;
    expect(settings["cassette"]).toBe("eval.jsonl");
    delete settings["cassette"];
    expect(comparableView(b)).toEqual(comparableView(a));
  }, 120_000);

  it("a request the cassette lacks fails with one line naming the stage and the sample; --replay-fallthrough sends only the misses to the endpoint", async () => {
    const server = await scripted();
    const cassette = join(dir, "two.jsonl");
    const base = [specFile("double"), "--rounds", "0", "--selection", "first", "--no-cache"];
    const recorded = await sstar(["solve", ...base, "--samples", "2", "--base-url", server.url, "--model", "m", "--out", join(dir, "two"), "--record", cassette]);
    expect(recorded.exitCode, recorded.stderr).toBe(0);
    const before = server.chatRequests.length;

    // A third sample was never recorded.
    const more = await sstar(["solve", ...base, "--samples", "3", "--out", join(dir, "three"), "--replay", cassette]);
    expect(more.exitCode).toBe(2);
    expect(errorLines(more.stderr)).toEqual([
      `sstar solve: replay: ${cassette} holds no reply for the generate call of problem double (sample 2, round 0): it was never recorded; record again with --record, or pass --replay-fallthrough to send misses to the endpoint`,
    ]);
    expect(server.chatRequests.length).toBe(before); // no network

    // A changed statement: the recorded request differs.
    const changed = await sstar(["solve", specFile("double-changed"), "--rounds", "0", "--selection", "first", "--samples", "2", "--out", join(dir, "changed"), "--replay", cassette]);
    expect(changed.exitCode).toBe(2);
    expect(errorLines(changed.stderr)[0]).toMatch(/holds no reply for the generate call of problem double \(sample \d, round 0\): the recorded request differs/);

    const through = await sstar(["solve", ...base, "--samples", "3", "--out", join(dir, "through"), "--replay", cassette, "--replay-fallthrough", "--base-url", server.url, "--model", "m"]);
    expect(through.exitCode, through.stderr).toBe(0);
    // Only sample 2's generation reached the server.
    expect(server.chatRequests.length).toBe(before + 1);
    expect((await report(join(dir, "through"), "double")).samples).toHaveLength(3);
    await server.close();
  }, 120_000);
});

describe("endpoints that can't serve a run", () => {
  let html: Server;
  let htmlUrl: string;
  let htmlHits = 0;
  beforeAll(async () => {
    html = createServer((_req, res) => {
      htmlHits++;
      res.writeHead(200, { "content-type": "text/html" });
      res.end("<!doctype html><html><body>Welcome to nginx!</body></html>");
    });
    await new Promise<void>((resolve) => html.listen(0, "127.0.0.1", resolve));
    htmlUrl = `http://127.0.0.1:${(html.address() as AddressInfo).port}/`;
  });
  afterAll(() => new Promise<void>((resolve) => html.close(() => resolve())));

  const specs = () => [specFile("double"), specFile("twice"), specFile("double-again")];

  it("nothing listening: one line naming the URL, exit 2, every problem marked, no retries", async () => {
    // A port that was just free: connection refused.
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
    const port = (probe.address() as AddressInfo).port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const url = `http://127.0.0.1:${port}/v1`;
    const r = await sstar(["solve", ...specs(), "--base-url", url, "--model", "m", "--no-cache", "--out", join(dir, "refused"), "--json"]);
    expect(r.exitCode).toBe(2);
    expect(errorLines(r.stderr)).toEqual([
      `sstar solve: model endpoint ${url}: connection refused (nothing is listening there); check --base-url / OPENAI_BASE_URL (action input base-url)`,
    ]);
    expect(r.stderr).not.toMatch(/retry/);
    const summary = JSON.parse(r.stdout) as { results: { status: string; error?: string }[] };
    expect(summary.results.map((x) => x.status)).toEqual(["error", "error", "error"]);
    for (const x of summary.results) expect(x.error).toContain(url);
  }, 60_000);

  it("fetch's blocked port 9 and an unknown host are named the same way", async () => {
    const r = await sstar(["solve", specFile("double"), "--base-url", "http://127.0.0.1:9/v1", "--model", "m", "--no-cache", "--out", join(dir, "port9")]);
    expect(r.exitCode).toBe(2);
    expect(errorLines(r.stderr)).toEqual([expect.stringMatching(/^sstar solve: model endpoint http:\/\/127\.0\.0\.1:9\/v1: the port is one fetch refuses/)]);
    const dns = await sstar(["solve", specFile("double"), "--base-url", "http://no-such-host.invalid/v1", "--model", "m", "--no-cache", "--out", join(dir, "dns")], { OPENAI_API_KEY: "k" });
    expect(dns.exitCode).toBe(2);
    expect(errorLines(dns.stderr)).toEqual([expect.stringMatching(/^sstar solve: model endpoint http:\/\/no-such-host\.invalid\/v1: no such host/)]);
  }, 60_000);

  it("a web page at the base URL: one line saying it is not an API, one attempt per call in flight, none for the later problems", async () => {
    htmlHits = 0;
    const r = await sstar(["solve", ...specs(), "--samples", "3", "--base-url", htmlUrl, "--model", "m", "--no-cache", "--out", join(dir, "html")]);
    expect(r.exitCode).toBe(2);
    expect(errorLines(r.stderr)).toEqual([
      `sstar solve: model endpoint ${htmlUrl.replace(/\/$/, "")}: it answered with something that is not JSON (a web page?), not a chat completion: the base URL usually ends in /v1; check --base-url / OPENAI_BASE_URL (action input base-url)`,
    ]);
    // The first problem's calls that were already in flight (3 samples + input synthesis), nothing after.
    expect(htmlHits).toBeLessThanOrEqual(4);
    expect(r.stdout).toContain("0/3 solved");
  }, 60_000);
});
