// Output comparison: pure functions over strings and JSON values.
import type { ResolvedChecker } from "../spec/schema.ts";

export type BuiltinChecker = Exclude<ResolvedChecker, { kind: "custom" }>;
export interface CompareResult {
  ok: boolean;
  message?: string;
}

const NUMBER = /^[+-]?(\d+(?:\.\d*)?|\.\d+)([eE][+-]?\d+)?$|^[+-]?(inf|infinity|nan)$/i;
export const DEFAULT_TOLERANCE = 1e-6;
/** testlib's slack for binary rounding when it compares doubles. */
const EPS = 1e-15;

export function tokenize(text: string): string[] {
  return text.split(/\s+/).filter((t) => t !== "");
}

/** A numeric token's value: `inf` and `infinity` (any case, signed) are infinite, `nan` is NaN. */
export function numberToken(token: string): number {
  const t = token.toLowerCase();
  const sign = t.startsWith("-") ? -1 : 1;
  const bare = t.replace(/^[+-]/, "");
  if (bare === "inf" || bare === "infinity") return sign * Infinity;
  if (bare === "nan") return Number.NaN;
  return Number(t);
}

function show(token: string): string {
  return JSON.stringify(token.length > 60 ? `${token.slice(0, 57)}...` : token);
}

/** testlib's doubleCompare, with separate absolute and relative tolerance. */
export function floatsClose(expected: number, actual: number, absolute: number, relative: number): boolean {
  if (Number.isNaN(expected)) return Number.isNaN(actual);
  if (Number.isNaN(actual)) return false;
  if (!Number.isFinite(expected) || !Number.isFinite(actual)) return expected === actual;
  if (Math.abs(actual - expected) <= absolute + EPS) return true;
  const lo = Math.min(expected * (1 - relative), expected * (1 + relative));
  const hi = Math.max(expected * (1 - relative), expected * (1 + relative));
  return actual + EPS >= lo && actual <= hi + EPS;
}

function compareTokens(expected: string, actual: string, sameToken: (e: string, a: string) => boolean): CompareResult {
  const e = tokenize(expected);
  const a = tokenize(actual);
  const n = Math.min(e.length, a.length);
  for (let i = 0; i < n; i++) {
    const x = e[i] as string;
    const y = a[i] as string;
    if (!sameToken(x, y)) return { ok: false, message: `token ${i + 1} differs: expected ${show(x)}, got ${show(y)}` };
  }
  if (e.length !== a.length) {
    return { ok: false, message: `expected ${e.length} token${e.length === 1 ? "" : "s"}, got ${a.length}` };
  }
  return { ok: true };
}

/** `line` without trailing spaces, tabs, form feeds and vertical tabs: a loop, because `/[ \t]+$/` is quadratic on a program's line of many spaces and one last character. */
export function withoutTrailingBlanks(line: string): string {
  let end = line.length;
  while (end > 0 && " \t\f\v".includes(line[end - 1] as string)) end--;
  return line.slice(0, end);
}

function normalizeExact(text: string): string[] {
  const lines = text.replace(/\r\n?/g, "\n").split("\n").map(withoutTrailingBlanks);
  while (lines.length > 0 && lines[lines.length - 1] === "") lines.pop();
  return lines;
}

export function compareOutputs(checker: BuiltinChecker, expected: string, actual: string): CompareResult {
  switch (checker.kind) {
    // Tokens are compared as text, as testlib's wcmp does: "0011" is not "11" (binary strings,
    // zero-padded answers) and "007" is not "7". Only `float` reads numbers.
    case "tokens":
      return compareTokens(expected, actual, (x, y) => x === y);
    case "case-insensitive":
      return compareTokens(expected, actual, (x, y) => x.toLowerCase() === y.toLowerCase());
    case "float":
      return compareTokens(expected, actual, (x, y) => {
        if (x === y) return true;
        if (NUMBER.test(x) && NUMBER.test(y)) return floatsClose(numberToken(x), numberToken(y), checker.absolute, checker.relative);
        return false;
      });
    case "exact": {
      const e = normalizeExact(expected);
      const a = normalizeExact(actual);
      for (let i = 0; i < Math.max(e.length, a.length); i++) {
        if (e[i] !== a[i]) {
          if (e[i] === undefined) return { ok: false, message: `extra output from line ${i + 1}: ${show(a[i] ?? "")}` };
          if (a[i] === undefined) return { ok: false, message: `output ends at line ${i}, expected ${e.length} lines` };
          return { ok: false, message: `line ${i + 1} differs: expected ${show(e[i] ?? "")}, got ${show(a[i] ?? "")}` };
        }
      }
      return { ok: true };
    }
  }
}

/**
 * Parses JSON keeping what the literal says: an integer literal becomes a BigInt (exact however
 * long, so two different huge integers never compare equal), any other number (with a fraction
 * or an exponent: 2.0, 1.5e20) a float, whatever its value.
 */
export function parseJsonExact(text: string): unknown {
  return JSON.parse(text, (_key, value: unknown, context?: { source?: string }) => {
    if (typeof value === "number" && context?.source !== undefined && /^-?\d+$/.test(context.source)) return BigInt(context.source);
    return value;
  });
}

function typeName(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "array";
  return typeof v === "bigint" ? "number" : typeof v;
}

