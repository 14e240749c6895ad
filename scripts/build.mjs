// One command builds every bundle the action and the CLI run from (committed in dist/).
import { build } from "esbuild";
import { chmodSync, readFileSync, rmSync } from "node:fs";

rmSync("dist", { recursive: true, force: true });
const common = {
  bundle: true,
  platform: "node",
  target: "node24",
  format: "esm",
  sourcemap: false,
  legalComments: "none",
  logLevel: "warning",
  // Some CommonJS dependencies call require(): give the ESM bundle one.
  // The HTML report's chart library, inlined into every page it writes (src/report/html/assets.ts).
  define: {
    __SSTAR_UPLOT_JS__: JSON.stringify(readFileSync("node_modules/uplot/dist/uPlot.iife.min.js", "utf8")),
    __SSTAR_UPLOT_CSS__: JSON.stringify(readFileSync("node_modules/uplot/dist/uPlot.min.css", "utf8")),
  },
  banner: { js: "import { createRequire as __sstarCreateRequire } from 'node:module'; const require = __sstarCreateRequire(import.meta.url);" },
};
await build({ ...common, entryPoints: { index: "src/action/main.ts" }, outdir: "dist" });
// The local model's server process (src/local/serve.ts starts it from beside the bundle that runs).
await build({ ...common, entryPoints: { "local-model": "src/local/child.ts" }, outdir: "dist" });
await build({ ...common, entryPoints: { cli: "src/cli/main.ts" }, outdir: "dist", banner: { js: "#!/usr/bin/env node\n" + common.banner.js } });
// The package bin (`npx sstar`) runs dist/cli.js directly: it must stay executable across rebuilds.
chmodSync("dist/cli.js", 0o755);
