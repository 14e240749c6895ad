// The offline demo's replay model: real pool programs over real HTTP, a scripted judge.
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { defaultDemoData, DEMO_TASKS, inRepoDemoData, loadPoolTasks, type PoolTask } from "../../src/cli/demo/pool.ts";
import { REPLAY_MODEL_NAME, hashUnit, parseJudgeCases, startReplayModel, truthfulVerdict } from "../../src/cli/demo/replay-model.ts";
import { solve } from "../../src/engine/index.ts";
import { judgeMessages, stageOfMessages, SYSTEM_PROMPTS } from "../../src/engine/prompts.ts";
import { renderReportMarkdown } from "../../src/report/markdown.ts";
import { createModelClient } from "../../src/model/index.ts";
import { createSandbox } from "../../src/sandbox/index.ts";
import type { Sandbox } from "../../src/sandbox/types.ts";
import { importHumanEval } from "../../src/spec/importers/humaneval.ts";
import { specFromObject } from "../../src/spec/load.ts";
import type { ProblemSpec } from "../../src/spec/schema.ts";
import type { ChatMessage } from "../../src/model/types.ts";
import { startScriptedChatServer } from "../fixtures/chat-server.ts";
import { DEMO_DATA } from "../fixtures/shared-data.ts";

// The repository's own replay set: these tests need nothing beside the checkout.
const DATA = DEMO_DATA;

describe("scripted judge helpers", () => {
  it("reads the cases back from the engine's judge prompt", () => {
    const spec = { id: "x", title: "T", statement: "s", io: { kind: "function", name: "f", params: [], returns: "any" }, language: "python", limits: { timeMs: 1, memoryMb: 1 }, checker: { kind: "tokens" }, multipleAnswers: false, tests: { public: [], hidden: [] }, tags: [] } as ProblemSpec;
    const prompt = judgeMessages(spec, { inputs: [{ input: "[1]", firstOutput: "true", secondOutput: "```false" }, { input: "[2]", firstOutput: "1", secondOutput: "2" }], firstCode: "a", secondCode: "b" })[1]!.content;
    expect(parseJudgeCases(prompt)).toEqual([
      { input: "[1]", first: "true", second: "```false" },
      { input: "[2]", first: "1", second: "2" },
    ]);
  });
  it("prefers the output equal to the canonical one, by majority over cases", () => {
    expect(truthfulVerdict([{ first: "1", second: "2", canonical: "1" }])).toBe("1");
    expect(truthfulVerdict([{ first: "1", second: "2", canonical: "2" }, { first: "3", second: "4", canonical: "4" }])).toBe("2");
    expect(truthfulVerdict([{ first: "1", second: "2", canonical: "5" }])).toBe("TIE");
    expect(truthfulVerdict([{ first: "1", second: "2", canonical: null }])).toBe("TIE");
  });
  it("draws a reproducible coin from the prompt", () => {
    expect(hashUnit("abc")).toBe(hashUnit("abc"));
    expect(hashUnit("abc")).toBeGreaterThanOrEqual(0);
    expect(hashUnit("abc")).toBeLessThan(1);
  });
});

describe("replay demo on real pool data", () => {
  let sandbox: Sandbox;
  let tasks: PoolTask[];
  let spec: ProblemSpec;
  beforeAll(async () => {
    sandbox = await createSandbox({ backend: "auto" });
    const loaded = await loadPoolTasks(DATA, ["HumanEval/24"]);
    tasks = loaded.tasks;
    const imported = await importHumanEval(loaded.humanevalLines.join("\n"));
    spec = specFromObject(imported.specs[0], "humaneval.jsonl");
  });
  afterAll(async () => {
    await sandbox?.close();
  });

  it("loads the pool programs and the model's own test calls as JSON argument arrays", () => {
    expect(tasks[0]!.programs).toHaveLength(24);
    expect(tasks[0]!.calls.length).toBeGreaterThan(5);
    for (const c of tasks[0]!.calls) expect(Array.isArray(JSON.parse(c))).toBe(true);
  });

  it("runs the real pipeline against the replay model and labels it as a replay", async () => {
    const server = await startReplayModel({
      tasks,
      samples: 4,
      judgeAccuracy: 1,
      canonicalOutput: async (_id, input) => {
        const r = await sandbox.run({ program: { language: "python", code: tasks[0]!.canonical }, io: spec.io, input, limits: spec.limits });
        return r.status === "ok" ? r.output : null;
      },
    });
    try {
      const model = createModelClient({ baseUrl: server.url, apiKey: "replay", model: REPLAY_MODEL_NAME, cacheDir: null, maxRetries: 0 });
      const report = await solve(spec, { model, sandbox }, { samples: 4, rounds: 1, selection: "sstar", temperature: 0.7, modelName: REPLAY_MODEL_NAME, judgeModelName: "replay:scripted-judge", sandboxName: sandbox.backend, replay: true });
      expect(server.stats.byStage["generate"]).toBe(4);
      expect(server.stats.byStage["synthesize"]).toBe(1);
      // Round 0 of every sample is one of the first four pool programs, verbatim.
      for (const s of report.samples) expect(tasks[0]!.programs.slice(0, 4).map((p) => p.trim())).toContain(s.rounds[0]!.code.trim());
      expect(report.settings.replay).toBe(true);
      expect(report.inputs.filter((i) => i.origin === "synthesized" && i.input !== "").length).toBeGreaterThan(0);
      expect(renderReportMarkdown(report, { variant: "comment" })).toContain("**Replay run.**");
    } finally {
      await server.close();
    }
  });
});

