// The offline demo's replay model: real pool programs over real HTTP, a scripted judge.
import { existsSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadPoolTasks, type PoolTask } from "../../src/cli/demo/pool.ts";
import { REPLAY_MODEL_NAME, hashUnit, parseJudgeCases, startReplayModel, truthfulVerdict } from "../../src/cli/demo/replay-model.ts";
import { solve } from "../../src/engine/index.ts";
import { judgeMessages } from "../../src/engine/prompts.ts";
import { renderReportMarkdown } from "../../src/report/markdown.ts";
import { createModelClient } from "../../src/model/index.ts";
import { createSandbox } from "../../src/sandbox/index.ts";
import type { Sandbox } from "../../src/sandbox/types.ts";
import { importHumanEval } from "../../src/spec/importers/humaneval.ts";
import { specFromObject } from "../../src/spec/load.ts";
import type { ProblemSpec } from "../../src/spec/schema.ts";

const DATA = "../shared/data";

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

describe.runIf(existsSync(`${DATA}/pools/codet-codegen16b-humaneval.jsonl`))("replay demo on real pool data", () => {
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
    expect(tasks[0]!.programs).toHaveLength(100);
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
