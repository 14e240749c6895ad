// Fails when the committed dist/ differs from a fresh build of src/.
import { execFileSync } from "node:child_process";
import { readFileSync, readdirSync, mkdtempSync, cpSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const saved = mkdtempSync(join(tmpdir(), "sstar-dist-"));
cpSync("dist", saved, { recursive: true });
try {
  execFileSync(process.execPath, ["scripts/build.mjs"], { stdio: "inherit" });
  const stale = [];
  const built = readdirSync("dist");
  const before = readdirSync(saved);
  for (const name of new Set([...built, ...before])) {
    let a = null, b = null;
    try { a = readFileSync(join(saved, name), "utf8"); } catch { /* absent before */ }
    try { b = readFileSync(join("dist", name), "utf8"); } catch { /* absent after */ }
    if (a !== b) stale.push(name);
  }
  if (stale.length > 0) {
    console.error(`dist/ is stale (${stale.join(", ")}): run \`npm run build\` and commit dist/`);
    cpSync(saved, "dist", { recursive: true });
    process.exit(1);
  }
  console.log("dist/ is up to date");
} finally {
  rmSync(saved, { recursive: true, force: true });
}
