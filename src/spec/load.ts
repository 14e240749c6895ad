// Loading specs: YAML text -> validated ProblemSpec. Every user error becomes a one-line SpecError;
// one broken file never stops the others.
import { readFileSync, realpathSync, statSync } from "node:fs";
import { constants } from "node:fs";
import { open, stat } from "node:fs/promises";
import { dirname, isAbsolute, relative, resolve, sep } from "node:path";
import fg from "fast-glob";
import pLimit from "p-limit";
import { parseDocument } from "yaml";
import { problemSpecSchema, type ProblemSpec, type ProblemSpecRaw, type ResolvedChecker, type TestCase } from "./schema.ts";
import { SpecLoadError, issuesToSpecErrors, type SpecError } from "./errors.ts";

export interface SpecOrigin {
  /** Shown in errors: a file path, or a label like `issue #12`. */
  file: string;
  /** Folder that `inputFile`/`outputFile`/checker `file` are relative to. Without it, file references are refused. */
  baseDir?: string;
}

export type SpecResult = { ok: true; spec: ProblemSpec } | { ok: false; errors: SpecError[] };

/** Lines and columns (1-based) of a character offset. */
function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lastNl = -1;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lastNl = i;
    }
  }
  return { line, column: offset - lastNl };
}

/** Parses YAML text into plain data; syntax errors carry line:column. */
export function parseSpecYaml(text: string, file: string): { ok: true; value: unknown } | { ok: false; errors: SpecError[] } {
  const doc = parseDocument(text, { prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    return {
      ok: false,
      errors: doc.errors.slice(0, 3).map((e) => {
        const { line, column } = lineColumn(text, e.pos[0]);
        const first = (e.message.split("\n")[0] ?? "").replace(/ at line \d+, column \d+:?$/, "");
        return { file, field: "", line, column, message: `YAML syntax error: ${first}` };
      }),
    };
  }
  try {
    return { ok: true, value: doc.toJS({ maxAliasCount: 100 }) };
  } catch (err) {
    return { ok: false, errors: [{ file, field: "", message: `YAML error: ${(err as Error).message.split("\n")[0]}` }] };
  }
}

function hasNonJsonNumber(v: unknown): boolean {
  if (typeof v === "number") return !Number.isFinite(v);
  if (Array.isArray(v)) return v.some(hasNonJsonNumber);
  if (v !== null && typeof v === "object") return Object.values(v).some(hasNonJsonNumber);
  return false;
}

function isJsonText(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false };
  }
}