function showJson(v: unknown): string {
  // BigInts (integer literals) print as the numbers they are, not as strings.
  const mark = "\u0000bigint:";
  const json = JSON.stringify(v, (_k, x: unknown) => (typeof x === "bigint" ? `${mark}${x}` : x));
  const s = json === undefined ? String(v) : json.replace(/"\\u0000bigint:(-?\d+)"/g, "$1");
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}

/**
 * How numbers compare. `integersExact`: an integer answer (an integer literal, read as a BigInt)
 * is matched only by the same integer, or by a float of exactly its value (2.0 for 2, never
 * 1000000900.0 for 1000000000): the default, as a tolerance is only for answers that are floats.
 * Off only under the `float` checker, where every number compares with its tolerance.
 */
export interface NumberRule {
  absolute: number;
  relative: number;
  integersExact: boolean;
}

export const DEFAULT_NUMBER_RULE: NumberRule = { absolute: DEFAULT_TOLERANCE, relative: DEFAULT_TOLERANCE, integersExact: true };

/** The number rule of a checker: `float` gives its tolerance to every number; any other keeps integers exact. */
export function numberRule(checker: BuiltinChecker): NumberRule {
  return checker.kind === "float" ? { absolute: checker.absolute, relative: checker.relative, integersExact: false } : DEFAULT_NUMBER_RULE;
}

/** Whether a float holds exactly the integer `n` (no rounding: 2^53 + 1 is no float's value). */
function floatIsInteger(x: number, n: bigint): boolean {
  return Number.isInteger(x) && BigInt(x) === n;
}

function sameNumber(e: number | bigint, a: number | bigint, rule: NumberRule): boolean {
  if (typeof e === "bigint" && typeof a === "bigint") return rule.integersExact ? e === a : e === a || floatsClose(Number(e), Number(a), rule.absolute, rule.relative);
  if (rule.integersExact && typeof e === "bigint") return floatIsInteger(a as number, e);
  return floatsClose(Number(e), Number(a), rule.absolute, rule.relative);
}

/**
 * Deep comparison of JSON values (integers are BigInts, as parseJsonExact reads integer literals):
 * numbers by their kind (NumberRule), everything else by type and value.
 */
export function compareJsonValues(expected: unknown, actual: unknown, rule: NumberRule = DEFAULT_NUMBER_RULE, path = "$"): CompareResult {
  const numeric = (v: unknown) => typeof v === "number" || typeof v === "bigint";
  if (numeric(expected) && numeric(actual)) {
    const e = expected as number | bigint;
    const a = actual as number | bigint;
    if (sameNumber(e, a, rule)) return { ok: true };
    const kind = rule.integersExact && typeof e === "bigint" && typeof a === "number" ? " (an integer answer is matched only by that integer)" : "";
    return { ok: false, message: `${path}: expected ${showJson(e)}, got ${showJson(a)}${kind}` };
  }
  if (typeName(expected) !== typeName(actual)) {
    return { ok: false, message: `${path}: expected ${typeName(expected)} ${showJson(expected)}, got ${typeName(actual)} ${showJson(actual)}` };
  }
  if (Array.isArray(expected) && Array.isArray(actual)) {
    if (expected.length !== actual.length) return { ok: false, message: `${path}: expected ${expected.length} items, got ${actual.length}` };
    for (let i = 0; i < expected.length; i++) {
      const r = compareJsonValues(expected[i], actual[i], rule, `${path}[${i}]`);
      if (!r.ok) return r;
    }
    return { ok: true };
  }
  if (expected !== null && typeof expected === "object" && actual !== null && typeof actual === "object") {
    const e = expected as Record<string, unknown>;
    const a = actual as Record<string, unknown>;
    const ek = Object.keys(e).sort();
    const ak = Object.keys(a).sort();
    if (ek.join("\0") !== ak.join("\0")) return { ok: false, message: `${path}: expected keys ${showJson(ek)}, got ${showJson(ak)}` };
    for (const k of ek) {
      const r = compareJsonValues(e[k], a[k], rule, `${path}.${k}`);
      if (!r.ok) return r;
    }
    return { ok: true };
  }
  return expected === actual ? { ok: true } : { ok: false, message: `${path}: expected ${showJson(expected)}, got ${showJson(actual)}` };
}

/** Compares two JSON texts (function problems), numbers by the checker's rule (numberRule). */
export function compareJsonOutputs(checker: BuiltinChecker, expected: string, actual: string): CompareResult {
  let e: unknown;
  let a: unknown;
  try {
    e = parseJsonExact(expected);
  } catch {
    return { ok: false, message: "the expected value is not valid JSON" };
  }
  try {
    a = parseJsonExact(actual);
  } catch {
    return { ok: false, message: `the returned value is not valid JSON: ${show(actual)}` };
  }
  return compareJsonValues(e, a, numberRule(checker));
}

/**
 * Whether two candidates' outputs count as the same answer (for clustering). Symmetric; a custom
 * checker can't be consulted here, so it clusters by tokens.
 */
export function equivalentOutputs(a: string, b: string, checker: ResolvedChecker, format: "text" | "json" = "text"): boolean {
  const builtin: BuiltinChecker = checker.kind === "custom" ? { kind: "tokens" } : checker;
  const compare = format === "json" ? compareJsonOutputs : compareOutputs;
  return compare(builtin, a, b).ok || compare(builtin, b, a).ok;
}
