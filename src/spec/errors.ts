// User-facing spec errors: plain data that formats as one line, never a stack trace.
import type { z } from "zod";

/** One problem with one spec file. `field` is a path like `tests.public[2].output` ("" for the whole file). */
export interface SpecError {
  file: string;
  field: string;
  message: string;
  /** 1-based position, for YAML syntax errors. */
  line?: number;
  column?: number;
}

/** `problems/foo.yaml: tests.public[2].output: expected a string, got a number` */
export function formatSpecError(e: SpecError): string {
  if (e.line !== undefined) return `${e.file}:${e.line}:${e.column ?? 1}: ${e.message}`;
  if (e.field !== "") return `${e.file}: ${e.field}: ${e.message}`;
  return `${e.file}: ${e.message}`;
}

/** Thrown by the single-spec loaders; its message is the one-line errors, one per line. */
export class SpecLoadError extends Error {
  readonly errors: SpecError[];
  constructor(errors: SpecError[]) {
    super(errors.map(formatSpecError).join("\n"));
    this.name = "SpecLoadError";
    this.errors = errors;
  }
}

export type PathSegment = string | number | symbol;

export function formatPath(path: readonly PathSegment[]): string {
  let out = "";
  for (const seg of path) {
    if (typeof seg === "number") out += `[${seg}]`;
    else out += out === "" ? String(seg) : `.${String(seg)}`;
  }
  return out;
}

export function describeValue(v: unknown): string {
  if (v === undefined) return "nothing";
  if (v === null) return "null";
  if (Array.isArray(v)) return "a list";
  switch (typeof v) {
    case "string": return "a string";
    case "number": return Number.isInteger(v) ? "a number" : "a number";
    case "boolean": return "true/false";
    case "object": return "a mapping";
    default: return typeof v;
  }
}

const EXPECTED_NAMES: Record<string, string> = {
  string: "a string",
  number: "a number",
  int: "an integer",
  boolean: "true or false",
  array: "a list",
  object: "a mapping",
};

function valueAt(root: unknown, path: readonly PathSegment[]): unknown {
  let cur = root;
  for (const seg of path) {
    if (cur === null || typeof cur !== "object") return undefined;
    cur = (cur as Record<string | number, unknown>)[seg as string | number];
  }
  return cur;
}

/** Which shape of test a YAML test entry means, by its distinguishing key. */
const TEST_BRANCH_KEYS = ["input", "inputFile", "args", "assert"] as const;

function isTestEntryPath(path: readonly PathSegment[]): boolean {
  return path.length === 3 && path[0] === "tests" && (path[1] === "public" || path[1] === "hidden") && typeof path[2] === "number";
}

type Issue = z.core.$ZodIssue;

/** Turns zod issues into one-line errors that name the field and say what is wrong in plain words. */
export function issuesToSpecErrors(issues: readonly Issue[], raw: unknown, file: string, prefix: readonly PathSegment[] = []): SpecError[] {
  const out: SpecError[] = [];
  for (const issue of issues) {
    const path = [...prefix, ...issue.path];
    const at = (p: readonly PathSegment[], message: string) => out.push({ file, field: formatPath(p), message });
    switch (issue.code) {
      case "invalid_type": {
        const got = valueAt(raw, path);
        const expected = EXPECTED_NAMES[issue.expected] ?? issue.expected;
        if (got === undefined) at(path, `required field is missing (expected ${expected})`);
        else at(path, `expected ${expected}, got ${describeValue(got)}`);
        break;
      }
      case "unrecognized_keys":
        for (const key of issue.keys) at([...path, key], "unknown field (check the spelling; see docs/spec-format.md)");
        break;
      case "invalid_value": {
        const got = valueAt(raw, path);
        const options = issue.values.map((v) => JSON.stringify(v)).join(", ");
        at(path, `expected one of ${options}, got ${JSON.stringify(got) ?? "nothing"}`);
        break;
      }
      case "invalid_union": {
        const value = valueAt(raw, path);
        if ("discriminator" in issue && issue.discriminator !== undefined) {
          const options = (("options" in issue ? issue.options : []) as unknown[]).map((v) => JSON.stringify(v)).join(", ");
          if (value === undefined) at(path, `required field is missing (expected one of ${options})`);
          else at(path, `expected one of ${options}, got ${JSON.stringify(value)}`);
          break;
        }
        if (isTestEntryPath(path)) {
          if (value === null || typeof value !== "object" || Array.isArray(value)) {
            at(path, `expected a mapping (a test), got ${describeValue(value)}`);
            break;
          }
          const branch = TEST_BRANCH_KEYS.findIndex((k) => k in value);
          const branchIssues = branch >= 0 ? issue.errors[branch] : undefined;
          if (branchIssues === undefined) {
            at(path, "a test needs one of `input`, `inputFile`, `args` or `assert`");
            break;
          }
          out.push(...issuesToSpecErrors(branchIssues, raw, file, path));
          break;
        }
        at(path, issue.message);
        break;
      }
      case "too_small":
      case "too_big": {
        const bound = issue.code === "too_small" ? issue.minimum : issue.maximum;
        const inclusive = issue.inclusive !== false;
        if (issue.origin === "string" && issue.code === "too_small" && Number(bound) <= 1) at(path, "must not be empty");
        else if (issue.origin === "string") at(path, `must be ${issue.code === "too_small" ? "at least" : "at most"} ${String(bound)} characters`);
        else if (issue.origin === "array") at(path, `must have ${issue.code === "too_small" ? "at least" : "at most"} ${String(bound)} entries`);
        else if (issue.code === "too_small") at(path, inclusive ? `must be at least ${String(bound)}` : `must be greater than ${String(bound)}`);
        else at(path, inclusive ? `must be at most ${String(bound)}` : `must be less than ${String(bound)}`);
        break;
      }
      default:
        at(path, issue.message);
    }
  }
  return out;
}
