// The CodeContests reference check, shared by the test (a deterministic subset) and
// `npm run check:references` (all of them): each reference solution marked
// reference_passes_all_tests must pass its hidden tests, and a deliberately broken copy must fail.
import { readFileSync } from "node:fs";
import { importCodeContests, specFromObject, toSpecIdForReferences } from "./reference-spec.ts";
import { gradeProgram, type GradeResult, type PooledSandbox } from "../../src/sandbox/index.ts";
import type { ProblemSpec } from "../../src/spec/schema.ts";
import { CODECONTESTS_FILE } from "../fixtures/shared-data.ts";

export const DATA = process.env.SSTAR_CODECONTESTS ?? CODECONTESTS_FILE;

export interface Reference {
  spec: ProblemSpec;
  code: string;
}

/** Every problem whose reference passes all its tests, with the reference code. */
export function loadReferences(path = DATA): Reference[] {
  const text = readFileSync(path, "utf8");
  const rows = text.split("\n").filter((l) => l.trim() !== "").map((l) => JSON.parse(l) as Record<string, unknown>);
  const { specs } = importCodeContests(text);
  const byId = new Map(specs.map((s) => [s.id, s]));
  const out: Reference[] = [];
  for (const row of rows) {
    if (row["reference_passes_all_tests"] !== true) continue;
    const input = byId.get(toSpecIdForReferences(String(row["id"])));
    if (input === undefined) throw new Error(`${path}: the importer skipped ${String(row["id"])}`);
    // The data's own rule: a reference passes within 10 s per test.
    const spec = specFromObject({ ...input, limits: { timeMs: 10_000, memoryMb: 1024 } }, path);
    out.push({ spec, code: String(row["reference_solution_py"]) });
  }
  return out;
}

/**
 * A deliberately broken copy: one extra line of output before the real answer (at the start, since
 * many references end with exit()), after any `from __future__` imports, which must come first.
 */
export function breakProgram(code: string): string {
  const lines = code.split("\n");
  let at = 0;
  lines.forEach((line, i) => {
    if (/^from __future__ import/.test(line)) at = i + 1;
  });
  lines.splice(at, 0, 'print("sstar-broken-copy")');
  return lines.join("\n");
}

export interface ReferenceOutcome {
  id: string;
  reference: GradeResult;
  broken: GradeResult;
}

export async function checkReferences(sandbox: PooledSandbox, refs: Reference[]): Promise<ReferenceOutcome[]> {
  return Promise.all(
    refs.map(async ({ spec, code }) => {
      const [reference, broken] = await Promise.all([
        gradeProgram(sandbox, spec, { language: "python", code }, spec.tests.hidden),
        gradeProgram(sandbox, spec, { language: "python", code: breakProgram(code) }, spec.tests.hidden, { stopOnFirstFailure: true }),
      ]);
      return { id: spec.id, reference, broken };
    }),
  );
}
