// Shared importer plumbing: JSONL rows in, validated spec objects out, with a reason for every skip.
import type { ProblemSpecInput } from "../schema.ts";
import { checkSpecObject } from "../load.ts";
import { formatSpecError } from "../errors.ts";

export interface Skipped {
  id: string;
  reason: string;
}

export interface ImportResult {
  specs: ProblemSpecInput[];
  skipped: Skipped[];
}

export interface ImportOptions {
  /** Import at most this many problems (the first ones in the file). */
  limit?: number;
}

export type Row = Record<string, unknown>;

/** Parses JSONL text; a bad line is skipped with its line number, never fatal. */
export function parseJsonl(text: string, skipped: Skipped[]): { line: number; row: Row }[] {
  const rows: { line: number; row: Row }[] = [];
  text.split("\n").forEach((raw, i) => {
    if (raw.trim() === "") return;
    try {
      const row = JSON.parse(raw) as unknown;
      if (row === null || typeof row !== "object" || Array.isArray(row)) throw new Error("not a JSON object");
      rows.push({ line: i + 1, row: row as Row });
    } catch (e) {
      skipped.push({ id: `line ${i + 1}`, reason: `not a JSON object: ${(e as Error).message}` });
    }
  });
  return rows;
}

/** Turns a data set's name into a spec id (letters, digits, '.', '_', '-'; at most 100). */
export function toSpecId(name: string, prefix = ""): string {
  const cleaned = (prefix + name).replace(/[^A-Za-z0-9._-]+/g, "-").replace(/^[^A-Za-z0-9]+/, "").slice(0, 100);
  return cleaned === "" ? "problem" : cleaned;
}

export function str(v: unknown): string | undefined {
  return typeof v === "string" ? v : undefined;
}

/** Keeps only specs that validate; the rest are skipped with the validator's first message. */
export function keepValid(candidates: ProblemSpecInput[], label: string, skipped: Skipped[]): ProblemSpecInput[] {
  const out: ProblemSpecInput[] = [];
  const ids = new Set<string>();
  for (const spec of candidates) {
    if (ids.has(spec.id)) {
      skipped.push({ id: spec.id, reason: "duplicate id in the input file" });
      continue;
    }
    const r = checkSpecObject(spec, `${label} ${spec.id}`);
    if (!r.ok) {
      skipped.push({ id: spec.id, reason: r.errors.map(formatSpecError).join("; ") });
      continue;
    }
    ids.add(spec.id);
    out.push(spec);
  }
  return out;
}

export function applyLimit<T>(rows: T[], limit: number | undefined): T[] {
  return limit === undefined ? rows : rows.slice(0, Math.max(0, limit));
}

/** Splits a parameter list at the commas outside brackets: `a: int, b: dict[str, int]` -> 2 parts. */
export function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let cur = "";
  for (const ch of text) {
    if ("([{".includes(ch)) depth++;
    if (")]}".includes(ch)) depth--;
    if (ch === "," && depth === 0) {
      parts.push(cur);
      cur = "";
    } else cur += ch;
  }
  parts.push(cur);
  return parts;
}