// `sstar demo` through the real CLI entry point: the shared solve/model flags in both modes.
describe("which data the demo runs on", () => {
  const repo = "/r/sstar/demo/humaneval";
  it("$SSTAR_DATA, else the full shared set beside the checkout, else the repository's set", () => {
    expect(defaultDemoData({ SSTAR_DATA: "/data" }, "/w", repo, () => true)).toEqual({ dir: "/data", source: "$SSTAR_DATA" });
    expect(defaultDemoData({}, "/r/sstar", repo, (d) => d === "/r/shared/data")).toEqual({ dir: "/r/shared/data", source: "the full shared data set" });
    // Run from elsewhere: the shared set is found beside the repository too.
    expect(defaultDemoData({}, "/tmp", repo, (d) => d === "/r/shared/data").dir).toBe("/r/shared/data");
    expect(defaultDemoData({}, "/r/sstar", repo, () => false)).toEqual({ dir: repo, source: "the repository's replay set, 12 tasks" });
  });
  it("the repository's set holds every demo task and is found from the source tree", async () => {
    expect(inRepoDemoData()).toBe(DEMO_DATA);
    const loaded = await loadPoolTasks(DEMO_DATA, DEMO_TASKS);
    expect(loaded.tasks.map((t) => t.taskId)).toEqual(DEMO_TASKS);
    for (const t of loaded.tasks) expect(t.calls.length, t.taskId).toBeGreaterThanOrEqual(5);
  });
});

describe("sstar demo flags", () => {
  let out: string;
  beforeAll(async () => {
    out = await mkdtemp(join(tmpdir(), "sstar-demo-cli-"));
  });
  afterAll(async () => {
    await rm(out, { recursive: true, force: true });
  });
  const demo = (args: string[]) =>
    execa("npx", ["tsx", "src/cli/main.ts", "demo", "--tasks", "HumanEval/24", "--samples", "2", "--rounds", "0", ...args], { reject: false, env: { OPENAI_API_KEY: "", SSTAR_MODEL: "" } });

  it("on the repository's set: prints the distinguishing inputs; --record then --replay gives the same report with no model server", async () => {
    const cassette = join(out, "demo.jsonl");
    const args = ["--data", DEMO_DATA, "--tasks", "HumanEval/3", "--samples", "8", "--rounds", "0"];
    const run = (extra: string[]) => execa("npx", ["tsx", "src/cli/main.ts", "demo", ...args, ...extra], { reject: false, env: { OPENAI_API_KEY: "", SSTAR_MODEL: "" } });
    const recorded = await run(["--out", join(out, "rec"), "--record", cassette]);
    expect(recorded.exitCode, recorded.stderr).toBe(0);
    expect(recorded.stdout).toContain(`data:     ${DEMO_DATA} (--data)`);
    expect(recorded.stdout).toContain("distinguishing inputs:");
    expect(recorded.stdout).toMatch(/wrote .*humaneval-3\/: solution\.py, report\.json, report\.md/);
    const replayed = await run(["--out", join(out, "rep"), "--replay", cassette]);
    expect(replayed.exitCode, replayed.stderr).toBe(0);
    expect(replayed.stdout).toContain("from the cassette");
    const read = async (d: string) => JSON.parse(await readFile(join(out, d, "humaneval-3", "report.json"), "utf8")) as Record<string, unknown>;
    const [a, b] = [await read("rec"), await read("rep")];
    // Everything but the sandbox's timings is the same.
    const decided = (v: unknown) => JSON.parse(JSON.stringify(v, (k, x: unknown) => (k === "timeMs" ? undefined : x))) as unknown;
    for (const field of ["samples", "clusters", "matches", "selection", "selected", "hidden"]) expect(decided(b[field]), field).toEqual(decided(a[field]));
  }, 120_000);

  it("replay: --budget-calls stops the run; flags that need a real model are refused with one line", async () => {
    const r = await demo(["--budget-calls", "1", "--out", join(out, "replay")]);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toContain("[REPLAY]");
    const report = JSON.parse(await readFile(join(out, "replay", "humaneval-24", "report.json"), "utf8"));
    expect(report.stopped).toMatch(/budget/);
    expect(report.settings).toMatchObject({ samples: 2, rounds: 0, replay: true });
    const bad = await demo(["--judge-model", "jm", "--no-cache"]);
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr.trim().split("\n").at(-1)).toBe("sstar demo: --judge-model, --no-cache: only with --base-url (without it the demo runs against the local replay model)");
  });

  it("live: --model and --judge-model reach the server, the hidden check grades the pick", async () => {
    const code = "def largest_divisor(n: int) -> int:\n    return max(d for d in range(1, n) if n % d == 0)\n";
    const server = await startScriptedChatServer([
      { system: SYSTEM_PROMPTS.synthesize, reply: '```json\n["[15]", "[7]"]\n```' },
      { system: SYSTEM_PROMPTS.generate, reply: `\`\`\`python\n${code}\`\`\`` },
    ]);
    try {
      const r = await demo(["--base-url", server.url, "--model", "m", "--judge-model", "jm", "--no-cache", "--out", join(out, "live")]);
      expect(r.exitCode, r.stderr).toBe(0);
      expect(r.stdout).not.toContain("REPLAY");
      const models = new Set(server.chatRequests.map((q) => `${stageOfMessages((q.body as { messages: ChatMessage[] }).messages)}:${q.body.model}`));
      expect([...models].sort()).toEqual(["generate:m", "synthesize:jm"]);
      const report = JSON.parse(await readFile(join(out, "live", "humaneval-24", "report.json"), "utf8"));
      expect(report.settings).toMatchObject({ model: "m", judgeModel: "jm", replay: false });
      expect(report.hidden).toEqual({ passed: 1, total: 1 });
    } finally {
      await server.close();
    }
  });
});
