// `sstar grade` and `sstar doctor`, run as a user would.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { execa } from "execa";
import { afterAll, describe, expect, it } from "vitest";
import { outcomeLine } from "../../src/cli/commands/grade.ts";

const ROOT = resolve(import.meta.dirname, "../..");
const dir = mkdtempSync(join(tmpdir(), "sstar-grade-cli-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const spec = `id: add
title: Add
statement: Print a + b.
limits: { timeMs: 2000, memoryMb: 256 }
tests:
  public:
    - { input: "1 2\\n", output: "3\\n" }
  hidden:
    - { name: big, input: "12345678901234567891 1\\n", output: "12345678901234567892\\n" }
    - { name: neg, input: "-4 1\\n", output: "-3\\n" }
`;
writeFileSync(join(dir, "add.yaml"), spec);
writeFileSync(join(dir, "good.py"), "print(sum(map(int, input().split())))\n");
writeFileSync(join(dir, "bad.js"), "const [a, b] = require('fs').readFileSync(0, 'utf8').split(' ').map(Number); console.log(a + b);\n");

const sstar = (...args: string[]) => execa(join(ROOT, "node_modules/.bin/tsx"), [join(ROOT, "src/cli/main.ts"), ...args], { reject: false, cwd: dir });

describe("sstar grade", () => {
  it("prints a verdict per test and a summary; exit 0 when all pass", async () => {
    const r = await sstar("grade", "add.yaml", "good.py");
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(/^ok {3}public-1: accepted \(\d+ ms, [\d.]+ MiB\)$/m);
    expect(r.stdout).toContain("add: PASS, all 3 tests passed (public and hidden)");
  });
  it("takes the language from the extension and exits 1 on failures; --json and --tests work", async () => {
    const r = await sstar("grade", "add.yaml", "bad.js", "--tests", "hidden", "--json");
    expect(r.exitCode).toBe(1);
    const out = JSON.parse(r.stdout) as { total: number; passed: number; outcomes: { test: string; verdict: string }[] };
    expect(out.total).toBe(2);
    // Number loses the last digits of the big sum: tokens compare integers exactly
    expect(out.outcomes.find((o) => o.test === "big")?.verdict).toBe("wrong-answer");
    expect(out.outcomes.find((o) => o.test === "neg")?.verdict).toBe("accepted");
    // A failing program is named as failing, with the failures counted first.
    const text = await sstar("grade", "add.yaml", "bad.js");
    expect(text.stdout).toContain("add: FAIL, 1 of 3 tests failed (1 wrong-answer), 2 passed (public and hidden)");
  });
  it("exit 2 with one clear line for a missing program", async () => {
    const r = await sstar("grade", "add.yaml", "missing.py");
    expect(r.exitCode).toBe(2);
    expect(r.stderr.trim()).toBe("sstar grade: missing.py: can't read the program (ENOENT)");
  });
  it("formats outcome lines", () => {
    expect(outcomeLine({ test: "t", verdict: "runtime-error", timeMs: 5, memoryKb: 2048, output: "", message: "exit code 1: boom\nmore" })).toBe("FAIL t: runtime-error (5 ms, 2.0 MiB): exit code 1: more");
  });
});

describe("sstar doctor", () => {
  it("reports backends, languages and limits", async () => {
    const r = await sstar("doctor", "--json");
    const out = JSON.parse(r.stdout) as { backends: { name: string; available: boolean }[]; interpreters: { language: string; available: boolean }[] };
    expect(out.backends.map((b) => b.name)).toEqual(["bwrap", "docker", "none"]);
    expect(out.interpreters.find((i) => i.language === "python")?.available).toBe(true);
    expect(r.exitCode).toBe(out.backends.some((b) => b.available && b.name !== "none") ? 0 : 1);
  });

  it("says how each limit is enforced, the seccomp filter included", async () => {
    const r = await sstar("doctor");
    expect(r.stdout).toMatch(/^Limits:$/m);
    expect(r.stdout).toMatch(/^ {2}time: CPU time/m);
    expect(r.stdout).toMatch(/^ {2}system calls: seccomp filter set by the runner/m);
  });
});
