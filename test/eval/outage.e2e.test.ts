// An outage is not a regression, through the CLI: `sstar eval` against a port that refuses
// connections records every problem as not attempted (endpoint unreachable) and exits 3; `sstar
// compare` of that run says "incomplete", exits 3, and reports no regression. (A file of its own:
// the model client's retries against the refused port wait out their backoff, ~15-30 s, which
// overlaps the other test files.)
import { execa } from "execa";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseEvalResults } from "../../src/eval/results.ts";
import { writeSpecs } from "../../src/spec/write.ts";
import { closedPort, config, problem, results } from "./helpers.ts";
import { nightlySpecs, ONE_CALL, problemId } from "./nightly-fixture.ts";

const MAIN = join(process.cwd(), "src/cli/main.ts");
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "sstar-outage-"));
  await writeSpecs(nightlySpecs(2), join(dir, "specs"));
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

function cli(args: string[]) {
  return execa(process.execPath, ["--import", "tsx", MAIN, ...args], { reject: false, env: { OPENAI_API_KEY: "test-key", GITHUB_STEP_SUMMARY: "" } });
}

describe("an unreachable endpoint", () => {
  it("eval exits 3 with every problem not attempted; compare says incomplete, exits 3, no regression", async () => {
    const out = join(dir, "results.json");
    const url = `http://127.0.0.1:${await closedPort()}/v1`;
    const run = await cli(["eval", join(dir, "specs"), "--out", out, "--base-url", url, "--model", "m", ...ONE_CALL, "--problem-concurrency", "2", "--no-cache"]);
    expect(run.exitCode, run.stderr).toBe(3);
    expect(run.stdout).toContain("no problem graded, 2 not attempted (2 endpoint-unreachable)");
    expect(run.stderr).toMatch(/\[\d\/2\] add-01: not attempted, model endpoint unreachable \(.*127\.0\.0\.1:\d+\/v1.*connection refused/);
    expect(run.stderr).toMatch(/sstar eval: incomplete: 2 of 2 problems \(100%\) could not be attempted, more than the allowed 10%: 2 model endpoint unreachable/);
    const written = parseEvalResults(JSON.parse(await readFile(out, "utf8")), out);
    expect(written.problems.map((p) => [p.id, p.outcome, p.notAttempted?.cause])).toEqual([
      ["add-01", "not-attempted", "endpoint-unreachable"],
      ["add-02", "not-attempted", "endpoint-unreachable"],
    ]);

    // Yesterday's good run on the same problems.
    const ids = [problemId(1), problemId(2)];
    const baseline = join(dir, "baseline.json");
    await writeFile(baseline, JSON.stringify(results(ids.map((id) => problem({ id })), config(ids))));
    const summary = join(dir, "summary.md");
    const cmp = await cli(["compare", out, "--baseline", baseline, "--summary", summary]);
    expect(cmp.exitCode, cmp.stderr).toBe(3);
    expect(cmp.stderr).toMatch(/^sstar compare: incomplete \(no problem graded in both runs\)\. Incomplete: 2 of 2 problems \(100%\) could not be attempted/);
    expect(cmp.stderr).toContain("Not attempted: add-01, add-02.");
    expect(cmp.stderr).not.toMatch(/regression \(|Newly failing/);
    const md = await readFile(summary, "utf8");
    expect(md).toMatch(/^## sstar evaluation: ⚠️ run incomplete/);
    expect(md).toContain("### Newly failing (0)");
    expect(md).not.toContain("❌");
  }, 120_000);
});
