// Spec loading never follows a symbolic link out of the checkout, in every mode (folders, globs, files).
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadSpecs } from "../../src/spec/index.ts";

const root = mkdtempSync(join(tmpdir(), "sstar-symlinks-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe("spec symlinks", () => {
  it("skips symlinked spec files and folders when globbing, and refuses a symlinked spec named directly", async () => {
    const outside = join(root, "outside");
    const checkout = join(root, "checkout", "problems");
    mkdirSync(outside, { recursive: true });
    mkdirSync(checkout, { recursive: true });
    writeFileSync(join(outside, "secret.yaml"), "id: secret\n");
    symlinkSync(join(outside, "secret.yaml"), join(checkout, "link.yaml"));
    symlinkSync(outside, join(checkout, "linked-dir"));
    const r = await loadSpecs([checkout]);
    const text = JSON.stringify(r);
    expect(r.files).toEqual([]);
    expect(text).not.toContain("linked-dir");
    expect(text).not.toContain('"secret"');
    const direct = await loadSpecs([join(checkout, "link.yaml")]);
    expect(JSON.stringify(direct)).toContain("symbolic link");
  });
});
