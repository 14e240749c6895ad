// `sstar solve --model local:<tiny.gguf>` through the real CLI: the whole S* pipeline on a real
// model run in-process by node-llama-cpp. The tiny model has random weights, so a grammar (given
// to the server through SSTAR_LOCAL_GRAMMAR, in this test only) restricts every answer to one of
// three programs: two correct ones and one that fails the public test. S* must select a correct
// one, which `sstar grade` then passes on the hidden tests. Also: no key, no base URL, no model
// means the local model, said in one line; a corrupt model file fails the problem with one line.
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { INSTALL_TIMEOUT_MS, testRuntime, tinyModel } from "../fixtures/local-model.ts";

const SPEC = `id: double
title: Double it
statement: Read an integer n and print 2n.
tests:
  public:
    - input: "3\\n"
      output: "6\\n"
  hidden:
    - input: "10\\n"
      output: "20\\n"
    - input: "-4\\n"
      output: "-8\\n"
`;

// Every answer is a Python block holding one of these (the last fails the public test: 3 + 2 = 5).
const GRAMMAR = String.raw`root ::= "` + "```python\\n" + String.raw`" program "\n` + "```" + String.raw`"
program ::= "print(2 * int(input()))" | "n = int(input())\nprint(n + n)" | "print(int(input()) + 2)"
`;

let dir: string;
let model: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "sstar-solve-local-"));
  await testRuntime();
  model = await tinyModel(dir);
  await writeFile(join(dir, "double.yaml"), SPEC);
  await writeFile(join(dir, "programs.gbnf"), GRAMMAR);
}, INSTALL_TIMEOUT_MS);
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const sstar = (args: string[], env: Record<string, string> = {}) =>
  execa("npx", ["tsx", "src/cli/main.ts", ...args], { reject: false, env: { OPENAI_API_KEY: "", OPENAI_BASE_URL: "", SSTAR_MODEL: "", ...env } });

describe("sstar solve on a local model", () => {
  it("runs S* on the in-process model and selects a program that passes the hidden tests", { timeout: 2 * INSTALL_TIMEOUT_MS }, async () => {
    const out = join(dir, "out");
    const r = await sstar([
      "solve", join(dir, "double.yaml"), "--model", `local:${model}`, "--samples", "4", "--rounds", "1", "--out", out, "--no-cache", "--json", "--sandbox", "none",
    ], { SSTAR_LOCAL_GRAMMAR: join(dir, "programs.gbnf") });
    expect(r.stderr).toContain(`model: local:${model}, run on this machine`);
    expect(r.exitCode, r.stderr).toBe(0);
    const report = JSON.parse(await readFile(join(out, "double", "report.json"), "utf8"));
    expect(report.status).toBe("solved");
    expect(report.settings).toMatchObject({ model: `local:${model}` });
    // The model really ran: its usage is the server's token counts, the prompt reused across samples.
    expect(report.usage.total.promptTokens).toBeGreaterThan(0);
    expect(report.usage.total.completionTokens).toBeGreaterThan(0);
    const solution = await readFile(join(out, "double", "solution.py"), "utf8");
    expect(["print(2 * int(input()))\n", "n = int(input())\nprint(n + n)\n"]).toContain(solution);
    const graded = await sstar(["grade", join(dir, "double.yaml"), join(out, "double", "solution.py"), "--tests", "hidden", "--sandbox", "none"]);
    expect(graded.stdout).toMatch(/PASS, all 2 tests passed \(hidden\)/);
  });

  it("a corrupt model file fails the problem with one line naming it; the run ends normally", { timeout: 2 * INSTALL_TIMEOUT_MS }, async () => {
    const corrupt = join(dir, "corrupt.gguf");
    await writeFile(corrupt, Buffer.concat([Buffer.from("GGUF"), Buffer.alloc(64, 7)]));
    const out = join(dir, "out-corrupt");
    const r = await sstar(["solve", join(dir, "double.yaml"), "--model", `local:${corrupt}`, "--samples", "2", "--rounds", "0", "--out", out, "--no-cache", "--sandbox", "none"]);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`local model ${corrupt.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}: could not be loaded: [^\\n]+; check the file`));
    const report = JSON.parse(await readFile(join(out, "double", "report.json"), "utf8"));
    expect(report.status).not.toBe("solved");
  });

  it("with no key, no base URL and no model, says in one line that it uses the local model", async () => {
    // A model path that does not exist: the line comes first, then the one-line failure (no download).
    const r = await sstar(["solve", join(dir, "double.yaml"), "--out", join(dir, "out-none")], { SSTAR_LOCAL_DIR: join(dir, "no-cache"), HF_ENDPOINT: "http://127.0.0.1:9" });
    expect(r.stderr).toMatch(/sstar solve: no API key and no base URL set: using the local model: local:hf:Qwen\/Qwen2.5-Coder-1.5B-Instruct-GGUF\/qwen2.5-coder-1.5b-instruct-q4_k_m.gguf, about 1.1 GB, run on this machine \(cached in .*no-cache\)/);
    expect(r.exitCode).toBe(2);
  }, INSTALL_TIMEOUT_MS);
});
