// End to end, with the real engine, the real sandbox and the real model client over HTTP against
// the scripted chat-completions server: shards merge into the unsharded result, a worse run
// against a stored baseline exits 1 naming the newly failing problems, and a rerun after an
// interrupted shard makes no model calls for the problems it had finished.
import { execa, type ResultPromise } from "execa";
import fg from "fast-glob";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { evaluate } from "../../src/eval/evaluate.ts";
import { mergeResults } from "../../src/eval/merge.ts";
import { comparableView, parseEvalResults, type EvalResults } from "../../src/eval/results.ts";
import { createModelClient } from "../../src/model/index.ts";
import { createSandbox } from "../../src/sandbox/index.ts";
import type { Sandbox } from "../../src/sandbox/types.ts";
import { writeSpecs } from "../../src/spec/write.ts";
import { loadSubset, startScriptedModel, type Problem, type ScriptedModel } from "./fixture.ts";

const MAIN = join(process.cwd(), "src/cli/main.ts");
const SOLVE = { samples: 2, rounds: 1, selection: "sstar" as const, temperature: 0.7, modelName: "scripted", judgeModelName: "scripted", sandboxName: "bwrap" };

let problems: Problem[];
let model: ScriptedModel;
let sandbox: Sandbox;
let dir: string;
let specDir: string;

beforeAll(async () => {
  problems = loadSubset();
  model = await startScriptedModel(problems);
  sandbox = await createSandbox({ backend: "auto" });
  SOLVE.sandboxName = sandbox.backend;
  dir = await mkdtemp(join(tmpdir(), "sstar-eval-"));
  specDir = join(dir, "specs");
  await writeSpecs(problems.map((p) => p.input), specDir);
});

