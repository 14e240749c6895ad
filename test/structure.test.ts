// The shape of src/ kept by a test: no import circle, and no function or class longer than the
// limit in scripts/long-definitions.json (eslint's max-lines-per-function checks functions while
// editing; classes it does not measure). Both read the same file, with the same allow-list.
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import limitsFile from "../scripts/long-definitions.json" with { type: "json" };

interface LongDefinitions {
  maxLines: number;
  data: { files: string; why: string }[];
  allowed: { file: string; name: string; why: string }[];
}
const limits: LongDefinitions = limitsFile;

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const SRC = join(ROOT, "src");

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(path);
    return e.name.endsWith(".ts") && !e.name.endsWith(".d.ts") ? [path] : [];
  });
}

const files = sourceFiles(SRC).sort();
const parsed = new Map(files.map((f) => [f, ts.createSourceFile(f, readFileSync(f, "utf8"), ts.ScriptTarget.Latest, true)]));
const rel = (f: string) => relative(ROOT, f).split("\\").join("/");

/** Every relative import and re-export of a file (type-only ones too: they are a dependency a reader follows). */
function importsOf(file: ts.SourceFile): string[] {
  const targets: string[] = [];
  const add = (spec: ts.Expression | undefined) => {
    if (spec !== undefined && ts.isStringLiteral(spec) && spec.text.startsWith(".")) targets.push(resolve(dirname(file.fileName), spec.text));
  };
  for (const statement of file.statements) {
    if (ts.isImportDeclaration(statement) || ts.isExportDeclaration(statement)) add(statement.moduleSpecifier);
  }
  // import("./x.ts") and import("./x.ts").Type inside the code
  const visit = (node: ts.Node): void => {
    if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) add(node.arguments[0]);
    if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) add(node.argument.literal as ts.Expression);
    ts.forEachChild(node, visit);
  };
  visit(file);
  return targets.filter((t) => parsed.has(t));
}

/** Import circles, each as the files around it (Tarjan's strongly connected components, then one path through each). */
function importCircles(): string[][] {
  const graph = new Map([...parsed].map(([f, sf]) => [f, [...new Set(importsOf(sf))]]));
  const circles: string[][] = [];
  const state = new Map<string, "open" | "done">();
  const stack: string[] = [];
  const walk = (f: string): void => {
    state.set(f, "open");
    stack.push(f);
    for (const next of graph.get(f) ?? []) {
      if (state.get(next) === "open") circles.push([...stack.slice(stack.indexOf(next)), next].map(rel));
      else if (state.get(next) === undefined) walk(next);
    }
    stack.pop();
    state.set(f, "done");
  };
  for (const f of graph.keys()) if (!state.has(f)) walk(f);
  return circles;
}

/** Lines holding code (not blank, not only comment), counted like eslint's skipBlankLines + skipComments. */
function codeLines(node: ts.Node, file: ts.SourceFile): number {
  const lines = new Set<number>();
  const visit = (n: ts.Node): void => {
    if (ts.isJSDoc(n)) return;
    const children = n.getChildren(file);
    if (children.length === 0) {
      const start = file.getLineAndCharacterOfPosition(n.getStart(file)).line;
      const end = file.getLineAndCharacterOfPosition(n.getEnd()).line;
      if (n.getEnd() > n.getStart(file)) for (let l = start; l <= end; l++) lines.add(l);
      return;
    }
    children.forEach(visit);
  };
  visit(node);
  return lines.size;
}

function definitionName(node: ts.Node): string {
  const named = node as { name?: ts.Node };
  if (named.name !== undefined && (ts.isIdentifier(named.name) || ts.isPrivateIdentifier(named.name) || ts.isStringLiteral(named.name))) return named.name.text;
  const parent = node.parent;
  if (ts.isVariableDeclaration(parent) || ts.isPropertyAssignment(parent) || ts.isPropertyDeclaration(parent)) return definitionName(parent);
  return "(anonymous)";
}

interface Definition {
  file: string;
  name: string;
  kind: "function" | "class";
  lines: number;
}

function longDefinitions(): Definition[] {
  const found: Definition[] = [];
  for (const [f, sf] of parsed) {
    const visit = (node: ts.Node): void => {
      const kind = ts.isClassDeclaration(node) || ts.isClassExpression(node) ? "class" : ts.isFunctionLike(node) && "body" in node && node.body !== undefined ? "function" : undefined;
      if (kind !== undefined) {
        const lines = codeLines(node, sf);
        if (lines > limits.maxLines) found.push({ file: rel(f), name: definitionName(node), kind, lines });
      }
      ts.forEachChild(node, visit);
    };
    visit(sf);
  }
  return found;
}

/** A `data` glob such as src/x/harness-*.ts as a test on a path. */
function matchesGlob(path: string, glob: string): boolean {
  const pattern = glob.split("*").map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&")).join("[^/]*");
  return new RegExp(`^${pattern}$`).test(path);
}

describe("the structure of src/", () => {
  it("has no import circle", () => {
    const circles = importCircles();
    expect(circles.map((c) => c.join(" -> ")), "import circles (move the shared piece to a module both can import)").toEqual([]);
  });

  it(`has no function or class longer than ${limits.maxLines} code lines, but for the allow-list`, () => {
    const isData = (file: string) => limits.data.some((d) => matchesGlob(file, d.files));
    const isAllowed = (d: Definition) => limits.allowed.some((a) => a.file === d.file && a.name === d.name);
    const offenders = longDefinitions().filter((d) => !isData(d.file) && !isAllowed(d));
    expect(offenders.map((d) => `${d.file}: ${d.kind} ${d.name} has ${d.lines} lines`), "split these into named steps").toEqual([]);
  });

  it("allows only definitions that are still too long", () => {
    const long = longDefinitions();
    const stale = limits.allowed.filter((a) => !long.some((d) => d.file === a.file && d.name === a.name));
    expect(stale.map((a) => `${a.file}: ${a.name}`), "these are short now: remove them from scripts/long-definitions.json").toEqual([]);
  });
});
