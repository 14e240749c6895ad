// The committed bundle is what GitHub runs (action.yml: dist/index.js): it starts, reads the
// event and the inputs, and sets every output. (`npm run check-dist` keeps it equal to src/.)
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { execa } from "execa";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { OUTPUT_NAMES } from "../../src/action/run.ts";
import { EVENTS, parseOutputFile, ROOT } from "./harness.ts";

describe("dist/index.js", () => {
  it("runs as the action and sets every output", async () => {
    const dir = await mkdtemp(join(tmpdir(), "sstar-dist-"));
    try {
      const output = join(dir, "output");
      await writeFile(output, "");
      const run = await execa(process.execPath, [join(ROOT, "dist/index.js")], {
        cwd: dir,
        extendEnv: false,
        env: {
          PATH: process.env.PATH ?? "",
          GITHUB_REPOSITORY: "octo/katas",
          GITHUB_EVENT_NAME: "issues",
          GITHUB_EVENT_PATH: join(EVENTS, "issues-labeled-other.json"),
          GITHUB_WORKSPACE: dir,
          GITHUB_OUTPUT: output,
          "INPUT_GITHUB-TOKEN": "ghs_distSmoke",
        },
        reject: false,
      });
      expect(run.exitCode, String(run.stdout) + String(run.stderr)).toBe(0);
      expect(run.stdout).toContain('nothing to do: label "bug" is not "kata"');
      const outputs = parseOutputFile(await readFile(output, "utf8"));
      expect(Object.keys(outputs).sort()).toEqual([...OUTPUT_NAMES].sort());
      expect(outputs.solved).toBe("false");
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
