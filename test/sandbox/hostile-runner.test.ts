// Hostile programs against the runner and the host around it: descriptors sstar's parent left open,
// two sstar processes on one host, and the whole-run memory cases again under a CPU hog.
import { randomBytes } from "node:crypto";
import { availableParallelism, tmpdir } from "node:os";
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSandbox, type PooledSandbox } from "../../src/sandbox/index.ts";
import { memoryCases } from "./hostile-memory.ts";

const ROOT = resolve(import.meta.dirname, "../..");
const MARKER = `sstar-hostile-runner-${randomBytes(6).toString("hex")}`;
const dir = mkdtempSync(join(tmpdir(), "sstar-hostile-runner-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("descriptors sstar's parent left open", () => {
  // A CI agent or wrapper script that opened files without close-on-exec: Node's spawn and bwrap
  // pass such descriptors on; the runner must close them before the program starts.
  const secret = `secret-${randomBytes(8).toString("hex")}`;
  const spec = `id: fds
title: Descriptors
statement: Print closed twice.
limits: { timeMs: 2000, memoryMb: 256 }
tests:
  public:
    - { input: "", output: "closed closed\\n" }
`;
  const program = `import os
seen = []
for fd, act in ((30, lambda: os.read(30, 200).decode()), (31, lambda: os.write(31, b"planted") and "wrote")):
    try:
        seen.append(act())
    except OSError:
        seen.append("closed")
print(" ".join(seen))
`;
  it.each(["stdio", "function"])("a %s program can't read or write descriptors 30 and 31", async (kind) => {
    const secretFile = join(dir, `secret-${kind}`);
    const appended = join(dir, `appended-${kind}`);
    writeFileSync(secretFile, secret, { mode: 0o600 });
    writeFileSync(appended, "", { mode: 0o600 });
    chmodSync(secretFile, 0o600);
    const specText = kind === "stdio" ? spec : spec.replace("statement:", "io: { kind: function, name: f }\nstatement:").replace('{ input: "", output: "closed closed\\n" }', '{ input: "[]", output: "\\"closed closed\\"" }');
    writeFileSync(join(dir, `${kind}.yaml`), specText);
    writeFileSync(join(dir, `${kind}.py`), kind === "stdio" ? program : `def f():\n${program.replace(/^/gm, "    ").replace("    print(\" \".join(seen))", "    return \" \".join(seen)")}`);
    const cli = `exec 30<'${secretFile}' 31>>'${appended}'; exec '${join(ROOT, "node_modules/.bin/tsx")}' '${join(ROOT, "src/cli/main.ts")}' grade ${kind}.yaml ${kind}.py`;
    const r = await execa("bash", ["-c", cli], { cwd: dir, reject: false });
    expect(`${r.stdout}${r.stderr}`).not.toContain(secret);
    expect(readFileSync(appended, "utf8")).toBe("");
    expect(r.stdout, r.stderr).toContain("PASS");
  });
});

describe("two sstar processes on one host", () => {
  let a: PooledSandbox;
  let b: PooledSandbox;
  beforeAll(async () => {
    a = await createSandbox({ workers: 1 });
    b = await createSandbox({ workers: 1 });
  });
  afterAll(async () => {
    await a.close();
    await b.close();
  });

  it("never share a uid or a process count: a fork bomb in one doesn't starve threads in the other", async () => {
    const limits = { timeMs: 4000, memoryMb: 256, processes: 16 };
    const bomb = a.run({
      program: { language: "python", code: `# ${MARKER}\nimport os, time\nfor i in range(40):\n    try:\n        if os.fork() == 0:\n            time.sleep(4); os._exit(0)\n    except OSError:\n        break\nprint(os.getuid(), flush=True)\ntime.sleep(4)` },
      io: { kind: "stdio" },
      input: "",
      limits,
    });
    await new Promise((r) => setTimeout(r, 1500));
    const honest = await b.run({
      program: { language: "python", code: `import os, threading\nts = [threading.Thread(target=lambda: None) for _ in range(8)]\nfor t in ts: t.start()\nfor t in ts: t.join()\nprint(os.getuid(), "eight threads")` },
      io: { kind: "stdio" },
      input: "",
      limits,
    });
    const bombed = await bomb;
    expect(honest.status, honest.stderrTail).toBe("ok");
    expect(honest.output).toContain("eight threads");
    if (process.getuid?.() === 0) expect(honest.output.split(" ")[0]).not.toBe(bombed.output.trim());
  });
});

describe("the whole-run memory cases under a CPU hog (a test of the test)", () => {
  // In a child pinned to one CPU with two spinning processes (test/sandbox/under-load.ts), so the
  // load falls on the runner's sampler and not on the rest of the suite's timing.
  it("every case is memory-limit without a cgroup on a loaded CPU", async () => {
    const cpu = String(Math.max(0, availableParallelism() - 1));
    const r = await execa("taskset", ["-c", cpu, join(ROOT, "node_modules/.bin/tsx"), join(ROOT, "test/sandbox/under-load.ts"), MARKER], { reject: false, cwd: ROOT });
    expect(r.exitCode, r.stderr).toBe(0);
    const verdicts = JSON.parse(r.stdout.trim().split("\n").pop() ?? "[]") as { name: string; status: string; detail: string }[];
    expect(verdicts.map((v) => v.name)).toEqual(memoryCases.map((c) => c.name));
    for (const v of verdicts) expect(v, v.detail).toMatchObject({ status: "memory-limit" });
  });
});
