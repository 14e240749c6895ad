// Content hashes: a spec's hash changes exactly when anything that could change its result does.
import { createHash } from "node:crypto";
import type { ProblemSpec } from "../spec/schema.ts";

/** JSON with object keys sorted at every level, so equal data always gives equal text. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[key];
      if (v !== undefined) out[key] = sortKeys(v);
    }
    return out;
  }
  return value;
}

export function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

/**
 * "sha256:" + 16 hex digits of the spec's canonical JSON. The file path is left out: moving a spec
 * file does not change the problem.
 */
export function specHash(spec: ProblemSpec): string {
  const { path: _path, ...content } = spec;
  return `sha256:${sha256(canonicalJson(content)).slice(0, 16)}`;
}

/** One hash over a set of per-spec hashes (order-independent). */
export function specSetHash(hashes: Record<string, string>): string {
  const lines = Object.keys(hashes)
    .sort()
    .map((id) => `${id} ${hashes[id]}`);
  return `sha256:${sha256(lines.join("\n")).slice(0, 16)}`;
}
