// docs/action.md's "Running it locally" command, run exactly as written (the shell block is read
// from the document) in a folder laid out like a clone, against a local model.
import { cp, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { afterAll, describe, expect, it } from "vitest";
import { SYSTEM_PROMPTS } from "../../src/engine/prompts.ts";
import { startScriptedChatServer } from "../fixtures/chat-server.ts";
import { parseOutputFile, ROOT } from "./harness.ts";

const cleanup: string[] = [];
afterAll(async () => {
  for (const dir of cleanup) await rm(dir, { recursive: true, force: true });
});

/** The shell block that follows "Without the tool" in docs/action.md. */
async function docsRecipe(): Promise<string> {
  const doc = await readFile(join(ROOT, "docs/action.md"), "utf8");
  const after = doc.slice(doc.indexOf("Without the tool, the entry point runs"));
  const block = /```sh\n([\s\S]*?)```/.exec(after)?.[1];
  if (block === undefined) throw new Error("docs/action.md: no sh block after \"Without the tool\"");
  return block;
}

const SHOELACE = "n = int(input())\npts = [tuple(map(int, input().split())) for _ in range(n)]\ns = sum(pts[i][0] * pts[(i + 1) % n][1] - pts[(i + 1) % n][0] * pts[i][1] for i in range(n))\nprint(f'{abs(s) / 2:.6f}')";

describe("docs/action.md: running the entry point locally", () => {
  it("the documented command runs as written and solves the spec", async () => {
    const clone = await mkdtemp(join(tmpdir(), "sstar-recipe-"));
    cleanup.push(clone);
    // A clone's layout: the spec and the event file copied, the code and its modules linked.
    await mkdir(join(clone, "problems"));
    await cp(join(ROOT, "problems/polygon-area.yaml"), join(clone, "problems/polygon-area.yaml"));
    await cp(join(ROOT, "problems/polygon-area"), join(clone, "problems/polygon-area"), { recursive: true });
    await mkdir(join(clone, "test/fixtures/events"), { recursive: true });
    await cp(join(ROOT, "test/fixtures/events/workflow_dispatch.json"), join(clone, "test/fixtures/events/workflow_dispatch.json"));
    for (const name of ["src", "node_modules", "package.json", "tsconfig.json"]) await symlink(join(ROOT, name), join(clone, name));
    const chat = await startScriptedChatServer([
      { name: "synthesize", system: SYSTEM_PROMPTS.synthesize, reply: `\`\`\`json\n${JSON.stringify(["3\n0 0\n2 0\n0 2\n"])}\n\`\`\`` },
      { name: "generate", system: SYSTEM_PROMPTS.generate, reply: `\`\`\`python\n${SHOELACE}\n\`\`\`\n` },
      { name: "judge", system: SYSTEM_PROMPTS.judge, reply: "ANSWER: 1" },
    ]);
    try {
      const outputFile = join(clone, "github-output");
      const env: Record<string, string> = { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? clone, OPENAI_BASE_URL: chat.url, OPENAI_API_KEY: "sk-local-recipe-key", GITHUB_OUTPUT: outputFile };
      await writeFile(outputFile, "");
      const run = await execa("bash", ["--norc", "--noprofile", "-eo", "pipefail", "-c", await docsRecipe()], { cwd: clone, env, extendEnv: false, reject: false, timeout: 240_000 });
      expect(run.exitCode, `${run.stdout}\n${run.stderr}`).toBe(0);
      const outputs = parseOutputFile(await readFile(outputFile, "utf8"));
      expect(outputs.solved).toBe("true");
      expect(outputs["selected-path"]).toBe("solutions/polygon-area.py");
      const report = JSON.parse(await readFile(join(clone, "sstar-result/reports/spec-polygon-area.json"), "utf8")) as { status: string };
      expect(report.status).toBe("solved");
      expect(chat.count("generate")).toBeGreaterThan(0);
    } finally {
      await chat.close();
    }
  }, 300_000);
});
