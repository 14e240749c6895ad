// Writing specs as readable YAML files: one <id>.yaml per spec, multi-line text as block scalars.
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { stringify } from "yaml";
import type { ProblemSpecInput } from "./schema.ts";

/** YAML text of a spec as written in problems/: literal block scalars keep statements and tests readable. */
export function specToYaml(spec: ProblemSpecInput, header?: string): string {
  const body = stringify(spec, { blockQuote: "literal", lineWidth: 0, aliasDuplicateObjects: false });
  return header === undefined ? body : `${header}\n${body}`;
}

export interface WriteResult {
  written: string[];
  skipped: { id: string; reason: string }[];
}

/** Writes one `<id>.yaml` per spec into `outDir`; existing files are kept unless `force`. */
export async function writeSpecs(specs: ProblemSpecInput[], outDir: string, opts: { force?: boolean; header?: string } = {}): Promise<WriteResult> {
  await mkdir(outDir, { recursive: true });
  const result: WriteResult = { written: [], skipped: [] };
  for (const spec of specs) {
    const path = join(outDir, `${spec.id}.yaml`);
    try {
      await writeFile(path, specToYaml(spec, opts.header), { flag: opts.force === true ? "w" : "wx" });
      result.written.push(path);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      result.skipped.push({ id: spec.id, reason: code === "EEXIST" ? `${path} exists (use --force to overwrite)` : `can't write ${path}: ${code ?? (e as Error).message}` });
    }
  }
  return result;
}
