// `sstar solve` through the real CLI entry point (a child process), against the scripted server.
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { exitCodeFor, summaryTable, type ProblemResult } from "../../src/cli/commands/solve.ts";
import { SYSTEM_PROMPTS } from "../../src/engine/prompts.ts";
import { startScriptedChatServer, type ScriptedChatServer } from "../fixtures/chat-server.ts";

const SPEC = `id: double
title: Double it
statement: Read an integer n and print 2n.
tests:
  public:
    - input: "3\\n"
      output: "6\\n"
`;

let dir: string;
let server: ScriptedChatServer;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "sstar-solve-"));
  await writeFile(join(dir, "double.yaml"), SPEC);
  server = await startScriptedChatServer([
    { system: SYSTEM_PROMPTS.synthesize, reply: '```json\n["0", "-5", "7"]\n```' },
    { system: SYSTEM_PROMPTS.generate, reply: "```python\nprint(2 * int(input()))\n```" },
    { system: SYSTEM_PROMPTS.judge, reply: "ANSWER: TIE" },
  ]);
});
afterAll(async () => {
  await server?.close();
  await rm(dir, { recursive: true, force: true });
});

const cli = (args: string[]) =>
  execa("npx", ["tsx", "src/cli/main.ts", "solve", ...args], { reject: false, env: { OPENAI_API_KEY: "", SSTAR_MODEL: "" } });

describe("sstar solve", () => {
  it("writes solution, report.json and report.md per problem and exits 0 when all are solved", async () => {
    const out = join(dir, "out");
    const r = await cli([join(dir, "double.yaml"), "--samples", "3", "--base-url", server.url, "--model", "m", "--out", out, "--no-cache", "--json"]);
    expect(r.stderr).toContain("double: solved, selected sample");
    expect(r.exitCode).toBe(0);
    const summary = JSON.parse(r.stdout) as { results: ProblemResult[] };
    expect(summary.results[0]).toMatchObject({ id: "double", status: "solved" });
    expect(await readFile(join(out, "double", "solution.py"), "utf8")).toBe("print(2 * int(input()))\n");
    const report = JSON.parse(await readFile(join(out, "double", "report.json"), "utf8"));
    expect(report.settings).toMatchObject({ samples: 3, model: "m", replay: false });
    expect(await readFile(join(out, "double", "report.md"), "utf8")).toContain("✅ solved");
  });

  it("exits 2 with one line for a usage or configuration error", async () => {
    const bad = await cli([join(dir, "double.yaml"), "--samples", "zero"]);
    expect(bad.exitCode).not.toBe(0);
    expect(bad.stderr).toContain("--samples must be a whole number");
    const noModel = await cli([join(dir, "double.yaml"), "--base-url", server.url]);
    expect(noModel.exitCode).toBe(2);
    expect(noModel.stderr).toMatch(/sstar solve: no model set/);
    const noSpec = await cli([join(dir, "missing.yaml"), "--base-url", server.url, "--model", "m"]);
    expect(noSpec.exitCode).toBe(2);
    expect(noSpec.stderr).toContain("missing.yaml: no such file or folder");
  });
});

describe("summary and exit code", () => {
  const row = (id: string, status: ProblemResult["status"]): ProblemResult => ({ id, status, selectedSample: 0, publicPassed: 1, publicTotal: 1, calls: 9, wallMs: 1500, dir: "x" });
  it("exit 0 only when every problem is solved", () => {
    expect(exitCodeFor([row("a", "solved")])).toBe(0);
    expect(exitCodeFor([row("a", "solved"), row("b", "unsolved")])).toBe(1);
    expect(exitCodeFor([])).toBe(1);
  });
  it("prints an aligned table with a total", () => {
    const t = summaryTable([row("a", "solved"), row("long-id", "error")]);
    expect(t.split("\n")[0]).toBe("problem  status  selected  public  calls  time");
    expect(t).toContain("long-id  error   0         1/1     9      1.5 s");
    expect(t).toContain("1 of 2 solved");
    expect(t).not.toContain("hidden");
    expect(summaryTable([{ ...row("a", "solved"), hidden: "3/5" }]).split("\n")[2]).toBe("a        solved  0         1/1     3/5     9      1.5 s");
  });
});
