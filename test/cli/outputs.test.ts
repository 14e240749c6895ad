// Every path a command will write is checked before any model call (exit 2, one line naming the
// flag), and a write that still fails after the work keeps the finished files elsewhere and says
// where. Through the real CLI, against the scripted chat-completions server.
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SYSTEM_PROMPTS } from "../../src/engine/prompts.ts";
import { startScriptedChatServer, type ScriptedChatServer } from "../fixtures/chat-server.ts";

const SPEC = `id: double
title: Double it
statement: Read an integer n and print 2n.
tests:
  public:
    - input: "3\\n"
      output: "6\\n"
  hidden:
    - input: "4\\n"
      output: "8\\n"
`;

let dir: string;
let server: ScriptedChatServer;
/** A regular file: any path under it can't be a folder (ENOTDIR). */
let aFile: string;
/** Set by a test: run when the first generate request arrives (the work has started). */
let onGenerate: (() => Promise<void>) | undefined;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "sstar-outputs-"));
  await writeFile(join(dir, "double.yaml"), SPEC);
  aFile = join(dir, "a-file");
  await writeFile(aFile, "not a folder\n");
  server = await startScriptedChatServer([
    { system: SYSTEM_PROMPTS.synthesize, reply: '```json\n["0", "-5", "7"]\n```' },
    {
      system: SYSTEM_PROMPTS.generate,
      reply: async () => {
        const hook = onGenerate;
        onGenerate = undefined;
        await hook?.();
        return "```python\nprint(2 * int(input()))\n```";
      },
    },
    { system: SYSTEM_PROMPTS.judge, reply: "ANSWER: TIE" },
  ]);
});
afterAll(async () => {
  await server?.close();
  await rm(dir, { recursive: true, force: true });
});

const cli = (args: string[]) => execa("npx", ["tsx", "src/cli/main.ts", ...args], { reject: false, env: { OPENAI_API_KEY: "", SSTAR_MODEL: "" } });
const model = () => ["--base-url", server.url, "--model", "m", "--no-cache", "--samples", "2", "--rounds", "0"];

describe("output paths are checked before any model call", () => {
  it.each([
    ["solve --out", () => ["solve", join(dir, "double.yaml"), ...model(), "--out", join(aFile, "out")], /^sstar solve: --out \S+a-file\/out: can't write there \(ENOTDIR: .*\); pass --out a folder you can write$/],
    ["solve --record", () => ["solve", join(dir, "double.yaml"), ...model(), "--out", join(dir, "ok"), "--record", join(aFile, "c.jsonl")], /^sstar solve: --record \S+a-file\/c\.jsonl: can't write there \((ENOTDIR|EEXIST): .*\); pass --record a file you can write$/],
    ["eval --out (a folder)", () => ["eval", join(dir, "double.yaml"), ...model(), "--out", dir], /^sstar eval: --out \S+: can't write there \(it is a folder; give a file name\); pass --out a file you can write$/],
    ["import --out", () => ["import", "humaneval", join(dir, "double.yaml"), "--out", join(aFile, "specs")], /^sstar import: --out \S+a-file\/specs: can't write there \(ENOTDIR: .*\); pass --out a folder you can write$/],
    ["demo --out", () => ["demo", "--tasks", "HumanEval/0", "--out", join(aFile, "demo")], /^sstar demo: --out \S+a-file\/demo: can't write there \(ENOTDIR: .*\); pass --out a folder you can write$/],
  ])("%s: exit 2, one line, no model call", async (_name, args, line) => {
    const before = server.chatRequests.length;
    const r = await cli(args());
    expect(r.exitCode, r.stderr).toBe(2);
    const lines = r.stderr.split("\n").filter((l) => l.startsWith("sstar "));
    expect(lines, r.stderr).toHaveLength(1);
    expect(lines[0]).toMatch(line);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(server.chatRequests.length).toBe(before);
  });

  it("solve: a write that fails after the work keeps the files in a temporary folder and says where", async () => {
    const out = join(dir, "vanishing");
    // Passes the check, then (once the model is working) becomes a file, so the write fails.
    onGenerate = async () => {
      await rm(out, { recursive: true, force: true });
      await writeFile(out, "in the way\n");
    };
    const r = await cli(["solve", join(dir, "double.yaml"), ...model(), "--out", out]);
    expect(r.exitCode, r.stderr).toBe(0);
    const said = /^sstar solve: can't write \S+vanishing\/double \((ENOTDIR|EEXIST)[^)]*\); double's files are in (\S+)$/m.exec(r.stderr);
    expect(said, r.stderr).not.toBeNull();
    const rescued = said![2]!;
    expect(JSON.parse(await readFile(join(rescued, "report.json"), "utf8")).status).toBe("solved");
    expect(await readFile(join(rescued, "solution.py"), "utf8")).toContain("print(2 * int(input()))");
    expect(r.stdout).toContain(`wrote ${rescued}/`);
    await rm(join(rescued, ".."), { recursive: true, force: true });
  });
});

describe("the action's result-dir is checked before any model call", () => {
  it("fails the step in one line naming the input", async () => {
    const { runEntry, EVENTS } = await import("../action/harness.ts");
    const { makeRepoPair } = await import("../github/helpers.ts");
    const { absValueYaml } = await import("../fixtures/abs-value.ts");
    const p = await makeRepoPair({ "problems/abs-value.yaml": absValueYaml() });
    try {
      await mkdir(join(p.work, "blocked"), { recursive: true });
      await writeFile(join(p.work, "blocked", "file"), "x\n");
      const before = server.chatRequests.length;
      const run = await runEntry({
        eventName: "workflow_dispatch",
        eventFile: join(EVENTS, "workflow_dispatch.json"),
        workspace: p.work,
        apiUrl: "http://127.0.0.1:9",
        inputs: { mode: "solve", "base-url": server.url, model: "m", samples: "2", rounds: "0", "result-dir": "blocked/file/result" },
      });
      expect(run.exitCode, run.visible).toBe(1);
      const errors = run.stdout.split("\n").filter((l) => l.startsWith("::error"));
      expect(errors).toEqual([expect.stringMatching(/^::error::input "result-dir" blocked\/file\/result: can't write there \(ENOTDIR: .*\); set result-dir to a folder in the workspace the job can write$/)]);
      expect(server.chatRequests.length).toBe(before);
    } finally {
      await rm(p.root, { recursive: true, force: true });
    }
  }, 120_000);
});
