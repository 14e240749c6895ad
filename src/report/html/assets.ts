// The chart library the HTML report inlines: uPlot (https://github.com/leeoniya/uPlot, MIT), 51 kB
// minified, no dependencies, canvas-based, so a 90-night trend with its interval band draws fast
// and the page stays one file with no network request. The bundle (scripts/build.mjs) inlines the
// files as the constants below; run from source (tsx, tests) they are read from node_modules.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

declare const __SSTAR_UPLOT_JS__: string | undefined;
declare const __SSTAR_UPLOT_CSS__: string | undefined;

export interface ChartAssets {
  js: string;
  css: string;
}

let cached: ChartAssets | undefined;

function fromPackage(file: string): string {
  const require = createRequire(import.meta.url);
  return readFileSync(require.resolve(`uplot/dist/${file}`), "utf8");
}

/** uPlot's script and stylesheet, to inline. */
export function chartAssets(): ChartAssets {
  cached ??= {
    js: typeof __SSTAR_UPLOT_JS__ === "string" ? __SSTAR_UPLOT_JS__ : fromPackage("uPlot.iife.min.js"),
    css: typeof __SSTAR_UPLOT_CSS__ === "string" ? __SSTAR_UPLOT_CSS__ : fromPackage("uPlot.min.css"),
  };
  return cached;
}
