// The nightly check on this repository's own 5 problems (problems/*.yaml), through the CLI with the
// real engine, sandbox and model client over HTTP: a scripted model serves each problem's reference
// solution (test/fixtures/solutions), or a wrong program for the problems marked broken. Five
// problems are below the 6 McNemar's test needs at alpha 0.05, so the per-problem rule decides:
// the same run twice is "no regression", one problem broken (and broken again on its --confirm
// retry) is "regression" naming it, and an outage is still "incomplete" (exit 3).
import { execa } from "execa";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SYSTEM_PROMPTS } from "../../src/engine/prompts.ts";
import { loadSpecs } from "../../src/spec/index.ts";
import type { ProblemSpec } from "../../src/spec/schema.ts";
import { startScriptedChatServer, type ScriptedChatServer, type ScriptRequest } from "../fixtures/chat-server.ts";
import { closedPort } from "./helpers.ts";
import { ONE_CALL } from "./nightly-fixture.ts";

const MAIN = join(process.cwd(), "src/cli/main.ts");
const PROBLEMS = join(process.cwd(), "problems");
let specs: ProblemSpec[];
let server: ScriptedChatServer;
let dir: string;
const broken = new Set<string>();
const solutions = new Map<string, string>();

beforeAll(async () => {
  specs = (await loadSpecs([PROBLEMS])).specs;
  for (const s of specs) solutions.set(s.id, await readFile(join(process.cwd(), "test/fixtures/solutions", `${s.id}.py`), "utf8"));
  const reply = (req: ScriptRequest) => {
    const spec = specs.find((s) => req.text.includes(s.statement.slice(0, 80)));
    if (spec === undefined || req.system !== SYSTEM_PROMPTS.generate) return { fault: "status" as const, status: 400, body: { error: { message: "no scripted answer" } } };
    // The wrong program: runs, prints something, and fails the hidden tests.
    const code = broken.has(spec.id) ? (spec.io.kind === "stdio" ? "print(0)" : `def ${spec.io.kind === "function" ? spec.io.name : "f"}(*args):\n    return None`) : solutions.get(spec.id)!;
    return "```python\n" + code + "\n```";
  };
  server = await startScriptedChatServer([{ name: "model", reply }]);
  dir = await mkdtemp(join(tmpdir(), "sstar-katas-"));
});

afterAll(async () => {
  await server?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

function cli(args: string[]) {
  return execa(process.execPath, ["--import", "tsx", MAIN, ...args], { reject: false, env: { OPENAI_API_KEY: "test-key", GITHUB_STEP_SUMMARY: "" } });
}
const evalArgs = (out: string, url: string, ...extra: string[]) => ["eval", PROBLEMS, "--out", out, "--base-url", url, "--model", "scripted", ...ONE_CALL, "--problem-concurrency", "5", "--no-cache", ...extra];

describe("the nightly check on the repository's 5 problems", () => {
  it("the same run twice: no regression; one problem broken: regression after confirmation, named; an outage: incomplete", async () => {
    expect(specs.map((s) => s.id)).toHaveLength(5);
    broken.clear();
    const base = join(dir, "baseline.json");
    const good = await cli(evalArgs(base, server.url));
    expect(good.exitCode, good.stderr).toBe(0);
    expect(good.stdout).toContain("5/5 graded solved on hidden tests (100.0%), 95% interval 56.6–100.0%");

    const again = join(dir, "again.json");
    expect((await cli(evalArgs(again, server.url, "--confirm", "1", "--baseline", base))).exitCode).toBe(0);
    const same = await cli(["compare", again, "--baseline", base, "--summary", join(dir, "same.md")]);
    expect(same.exitCode, same.stderr).toBe(0);
    expect(same.stderr).toContain("sstar compare: no-regression (p = 1). No regression: no problem that passed in the baseline fails now (5 problems graded in both runs, too few to test statistically; decided problem by problem).");
    expect(same.stderr).toContain("Decided by the per-problem rule: only 5 problems are graded in both runs, too few to test statistically");
    expect(same.stderr).not.toContain("ncomplete");

    broken.add("polygon-area");
    const worse = join(dir, "worse.json");
    const bad = await cli(evalArgs(worse, server.url, "--confirm", "1", "--baseline", base));
    expect(bad.exitCode, bad.stderr).toBe(0);
    expect(bad.stderr).toContain("confirm polygon-area: failed on 1 retry too");
    const cmp = await cli(["compare", worse, "--baseline", base, "--summary", join(dir, "worse.md")]);
    expect(cmp.exitCode, cmp.stderr).toBe(1);
    expect(cmp.stderr).toMatch(/^sstar compare: regression \(p = 1\)\. Regression: 1 problem passed in the baseline and fails now: polygon-area \(before passes: hidden \d+\/\d+ passed; now fails: hidden \d+\/\d+ passed \(.*wrong-answer\), and on 1 retry\)/);
    expect(cmp.stderr).toContain("Newly failing: polygon-area.");
    const md = await readFile(join(dir, "worse.md"), "utf8");
    expect(md).toContain("## sstar evaluation: ❌ regression");
    expect(md).toContain("**Decided by**: the per-problem rule");

    const down = join(dir, "down.json");
    const outage = await cli(evalArgs(down, `http://127.0.0.1:${await closedPort()}/v1`));
    expect(outage.exitCode, outage.stderr).toBe(3);
    const inc = await cli(["compare", down, "--baseline", base, "--summary", join(dir, "down.md")]);
    expect(inc.exitCode, inc.stderr).toBe(3);
    expect(inc.stderr).toMatch(/^sstar compare: incomplete \(no problem graded in both runs\)\. Incomplete: 5 of 5 problems \(100%\) could not be attempted, more than the allowed 10%: 5 model endpoint unreachable/);
  }, 240_000);
});
