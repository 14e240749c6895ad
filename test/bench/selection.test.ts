// bench:selection on a 2-task pool (HumanEval/38, whose test calls the prompt's helper
// encode_cyclic, and HumanEval/2): it measures when the canonical solutions pass its grading, and
// stops loudly, caching nothing, when they fail.
import { execFile } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { RUNNER, runJob } from "../../bench/selection/exec.ts";

const root = fileURLToPath(new URL("../..", import.meta.url));
const fixtures = join(root, "test/fixtures/bench");
const scratch = mkdtempSync(join(root, "test/bench/.scratch-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

async function bench(problems: string, cacheDir: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const args = [
    join(root, "node_modules/tsx/dist/cli.mjs"),
    join(root, "bench/selection.ts"),
    "--datasets", "humaneval",
    "--pool", join(fixtures, "pool-2.jsonl"),
    "--problems", join(fixtures, problems),
    "--cache-dir", cacheDir,
    "--samples", "4",
    "--draws", "3",
    "--strategies", "first,majority,sstar",
    "--judge-accuracy", "0.8",
  ];
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, args, { cwd: root });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

describe("bench:selection grading", () => {
  it("measures a pool whose canonical solutions pass (helpers in the test's namespace)", async () => {
    const cache = join(scratch, "good");
    const run = await bench("humaneval-2.jsonl", cache);
    expect(run.code, run.stderr).toBe(0);
    const oracle = /\| humaneval \| oracle[^|]*\| - \| ([\d.]+)/.exec(run.stdout);
    expect(Number(oracle?.[1])).toBeGreaterThan(0);
    const sstar = /\| humaneval \| sstar \| 0\.8 \| ([\d.]+)/.exec(run.stdout);
    expect(Number(sstar?.[1])).toBeGreaterThan(0);
    expect(run.stdout).toContain("sstar − majority");
    expect(readdirSync(cache).some((f) => f.startsWith("humaneval-canonical-"))).toBe(true);
  });

  it("fails loudly, with one line and nothing cached, when the canonical solutions fail", async () => {
    const cache = join(scratch, "broken");
    const run = await bench("humaneval-2-broken.jsonl", cache);
    expect(run.code).not.toBe(0);
    const lines = run.stderr.trim().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^bench:selection: 2 of 2 humaneval canonical solutions fail the benchmark's own grading/);
    expect(run.stdout).toBe("");
    expect(existsSync(cache) ? readdirSync(cache) : []).toEqual([]);
  });

  it("runs a runner that lives under /tmp, which the sandbox replaces with an empty directory", async () => {
    const dir = mkdtempSync("/tmp/sstar-bench-runner-");
    try {
      const runner = join(dir, "runner.py");
      copyFileSync(RUNNER, runner);
      const [r] = await runJob(
        { mode: "call", entry: "f", programs: ["def f(x):\n    return x + 1\n"], inputs: ["1"], checks: [[0, "2"]], test: "def check(c):\n    assert c(1) == 2\n", timeout: 1 },
        runner,
      );
      expect(r).toMatchObject({ cells: [[true, "2"]], checks: "1", graded: true });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("limits grading by CPU time and reports the CPU time taken", async () => {
    mkdirSync(scratch, { recursive: true });
    const spin = "def f():\n    import time\n    t = time.process_time()\n    while time.process_time() - t < LIMIT: pass\n    return 1\n";
    const job = (limit: number) => ({
      mode: "call" as const,
      entry: "f",
      programs: [spin.replace("LIMIT", String(limit))],
      inputs: [],
      checks: [],
      test: "def check(c):\n    assert c() == 1\n",
      grade_timeout: 0.5,
      timeout: 1,
    });
    const [fast] = await runJob(job(0.1));
    expect(fast!.graded).toBe(true);
    expect(fast!.grade_cpu).toBeGreaterThanOrEqual(0.1);
    const [slow] = await runJob(job(2));
    expect(slow).toMatchObject({ graded: false, grade_note: "timeout" });
  });
});
