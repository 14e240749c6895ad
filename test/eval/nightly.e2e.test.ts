// The nightly check end to end through the CLI (`sstar eval`, `sstar compare`), with the real engine,
// sandbox and model client over HTTP against the scripted chat-completions server: the same run
// twice is no regression (exit 0); worse programs on the same problems are (exit 1, with the
// p-value and the newly failing ids); a problem that fails once and passes on the --confirm retry
// is reported flaky and left out of the decision. Needs no shared data.
import { execa } from "execa";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseEvalResults } from "../../src/eval/results.ts";
import { writeSpecs } from "../../src/spec/write.ts";
import { nightlySpecs, ONE_CALL, problemId, startNightlyModel, type NightlyModel } from "./nightly-fixture.ts";

const MAIN = join(process.cwd(), "src/cli/main.ts");
const COUNT = 12;
let model: NightlyModel;
let dir: string;
let specDir: string;

beforeAll(async () => {
  model = await startNightlyModel(COUNT);
  dir = await mkdtemp(join(tmpdir(), "sstar-nightly-"));
  specDir = join(dir, "specs");
  await writeSpecs(nightlySpecs(COUNT), specDir);
});

afterAll(async () => {
  await model?.server.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

function cli(args: string[]) {
  return execa(process.execPath, ["--import", "tsx", MAIN, ...args], { reject: false, env: { OPENAI_API_KEY: "test-key", GITHUB_STEP_SUMMARY: "" } });
}

const evalArgs = (out: string, ...extra: string[]) => ["eval", specDir, "--out", out, "--base-url", model.server.url, "--model", "scripted", ...ONE_CALL, "--problem-concurrency", "4", "--no-cache", ...extra];
const ids = (ks: number[]) => ks.map(problemId);

describe("the nightly check, end to end", () => {
  it("the same run twice exits 0; worse programs on the same problems exit 1 with the p-value and the newly failing ids", async () => {
    model.broken.clear();
    const base = join(dir, "baseline.json");
    const good = await cli(evalArgs(base));
    expect(good.exitCode, good.stderr).toBe(0);
    expect(good.stdout).toContain(`${COUNT}/${COUNT} graded solved on hidden tests (100.0%)`);
    const again = join(dir, "again.json");
    expect((await cli(evalArgs(again))).exitCode).toBe(0);
    const same = await cli(["compare", again, "--baseline", base, "--summary", join(dir, "same.md")]);
    expect(same.exitCode, same.stderr).toBe(0);
    expect(same.stderr).toMatch(/^sstar compare: no-regression \(p = 1\)\. No regression: the pass rate is unchanged on the 12 problems graded in both/);

    for (const id of ids([1, 2, 3, 4, 5, 6, 7])) model.broken.add(id);
    const worse = join(dir, "worse.json");
    const bad = await cli(evalArgs(worse));
    expect(bad.exitCode, bad.stderr).toBe(0);
    expect(bad.stdout).toContain("5/12 graded solved");
    const summary = join(dir, "worse.md");
    const cmp = await cli(["compare", worse, "--baseline", base, "--max-drop", "5", "--summary", summary]);
    expect(cmp.exitCode, cmp.stderr).toBe(1);
    // 7 discordant pairs, all one way: p = 2 / 2^7.
    expect(cmp.stderr).toContain("sstar compare: regression (p = 0.0156).");
    expect(cmp.stderr).toContain(`Newly failing: ${ids([1, 2, 3, 4, 5, 6, 7]).join(", ")}.`);
    const md = await readFile(summary, "utf8");
    expect(md).toContain("## sstar evaluation: ❌ regression");
    expect(md).toContain("| pass rate | 100.0% (12/12) | 41.7% (5/12) | −58.33 pp |");
    expect(md).toContain("| **passed before** | 5 | **7** newly failing |");
    expect(md).toMatch(/- `add-01` Add 1: now fails: hidden 0\/3 passed \(hidden-1: wrong-answer\); before passes: hidden 3\/3 passed/);
  }, 120_000);

  it("a problem that fails once and passes on the --confirm retry is flaky and not counted", async () => {
    model.broken.clear();
    model.generations.clear();
    const base = join(dir, "baseline.json");
    // Six fail on their first try only; one is broken for good. Without --confirm: 7 newly failing, a regression.
    for (const id of ids([1, 2, 3, 4, 5, 6])) model.flakyOnce.add(id);
    model.broken.add(problemId(7));
    const out = join(dir, "confirmed.json");
    // With the reply cache on: the retries must not come from it (they would replay the broken answer).
    const run = await cli([...evalArgs(out, "--confirm", "1", "--baseline", base).filter((a) => a !== "--no-cache"), "--cache-dir", join(dir, "cache")]);
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.stdout).toContain("5/12 graded solved");
    expect(run.stdout).toContain(", 6 flaky");
    expect(run.stderr).toContain("confirm add-01: passed on retry 1 of 1: flaky, not counted as a regression");
    expect(run.stderr).toContain("confirm add-07: failed on 1 retry too");
    // One retry for each of the 7 newly failing problems, none for the others.
    for (const k of [1, 2, 3, 4, 5, 6, 7]) expect(model.generations.get(problemId(k)), problemId(k)).toBe(2);
    for (const k of [8, 9, 10, 11, 12]) expect(model.generations.get(problemId(k))).toBe(1);
    const results = parseEvalResults(JSON.parse(await readFile(out, "utf8")), out);
    expect(results.problems.find((p) => p.id === "add-01")!.confirm!.runs).toEqual([{ outcome: "passed", hiddenPassed: 3, hiddenTotal: 3 }]);
    expect(results.summary.usage.calls).toBe(12 + 7);

    const cmp = await cli(["compare", out, "--baseline", base, "--summary", join(dir, "confirmed.md")]);
    expect(cmp.exitCode, cmp.stderr).toBe(0);
    expect(cmp.stderr).toContain("sstar compare: no-regression (p = 1).");
    expect(cmp.stderr).toContain("on the 6 problems graded in both (1 newly failing, 0 newly passing");
    expect(cmp.stderr).toContain(`Newly failing: add-07. Flaky: ${ids([1, 2, 3, 4, 5, 6]).join(", ")}.`);
    const md = await readFile(join(dir, "confirmed.md"), "utf8");
    expect(md).toContain("### Flaky: failed, then passed on a retry (6), not counted");
    model.flakyOnce.clear();
    model.broken.clear();
  }, 120_000);

  it("refuses --confirm without --baseline, as a usage error", async () => {
    const run = await cli(evalArgs(join(dir, "x.json"), "--confirm", "1"));
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toBe("sstar eval: --confirm needs --baseline FILE: the problems to confirm are those that newly fail against it");
  });
});
