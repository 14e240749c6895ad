// The shell of a self-contained HTML report: one file, styles and scripts inline, a Content
// Security Policy that forbids every network request (no CDN, no font, no image fetch), and data
// for the charts as JSON in a non-executable script block.
//
// Everything shown comes from results files, model text or program output: untrusted. It enters
// the page only through `esc` (text and attribute values) or `jsonForScript` (chart data), never as
// markup.
import { chartAssets } from "./assets.ts";

/** Text or an attribute value, with every HTML special escaped. */
export function esc(text: string | number): string {
  return String(text).replace(/[&<>"'`]/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** JSON that cannot end its <script> block or open a comment: "<" and line separators escaped. */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, "\\u003c")
    .replace(/>/g, "\\u003e")
    .replace(/&/g, "\\u0026")
    .replace(/\u2028/g, "\\u2028")
    .replace(/\u2029/g, "\\u2029");
}

export function pct(rate: number): string {
  return `${(Math.round(rate * 1000) / 10).toFixed(1)}%`;
}

export function usd(x: number): string {
  return `$${x.toFixed(x !== 0 && Math.abs(x) < 0.1 ? 4 : 2)}`;
}

export function ms(x: number): string {
  return x < 10_000 ? `${Math.round(x)} ms` : x < 120_000 ? `${(x / 1000).toFixed(1)} s` : `${(x / 60_000).toFixed(1)} min`;
}

/** A table: header cells and rows of cells that are already HTML (escape their text first). */
export function table(id: string, head: readonly string[], rows: readonly (readonly string[])[], empty = "None."): string {
  if (rows.length === 0) return `<p class="empty" id="${esc(id)}">${esc(empty)}</p>`;
  return [
    `<table id="${esc(id)}"><thead><tr>${head.map((h) => `<th>${esc(h)}</th>`).join("")}</tr></thead><tbody>`,
    ...rows.map((r) => `<tr>${r.map((c) => `<td>${c}</td>`).join("")}</tr>`),
    "</tbody></table>",
  ].join("\n");
}

/** A block of program text or model text, shown as is. */
export function pre(text: string, cls = ""): string {
  return `<pre${cls ? ` class="${esc(cls)}"` : ""}>${esc(text)}</pre>`;
}

const STYLE = `
:root { color-scheme: light; --ok: #1a7f37; --bad: #cf222e; --warn: #9a6700; --muted: #57606a; --line: #d0d7de; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 0 auto; max-width: 1200px; padding: 16px 24px; color: #1f2328; }
h1 { font-size: 22px; margin: 8px 0; } h2 { font-size: 17px; margin: 24px 0 8px; border-bottom: 1px solid var(--line); padding-bottom: 4px; }
h3 { font-size: 15px; margin: 16px 0 6px; }
table { border-collapse: collapse; margin: 6px 0 12px; } th, td { border: 1px solid var(--line); padding: 3px 8px; text-align: left; vertical-align: top; }
th { background: #f6f8fa; } .num { text-align: right; font-variant-numeric: tabular-nums; }
pre { background: #f6f8fa; border: 1px solid var(--line); padding: 6px 8px; overflow: auto; max-height: 420px; margin: 4px 0; font-size: 12px; }
.verdict { font-size: 15px; } .muted { color: var(--muted); } .empty { color: var(--muted); font-style: italic; }
.tag { display: inline-block; padding: 0 6px; border-radius: 10px; font-size: 12px; border: 1px solid var(--line); }
.regression, .fail { color: var(--bad); } .no-regression, .pass { color: var(--ok); } .incomplete, .warn { color: var(--warn); }
.cols { display: grid; grid-template-columns: repeat(auto-fit, minmax(320px, 1fr)); gap: 12px; }
.card { border: 1px solid var(--line); border-radius: 6px; padding: 8px; min-width: 0; } .card.selected { border: 2px solid var(--ok); }
.diff ins { background: #dafbe1; text-decoration: none; display: block; } .diff del { background: #ffebe9; text-decoration: none; display: block; }
.bar { background: #54aeff; height: 12px; display: inline-block; vertical-align: middle; }
#trend-chart { min-height: 300px; }
`;

export interface PageParts {
  title: string;
  body: string;
  /** Chart data (JSON) and the script that draws it; omitted: no chart library on the page. */
  chart?: { data: unknown; script: string };
}

/** The whole document. */
export function htmlPage(parts: PageParts): string {
  const assets = parts.chart ? chartAssets() : undefined;
  return [
    "<!DOCTYPE html>",
    '<html lang="en"><head><meta charset="utf-8">',
    // No request may leave the page: everything it needs is inline.
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${esc(parts.title)}</title>`,
    `<style>${STYLE}${assets ? assets.css : ""}</style>`,
    "</head><body>",
    parts.body,
    ...(parts.chart && assets
      ? [`<script type="application/json" id="chart-data">${jsonForScript(parts.chart.data)}</script>`, `<script>${assets.js.replace(/<\/script/gi, "<\\/script")}</script>`, `<script>${parts.chart.script}</script>`]
      : []),
    "</body></html>",
    "",
  ].join("\n");
}
