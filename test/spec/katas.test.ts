// The example katas' expected outputs are checked by running the reference solutions kept in
// test/fixtures/solutions/ (not in problems/, where a model could see them).
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { describe, expect, it } from "vitest";
import { loadSpecs, type ProblemSpec, type TestCase } from "../../src/spec/index.ts";
import { resolvePython } from "../../src/spec/importers/python.ts";

const SOLUTIONS = "test/fixtures/solutions";

function tokensEqual(a: string, b: string): boolean {
  return a.split(/\s+/).filter(Boolean).join(" ") === b.split(/\s+/).filter(Boolean).join(" ");
}

function floatsClose(expected: string, actual: string, abs: number, rel: number): boolean {
  const e = expected.split(/\s+/).filter(Boolean);
  const a = actual.split(/\s+/).filter(Boolean);
  return e.length === a.length && e.every((x, i) => Math.abs(Number(x) - Number(a[i])) <= Math.max(abs, rel * Math.abs(Number(x))));
}

/** Custom checkers are called testlib-style, as src/sandbox/grade.ts does: INPUT OUTPUT ANSWER. */
async function judge(python: string, spec: ProblemSpec, t: TestCase, actual: string): Promise<boolean> {
  const c = spec.checker;
  if (c.kind === "tokens") return tokensEqual(t.output ?? "", actual);
  if (c.kind === "float") return floatsClose(t.output ?? "", actual, c.absolute, c.relative);
  if (c.kind !== "custom") throw new Error(`no judge for ${c.kind}`);
  const dir = mkdtempSync(join(tmpdir(), "kata-"));
  try {
    writeFileSync(join(dir, "checker.py"), c.program);
    writeFileSync(join(dir, "in"), t.input);
    writeFileSync(join(dir, "exp"), t.output ?? "");
    writeFileSync(join(dir, "act"), actual);
    const r = await execa(python, [join(dir, "checker.py"), join(dir, "in"), join(dir, "act"), join(dir, "exp")], { reject: false });
    return r.exitCode === 0;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe("example katas in problems/", async () => {
  const { specs, errors } = await loadSpecs(["problems"]);
  it("load without errors, with public and hidden tests, covering stdio, function, float and multiple answers", () => {
    expect(errors).toEqual([]);
    expect(specs.length).toBeGreaterThanOrEqual(4);
    for (const s of specs) {
      expect(s.tests.public.length).toBeGreaterThan(0);
      expect(s.tests.hidden.length).toBeGreaterThan(0);
    }
    expect(specs.some((s) => s.io.kind === "stdio")).toBe(true);
    expect(specs.some((s) => s.io.kind === "function")).toBe(true);
    expect(specs.some((s) => s.checker.kind === "float")).toBe(true);
    expect(specs.some((s) => s.multipleAnswers && s.checker.kind === "custom")).toBe(true);
  });

  it.each(specs.map((s) => [s.id, s] as const))("%s: the reference solution passes every test", async (_id, spec) => {
    const python = await resolvePython();
    const file = join(SOLUTIONS, `${spec.id}.py`);
    for (const t of [...spec.tests.public, ...spec.tests.hidden]) {
      if (spec.io.kind === "stdio") {
        const r = await execa(python, [file], { input: t.input, timeout: 30_000 });
        expect(await judge(python, spec, t, r.stdout), `${spec.id} ${t.name}`).toBe(true);
      } else {
        const call = `import json, sys\nns = {}\nexec(open(sys.argv[1]).read(), ns)\nprint(json.dumps(ns[sys.argv[2]](*json.loads(sys.stdin.read()))))`;
        const r = await execa(python, ["-c", call, file, spec.io.name], { input: t.input, timeout: 30_000 });
        expect(JSON.parse(r.stdout), `${spec.id} ${t.name}`).toEqual(JSON.parse(t.output ?? "null"));
      }
    }
  });

  it("the custom checker rejects a wrong pair", async () => {
    const python = await resolvePython();
    const spec = specs.find((s) => s.id === "pair-sum-indices");
    const t = spec?.tests.public[0];
    expect(spec && t && (await judge(python, spec, t, "2 3\n"))).toBe(false);
    expect(spec && t && (await judge(python, spec, t, "1 2\n"))).toBe(true);
  });
});