afterAll(async () => {
  await sandbox?.close();
  await model?.server.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

function client() {
  return createModelClient({ baseUrl: model.server.url, apiKey: "test-key", model: "scripted", cacheDir: null, prices: { inputPerMTok: 1, outputPerMTok: 4 } });
}

function cli(args: string[]): ResultPromise<{ reject: false; all: true }> {
  // One process (node with tsx's loader), so that killing it kills the run itself.
  return execa(process.execPath, ["--import", "tsx", MAIN, ...args], { reject: false, all: true, env: { OPENAI_API_KEY: "test-key", GITHUB_STEP_SUMMARY: "" } });
}

const modelFlags = () => ["--base-url", model.server.url, "--model", "scripted", "--samples", "2", "--rounds", "1", "--price-input", "1", "--price-output", "4"];

describe("evaluation, end to end", () => {
  it("3 shards of a CodeContests subset merge into the same result as one unsharded run", async () => {
    model.broken.clear();
    model.broken.add("1243_c_tile_painting_2415");
    const specs = problems.map((p) => p.spec);
    const whole = await evaluate(specs, { model: client(), sandbox }, { solve: SOLVE, toolVersion: "test" });
    expect(whole.problems.map((p) => p.id)).toEqual([...problems.map((p) => p.spec.id)].sort());
    expect(whole.summary.solved).toBe(5);
    expect(whole.summary.oracle).toBe(5);
    const tile = whole.problems.find((p) => p.id === "1243_c_tile_painting_2415")!;
    expect(tile.status).toBe("solved"); // it passes the public tests...
    expect(tile.selected.passed).toBe(false); // ...but not the hidden ones
    expect(tile.selected.hiddenTotal).toBe(7);
    expect(tile.baselines.map((b) => [b.strategy, b.passed])).toEqual([["first", false], ["majority", false]]);
    expect(whole.summary.usage.calls).toBe(6 * 3); // 2 samples + 1 synthesis per problem
    expect(whole.summary.usage.costUsd).toBeGreaterThan(0);

    const parts: EvalResults[] = [];
    for (const index of [1, 2, 3]) {
      parts.push(await evaluate(specs, { model: client(), sandbox }, { solve: SOLVE, toolVersion: "test", shard: { index, count: 3 } }));
    }
    expect(parts.map((p) => p.problems.length)).toEqual([2, 2, 2]);
    const merged = mergeResults([parts[2]!, parts[0]!, parts[1]!], ["s3.json", "s1.json", "s2.json"]);
    expect(comparableView(merged)).toEqual(comparableView(whole));
  }, 180_000);

  it("a worse run against a stored baseline exits 1 with the p-value and names the newly failing problems", async () => {
    model.broken.clear();
    const base = join(dir, "baseline.json");
    const good = await cli(["eval", specDir, "--out", base, ...modelFlags(), "--no-cache"]);
    expect(good.exitCode, good.all).toBe(0);
    expect(good.stdout).toContain("6/6 graded solved on hidden tests");

    // Every program memorizes the public examples now: 6 discordant pairs, all one way.
    for (const p of problems) model.broken.add(p.spec.id);
    const worse = join(dir, "worse.json");
    const bad = await cli(["eval", specDir, "--out", worse, ...modelFlags(), "--no-cache"]);
    expect(bad.exitCode, bad.all).toBe(0);
    expect(bad.stdout).toContain("0/6 graded solved on hidden tests");

    const summary = join(dir, "summary.md");
    const trend = join(dir, "trend.json");
    const issue = join(dir, "issue.json");
    const cmp = await cli(["compare", worse, "--baseline", base, "--max-drop", "5", "--summary", summary, "--trend", trend, "--commit", "abc1234", "--issue-out", issue]);
    expect(cmp.exitCode, cmp.all).toBe(1);
    expect(cmp.stderr).toContain("sstar compare: regression (p = 0.0313).");
    expect(cmp.stderr).toContain(`Newly failing: ${problems.map((p) => p.spec.id).sort().join(", ")}.`);
    const md = await readFile(summary, "utf8");
    expect(md).toContain("❌ regression");
    expect(md).toContain("### Newly failing (6)");
    expect(md).toMatch(/- `1068_b_lcm_2510` .*: now fails: hidden \d\/\d passed/);
    expect(md).toContain("xychart-beta");
    const trendFile = JSON.parse(await readFile(trend, "utf8")) as { points: { commit: string; rate: number }[] };
    expect(trendFile.points).toEqual([expect.objectContaining({ commit: "abc1234", rate: 0 })]);
    const issueFile = JSON.parse(await readFile(issue, "utf8")) as { title: string; body: string };
    expect(issueFile.body).toContain("`1068_b_lcm_2510`");

    // The same run against itself is not a regression.
    const same = await cli(["compare", base, "--baseline", base, "--summary", summary]);
    expect(same.exitCode, same.all).toBe(0);
  }, 180_000);

  it("a rerun after an interrupted shard makes no model calls for the problems it finished", async () => {
    model.broken.clear();
    const out = join(dir, "shard.json");
    const cacheDir = join(dir, "cache");
    const args = ["eval", specDir, "--out", out, "--shard", "1/1", ...modelFlags(), "--cache-dir", cacheDir];
    // The third problem (in id order) hangs: the run is stuck there until it is killed.
    const ids = problems.map((p) => p.spec.id).sort();
    const stuck = ids[2]!;
    model.hang.add(stuck);
    const child = cli(args);
    let partial: EvalResults | undefined;
    while (partial === undefined || partial.problems.length < 2) {
      await new Promise((r) => setTimeout(r, 100));
      const text = await readFile(out, "utf8").catch(() => "");
      if (text) partial = parseEvalResults(JSON.parse(text), out);
    }
    // Wait until the stuck problem's calls are in flight and its synthesis reply is in the cache
    // (2 finished problems x 3 calls + 1), then kill the process outright.
    while (model.requestsFor(stuck) < 3 || (await fg("**/*.json", { cwd: cacheDir })).length < 7) await new Promise((r) => setTimeout(r, 50));
    child.kill("SIGKILL");
    await child;
    model.hang.clear();

    const finished = partial.problems.map((p) => p.id);
    expect(finished).toEqual(ids.slice(0, 2));
    const before = Object.fromEntries(ids.map((id) => [id, model.requestsFor(id)]));
    const rerun = await cli(args);
    expect(rerun.exitCode, rerun.all).toBe(0);
    expect(rerun.stderr).toContain("2 already done (resumed)");
    for (const id of finished) expect(model.requestsFor(id) - before[id]!, id).toBe(0);
    // The stuck problem's synthesis reply was cached before the kill: only its 2 generations are new.
    expect(model.requestsFor(stuck) - before[stuck]!).toBe(2);
    for (const id of ids.slice(3)) expect(model.requestsFor(id) - before[id]!, id).toBe(3);
    const final = parseEvalResults(JSON.parse(await readFile(out, "utf8")), out);
    expect(final.problems.map((p) => p.id)).toEqual(ids);
    expect(final.summary.solved).toBe(6);
  }, 180_000);
});
