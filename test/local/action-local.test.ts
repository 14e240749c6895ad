// One action run (mode: solve, through the real entry point) on `model: local:<tiny.gguf>`: the
// tiny random-weight model, scripted by a grammar given in this test only (SSTAR_LOCAL_GRAMMAR),
// writes one of three programs; S* keeps the ones that pass the public test and selects a correct
// one. A model file on disk needs no Actions cache: none is asked for.
import { cp, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { localCacheKey } from "../../src/action/local-model.ts";
import { startFakeGitHub } from "../fixtures/github-server.ts";
import { makeRepoPair } from "../github/helpers.ts";
import { EVENTS, runEntry } from "../action/harness.ts";
import { INSTALL_TIMEOUT_MS, testRuntime, tinyModel } from "../fixtures/local-model.ts";

const TOKEN = "ghs_localTOKEN0123456789";
const CORRECT = ["n = int(input())\nprint(abs(n))", "print(abs(int(input())))"];
// Fails the issue's public example (5 -> -5).
const WRONG = "print(-int(input()))";
const GRAMMAR = `root ::= "\`\`\`python\\n" program "\\n\`\`\`"\nprogram ::= ${[...CORRECT, WRONG].map((p) => JSON.stringify(p)).join(" | ")}\n`;

let dir: string;
let model: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "sstar-action-local-"));
  await testRuntime();
  model = await tinyModel(dir);
  await writeFile(join(dir, "programs.gbnf"), GRAMMAR);
}, INSTALL_TIMEOUT_MS);
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("the action on model: local", () => {
  it("solves an issue kata on the in-process model and selects a correct program", { timeout: 2 * INSTALL_TIMEOUT_MS }, async () => {
    const p = await makeRepoPair();
    const event = join(dir, "event.json");
    await cp(join(EVENTS, "issues-labeled.json"), event);
    const payload = JSON.parse(await readFile(event, "utf8")) as { issue: { title: string; body: string } };
    const gh = await startFakeGitHub({ token: TOKEN, collaborators: { maintainer: "triage" }, issues: [{ number: 7, title: payload.issue.title, body: payload.issue.body, labels: ["kata"] }] });
    try {
      const run = await runEntry({
        eventName: "issues",
        eventFile: event,
        workspace: p.work,
        apiUrl: gh.url,
        inputs: { mode: "solve", "github-token": TOKEN, model: `local:${model}`, samples: "4", rounds: "1" },
        env: { SSTAR_LOCAL_GRAMMAR: join(dir, "programs.gbnf") },
        timeoutMs: 2 * INSTALL_TIMEOUT_MS - 60_000,
      });
      expect(run.exitCode, run.visible).toBe(0);
      expect(run.visible).toContain(`model: local:${model}, run on this machine`);
      expect(run.outputs).toMatchObject({ solved: "true", "selected-path": "solutions/issue-7.py" });
      const report = JSON.parse(await readFile(join(run.outputs["report-path"]!, "reports", "issue-7.json"), "utf8"));
      expect(CORRECT).toContain(report.selected.code.trim());
      expect(report.usage.total.completionTokens).toBeGreaterThan(0);
    } finally {
      await gh.close();
      await rm(p.root, { recursive: true, force: true });
    }
  });

  it("keys the Actions cache by platform, library version and model", () => {
    expect(localCacheKey("local:hf:Qwen/Qwen2.5-Coder-1.5B-Instruct-GGUF/qwen2.5-coder-1.5b-instruct-q4_k_m.gguf", "linux-x64")).toMatch(/^sstar-local-linux-x64-node-llama-cpp-3\.21\.1-[0-9a-f]{16}$/);
    expect(localCacheKey("local:a.gguf", "linux-x64")).not.toBe(localCacheKey("local:b.gguf", "linux-x64"));
  });
});
