// The documents stay true to what they describe: every Markdown file's code fences close (an
// unclosed one turns the rest of the page into code), and every input and output of action.yml
// appears in docs/action.md, each input with action.yml's default.
import { readFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import fg from "fast-glob";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";

const ROOT = resolve(import.meta.dirname, "..");

/**
 * The line numbers of fences left open (CommonMark: a fence is 3 or more backticks or tildes,
 * indented at most 3 spaces; it closes on a line of the same character, at least as long, with
 * nothing after it but spaces). A line like a new opening fence (with a language) inside an open
 * one is reported too: the fence above it was never closed, and everything between renders as code.
 */
export function unclosedFences(markdown: string): number[] {
  let open: { char: string; length: number; line: number } | undefined;
  const unclosed: number[] = [];
  const lines = markdown.split(/\r\n|\r|\n/);
  for (let i = 0; i < lines.length; i++) {
    const m = /^ {0,3}(`{3,}|~{3,})(.*)$/.exec(lines[i]!);
    if (m === null) continue;
    const [, fence, rest] = m as unknown as [string, string, string];
    if (open === undefined) {
      // A backtick fence's info string may not hold a backtick.
      if (fence[0] === "`" && rest.includes("`")) continue;
      open = { char: fence[0]!, length: fence.length, line: i + 1 };
    } else if (fence[0] === open.char && fence.length >= open.length) {
      if (rest.trim() !== "") unclosed.push(open.line);
      open = rest.trim() === "" ? undefined : { char: fence[0]!, length: fence.length, line: i + 1 };
    }
  }
  if (open !== undefined) unclosed.push(open.line);
  return unclosed;
}

/** The rows of every Markdown table, each with its table's header cells. */
function tableRows(markdown: string): { header: string[]; cells: string[] }[] {
  const rows: { header: string[]; cells: string[] }[] = [];
  let header: string[] | undefined;
  for (const line of markdown.split("\n")) {
    const cells = /^\|(.*)\|\s*$/.exec(line)?.[1]?.split(/(?<!\\)\|/).map((c) => c.trim());
    if (cells === undefined) header = undefined;
    else if (header === undefined) header = cells;
    else if (!cells.every((c) => /^:?-+:?$/.test(c))) rows.push({ header, cells });
  }
  return rows;
}

/** Each name in the first column of a table whose first header is `kind`, with the `default` column's cell (or an inline `(`value`)`). */
export function documentedNames(markdown: string, kind: "input" | "output"): Map<string, string> {
  const found = new Map<string, string>();
  for (const { header, cells } of tableRows(markdown)) {
    if (header[0] !== kind || cells.length < 2) continue;
    const cellDefault = header[1] === "default" ? cells[1]! : "";
    // `name`, `name` (`inline default`), `a` / `b`
    for (const m of cells[0]!.matchAll(/`([a-z][a-z0-9-]*)`(?:\s*\((`[^`]*`)\))?/g)) if (!found.has(m[1]!)) found.set(m[1]!, m[2] ?? cellDefault);
  }
  return found;
}

interface ActionYml {
  inputs: Record<string, { default?: string }>;
  outputs: Record<string, unknown>;
}

describe("the Markdown documents", () => {
  it("close every code fence they open", async () => {
    const files = await fg(["**/*.md"], { cwd: ROOT, dot: true, ignore: ["**/node_modules/**", "dist/**", ".git/**"] });
    expect(files.length).toBeGreaterThan(10);
    const open: string[] = [];
    for (const file of files) for (const line of unclosedFences(await readFile(join(ROOT, file), "utf8"))) open.push(`${file}:${line}`);
    expect(open, "fences opened here never close").toEqual([]);
  });

  it("the fence check finds an unclosed fence and accepts closed ones", () => {
    expect(unclosedFences("a\n```yaml\nx: 1\n```\n~~~\n```\n~~~\n")).toEqual([]);
    expect(unclosedFences("a\n\n```yaml\nx: 1\n\n## Outputs\n")).toEqual([3]);
    expect(unclosedFences("````md\n```\n````\n")).toEqual([]);
    expect(unclosedFences("```\n```js\n")).toEqual([1, 2]);
    expect(unclosedFences("```yaml\nx: 1\n\n## Outputs\n\n```yaml\ny: 2\n```\n")).toEqual([1]);
  });
});

describe("the example workflows", () => {
  it("say how to write `uses:` in a user's repository wherever they use this one (`uses: ./`)", async () => {
    const files = await fg([".github/workflows/*.yml"], { cwd: ROOT, dot: true });
    expect(files.length).toBeGreaterThan(0);
    const bare: string[] = [];
    for (const file of files) {
      const lines = (await readFile(join(ROOT, file), "utf8")).split("\n");
      lines.forEach((line, i) => {
        if (/^\s*(- )?uses: \.\/\s*$/.test(line) && !(lines[i - 1] ?? "").includes("In your repository: uses: sstar-action/sstar-action@v1")) bare.push(`${file}:${i + 1}`);
      });
    }
    expect(bare, "a `uses: ./` with no comment saying what to write instead").toEqual([]);
  });
});

describe("docs/action.md against action.yml", async () => {
  const action = parse(await readFile(join(ROOT, "action.yml"), "utf8")) as ActionYml;
  const doc = await readFile(join(ROOT, "docs/action.md"), "utf8");
  const documented = documentedNames(doc, "input");
  const inputNames = new Set(Object.keys(action.inputs));

  it("documents every input with action.yml's default", () => {
    const wrong: string[] = [];
    for (const [name, spec] of Object.entries(action.inputs)) {
      const given = documented.get(name);
      const want = spec.default ?? "";
      if (given === undefined) wrong.push(`${name}: not in a table of docs/action.md`);
      else if (want !== "" && !given.includes(`\`${want}\``)) wrong.push(`${name}: action.yml's default is ${JSON.stringify(want)}, the docs say ${JSON.stringify(given)}`);
      else if (want === "") {
        // An empty default may be described ("none", "OpenAI", "(empty: `5m`)", another input's
        // name), but a bare value would claim action.yml sets one.
        const bare = /^`([^`]+)`$/.exec(given)?.[1];
        if (bare !== undefined && !inputNames.has(bare)) wrong.push(`${name}: action.yml's default is empty, the docs say ${given} (write "(empty: ${given})" when the code fills it in)`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it("documents every output", () => {
    const outputs = documentedNames(doc, "output");
    const missing = Object.keys(action.outputs).filter((name) => !outputs.has(name));
    expect(missing, "outputs of action.yml with no row in docs/action.md").toEqual([]);
  });

  it("the defaults reader reads grouped names and inline defaults", () => {
    const read = documentedNames("| input | default | meaning |\n|---|---|---|\n| `a`, `b` | `1` | x |\n| `c` (`0`), `d` | | y \\| z |\n\n| step | x |\n|---|---|\n| `e` | `2` |\n", "input");
    expect([...read]).toEqual([
      ["a", "`1`"],
      ["b", "`1`"],
      ["c", "`0`"],
      ["d", ""],
    ]);
  });
});
