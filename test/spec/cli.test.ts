import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { afterAll, describe, expect, it } from "vitest";
import { problemSpecJsonSchemaText } from "../../src/spec/index.ts";
import { CODECONTESTS_FILE, CODECONTESTS_SUBSET_FILE, DEMO_DATA, HUMANEVAL_FILE, hasSharedData } from "../fixtures/shared-data.ts";

// The full shared files when they are beside the checkout, else the repository's small sets.
const CC = hasSharedData ? { file: CODECONTESTS_FILE, count: 97 } : { file: CODECONTESTS_SUBSET_FILE, count: 6 };
const HE = hasSharedData ? { file: HUMANEVAL_FILE, count: 164 } : { file: join(DEMO_DATA, "humaneval.jsonl"), count: 12 };

// tsx from node_modules runs on the node first on PATH (Node 24 under npm scripts and npx vitest).
const sstar = (...args: string[]) => execa("node_modules/.bin/tsx", ["src/cli/main.ts", ...args], { reject: false });
const out = mkdtempSync(join(tmpdir(), "sstar-import-"));
afterAll(() => rmSync(out, { recursive: true, force: true }));

describe("sstar validate", () => {
  it("accepts every example in problems/", async () => {
    const r = await sstar("validate", "problems");
    expect(r.exitCode).toBe(0);
    const lines = r.stdout.trim().split("\n");
    expect(lines.length).toBeGreaterThanOrEqual(4);
    for (const l of lines) expect(l).toMatch(/^ok problems\/[\w-]+\.yaml \([\w-]+\)$/);
  });
  it("prints one line per error and exits 1; --json gives the same as data", async () => {
    const r = await sstar("validate", "test/fixtures/specs/broken/bad-enum.yaml", "test/fixtures/specs/good/function.yaml");
    expect(r.exitCode).toBe(1);
    expect(r.stdout.trim().split("\n")).toEqual([
      "ok test/fixtures/specs/good/function.yaml (good-function)",
      'test/fixtures/specs/broken/bad-enum.yaml: language: expected one of "python", "javascript", "cpp", got "rust"',
    ]);
    expect(r.stderr).not.toMatch(/at .*\.ts:\d+/);
    const j = await sstar("validate", "--json", "test/fixtures/specs/broken/bad-enum.yaml");
    expect(j.exitCode).toBe(1);
    expect(JSON.parse(j.stdout)).toEqual({ ok: [], errors: [{ file: "test/fixtures/specs/broken/bad-enum.yaml", field: "language", message: 'expected one of "python", "javascript", "cpp", got "rust"' }] });
  });
});

describe("sstar import (the shared data sets, or the repository's excerpts of them)", () => {
  it(`writes ${CC.count} CodeContests specs that validate, then refuses to overwrite without --force`, async () => {
    const dir = join(out, "cc");
    const r = await sstar("import", "codecontests", CC.file, "--out", dir);
    expect(r.exitCode).toBe(0);
    expect(r.stdout.trim()).toBe(`wrote ${CC.count} specs to ${dir}, skipped 0`);
    const v = await sstar("validate", dir);
    expect(v.exitCode).toBe(0);
    expect(v.stdout.trim().split("\n")).toHaveLength(CC.count);
    const again = await sstar("import", "codecontests", CC.file, "--out", dir, "--limit", "2");
    expect(again.stdout.trim()).toBe(`wrote 0 specs to ${dir}, skipped 2`);
    expect(again.stderr).toContain("exists (use --force to overwrite)");
  });
  it(`writes ${HE.count} HumanEval specs`, async () => {
    const dir = join(out, "he");
    const r = await sstar("import", "humaneval", HE.file, "--out", dir);
    expect(r.exitCode).toBe(0);
    expect(r.stdout.trim()).toMatch(new RegExp(`^wrote ${HE.count} specs to ${dir} \\(\\d+ with public examples from the docstring\\), skipped 0$`));
    expect((await sstar("validate", dir)).exitCode).toBe(0);
  });
  it("rejects an unknown format and a bad --limit with one line", async () => {
    const r = await sstar("import", "apps", "x.jsonl", "--out", out);
    expect(r.exitCode).toBe(2);
    expect(r.stderr.trim()).toBe('sstar import: unknown format "apps": use one of codecontests, humaneval, livecodebench');
    const l = await sstar("import", "humaneval", "x.jsonl", "--out", out, "--limit", "0");
    expect(l.exitCode).not.toBe(0);
    expect(l.stderr).toContain("must be a whole number of at least 1");
  });
});

describe("schemas/problem-spec.schema.json", () => {
  it("equals a fresh generation (run `npm run schemas` when this fails)", () => {
    expect(readFileSync("schemas/problem-spec.schema.json", "utf8")).toBe(problemSpecJsonSchemaText());
  });
  it("is what the example specs point their editors at", () => {
    for (const f of ["bracket-depth", "polygon-area", "pair-sum-indices", "summarize-ranges", "top-k-words"]) {
      expect(readFileSync(`problems/${f}.yaml`, "utf8").split("\n")[0]).toBe("# yaml-language-server: $schema=../schemas/problem-spec.schema.json");
    }
  });
});