/** Reads a file a spec refers to, refusing absolute paths and paths that leave the spec's folder. */
function readSpecFile(ref: string, origin: SpecOrigin, field: string, errors: SpecError[]): string | undefined {
  const err = (message: string) => {
    errors.push({ file: origin.file, field, message });
    return undefined;
  };
  if (origin.baseDir === undefined) return err("file references aren't allowed in this spec (it has no folder): put the text inline");
  if (isAbsolute(ref)) return err(`use a path relative to the spec file, not ${JSON.stringify(ref)}`);
  const full = resolve(origin.baseDir, ref);
  let real: string;
  let base: string;
  try {
    base = realpathSync(origin.baseDir);
    real = realpathSync(full);
  } catch {
    return err(`file not found: ${ref} (looked for ${relative(process.cwd(), full) || full})`);
  }
  if (real !== base && !real.startsWith(base + sep)) return err(`${ref} is outside the spec's folder: keep test files beside the spec`);
  try {
    if (!statSync(real).isFile()) return err(`${ref} is not a file`);
    return readFileSync(real, "utf8");
  } catch (e) {
    return err(`can't read ${ref}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

/** Checks that the tests fit the I/O contract and turns them into TestCases. */
function resolveTests(spec: ProblemSpecRaw, origin: SpecOrigin, errors: SpecError[]): ProblemSpec["tests"] {
  const isFunction = spec.io.kind === "function";
  const seen = new Map<string, string>();
  const out: ProblemSpec["tests"] = { public: [], hidden: [] };
  for (const group of ["public", "hidden"] as const) {
    spec.tests[group].forEach((t, i) => {
      const base = `tests.${group}[${i}]`;
      const fail = (field: string, message: string) => errors.push({ file: origin.file, field: `${base}${field}`, message });
      const name = t.name ?? `${group}-${i + 1}`;
      const clash = seen.get(name);
      if (clash !== undefined) fail(".name", `duplicate test name ${JSON.stringify(name)} (also ${clash})`);
      seen.set(name, base);
      let tc: TestCase | undefined;
      if ("args" in t) {
        if (!isFunction) return fail(".args", "`args` is for function problems (io.kind: function); stdio tests use `input` and `output`");
        if (hasNonJsonNumber(t.args)) return fail(".args", "arguments must be JSON values (no .inf or .nan)");
        if (hasNonJsonNumber(t.expected)) return fail(".expected", "the expected value must be a JSON value (no .inf or .nan)");
        const arity = spec.io.kind === "function" ? spec.io.params.length : 0;
        if (arity > 0 && t.args.length !== arity) return fail(".args", `${t.args.length} argument(s) given, the function takes ${arity}`);
        tc = { name, input: JSON.stringify(t.args) };
        if (t.expected !== undefined) tc.output = JSON.stringify(t.expected);
      } else if ("assert" in t) {
        if (!isFunction) return fail(".assert", "`assert` is for function problems (io.kind: function)");
        if (spec.language !== "python") return fail(".assert", `\`assert\` tests are Python code: they need language: python, not ${spec.language}`);
        tc = { name, input: "", assert: t.assert };
      } else {
        let input: string | undefined;
        let output: string | undefined;
        if ("inputFile" in t) {
          input = readSpecFile(t.inputFile, origin, `${base}.inputFile`, errors);
          if (t.outputFile !== undefined) output = readSpecFile(t.outputFile, origin, `${base}.outputFile`, errors);
          if (input === undefined || (t.outputFile !== undefined && output === undefined)) return;
        } else {
          input = t.input;
          output = t.output;
        }
        const inField = "inputFile" in t ? ".inputFile" : ".input";
        const outField = "inputFile" in t ? ".outputFile" : ".output";
        if (isFunction) {
          const args = isJsonText(input);
          if (!args.ok || !Array.isArray(args.value)) return fail(inField, "in a function problem the input is the JSON array of arguments (or use `args`)");
          if (output !== undefined && !isJsonText(output).ok) return fail(outField, "in a function problem the output is the JSON of the return value (or use `expected`)");
        }
        tc = { name, input };
        if (output !== undefined) tc.output = output;
      }
      out[group].push(tc);
    });
  }
  return out;
}

function resolveChecker(spec: ProblemSpecRaw, origin: SpecOrigin, errors: SpecError[]): ResolvedChecker {
  const c = spec.checker;
  if (c.kind !== "custom") return c;
  let program = c.program;
  if (program === undefined && c.file !== undefined) program = readSpecFile(c.file, origin, "checker.file", errors);
  return { kind: "custom", language: c.language, program: program ?? "" };
}

/** Validates plain data (parsed YAML, an importer's output, an issue) into a ProblemSpec, collecting every error. */
export function checkSpecObject(obj: unknown, origin: string | SpecOrigin): SpecResult {
  const o: SpecOrigin = typeof origin === "string" ? { file: origin } : origin;
  if (obj === null || typeof obj !== "object" || Array.isArray(obj)) {
    const what = obj === null || obj === undefined ? "the file is empty" : `expected a mapping of fields (id, title, statement, ...) at the top level`;
    return { ok: false, errors: [{ file: o.file, field: "", message: what }] };
  }
  const parsed = problemSpecSchema.safeParse(obj);
  if (!parsed.success) return { ok: false, errors: issuesToSpecErrors(parsed.error.issues, obj, o.file) };
  const raw = parsed.data;
  const errors: SpecError[] = [];
  const tests = resolveTests(raw, o, errors);
  const checker = resolveChecker(raw, o, errors);
  if (errors.length > 0) return { ok: false, errors };
  const spec: ProblemSpec = { ...raw, checker, tests };
  if (o.baseDir !== undefined) spec.path = o.file;
  return { ok: true, spec };
}

/** Like checkSpecObject, but throws a SpecLoadError (one line per problem) on failure. */
export function specFromObject(obj: unknown, origin: string | SpecOrigin): ProblemSpec {
  const r = checkSpecObject(obj, origin);
  if (!r.ok) throw new SpecLoadError(r.errors);
  return r.spec;
}

/** Parses and validates YAML text; files are resolved relative to `origin.baseDir`. */
export function checkSpecText(text: string, origin: SpecOrigin): SpecResult {
  const parsed = parseSpecYaml(text, origin.file);
  if (!parsed.ok) return parsed;
  return checkSpecObject(parsed.value, origin);
}

async function checkSpecPath(path: string): Promise<SpecResult> {
  let text: string;
  try {
    // O_NOFOLLOW: a spec that is a symbolic link could point anywhere on the machine (a checkout
    // is untrusted input in schedule mode); specs are read only as plain files.
    const handle = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW);
    try {
      text = await handle.readFile("utf8");
    } finally {
      await handle.close();
    }
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const message = code === "ENOENT" ? "file not found" : code === "ELOOP" ? "is a symbolic link: spec files are read only as plain files (copy the file instead)" : `can't read the file (${code ?? (e as Error).message})`;
    return { ok: false, errors: [{ file: path, field: "", message }] };
  }
  return checkSpecText(text, { file: path, baseDir: dirname(resolve(path)) });
}

/** Loads one YAML spec file; throws SpecLoadError with one-line messages when it is broken. */
export async function loadSpecFile(path: string): Promise<ProblemSpec> {
  const r = await checkSpecPath(path);
  if (!r.ok) throw new SpecLoadError(r.errors);
  return r.spec;
}

const SPEC_GLOB = "**/*.{yaml,yml}";
const IGNORE = ["**/node_modules/**", "**/.git/**"];

/** Expands files, folders (every *.yaml / *.yml below) and globs into a sorted, de-duplicated file list. */
export async function expandSpecPaths(inputs: string[]): Promise<{ files: string[]; errors: SpecError[] }> {
  const files = new Set<string>();
  const errors: SpecError[] = [];
  for (const input of inputs) {
    const info = await stat(input).catch(() => undefined);
    if (info?.isDirectory()) {
      const found = await fg(SPEC_GLOB, { cwd: input, ignore: IGNORE, onlyFiles: true, dot: false, followSymbolicLinks: false });
      for (const f of found) files.add(relativeOrAbsolute(resolve(input, f)));
      continue;
    }
    if (info?.isFile()) {
      files.add(relativeOrAbsolute(resolve(input)));
      continue;
    }
    if (fg.isDynamicPattern(input)) {
      const found = await fg(input, { ignore: IGNORE, onlyFiles: true, followSymbolicLinks: false });
      if (found.length === 0) errors.push({ file: input, field: "", message: "no files match this pattern" });
      for (const f of found) files.add(relativeOrAbsolute(resolve(f)));
      continue;
    }
    errors.push({ file: input, field: "", message: "no such file or folder" });
  }
  return { files: [...files].sort(), errors };
}

/** Paths inside the working folder are shown relative (problems/foo.yaml), others absolute. */
function relativeOrAbsolute(abs: string): string {
  const rel = relative(process.cwd(), abs);
  return rel !== "" && !rel.startsWith("..") && !isAbsolute(rel) ? rel : abs;
}

export interface LoadedSpecs {
  specs: ProblemSpec[];
  errors: SpecError[];
  /** Every file looked at, in order, with its id when it loaded. */
  files: { file: string; id?: string }[];
}

/** Loads every spec under the given files, folders or globs. Broken files are reported, never fatal. */
export async function loadSpecs(pathsOrGlobsOrDirs: string[]): Promise<LoadedSpecs> {
  const { files, errors } = await expandSpecPaths(pathsOrGlobsOrDirs);
  const limit = pLimit(16);
  const results = await Promise.all(files.map((f) => limit(() => checkSpecPath(f))));
  const specs: ProblemSpec[] = [];
  const byId = new Map<string, string>();
  const listed: LoadedSpecs["files"] = [];
  files.forEach((file, i) => {
    const r = results[i];
    if (r === undefined) return;
    if (!r.ok) {
      errors.push(...r.errors);
      listed.push({ file });
      return;
    }
    const first = byId.get(r.spec.id);
    if (first !== undefined) {
      errors.push({ file, field: "id", message: `duplicate id ${JSON.stringify(r.spec.id)}: ${first} has it too; ids must be unique` });
      listed.push({ file });
      return;
    }
    byId.set(r.spec.id, file);
    specs.push(r.spec);
    listed.push({ file, id: r.spec.id });
  });
  return { specs, errors, files: listed };
}

