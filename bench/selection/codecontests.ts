// CodeContests pools for the selection benchmark: the reference solution (several copies, as a
// real pool repeats its correct programs) plus AST mutants of it (about one correct program in four, as the CodeGen pool has) (prep_codecontests.py), graded on
// the hidden tests in the sandboxed batch runner (mutants that still pass them count as correct).
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import pLimit from "p-limit";
import { resolvePython, runJob, RUNNER_VERSION, type ProgramResult } from "./exec.ts";
import { fileHash, type Task } from "./humaneval.ts";

const PREP = fileURLToPath(new URL("./prep_codecontests.py", import.meta.url));
/** Mutants per problem, and copies of the reference in the pool. */
export const MUTANTS = 30;
export const REFERENCE_COPIES = 3;
const CALL_TIMEOUT_S = 1;
const GRADE_TIMEOUT_S = 3;

interface Prepped {
  id: string;
  reference: string;
  mutants: [string, string][];
  public: [string, string][];
  hidden: [string, string][];
  synth: string[];
  held: string[];
}

export async function loadCodeContests(opts: { file: string; cacheDir: string; log: (s: string) => void; seed: number }): Promise<Task[]> {
  if (!existsSync(opts.file)) throw new Error(`bench:selection: --codecontests ${opts.file} does not exist`);
  const key = fileHash([opts.file, PREP], `runner=${RUNNER_VERSION};seed=${opts.seed};m=${MUTANTS};t=${CALL_TIMEOUT_S},${GRADE_TIMEOUT_S}`);
  const dir = join(opts.cacheDir, `codecontests-${key}`);
  mkdirSync(dir, { recursive: true });
  const prepped = execFileSync(resolvePython(), [PREP, opts.file, String(opts.seed), String(MUTANTS)], {
    encoding: "utf8",
    maxBuffer: 1 << 30,
  })
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Prepped);
  const limit = pLimit(2);
  let dropped = 0;
  const tasks = await Promise.all(
    prepped.map((p) =>
      limit(async (): Promise<Task | null> => {
        const file = join(dir, `${p.id.replace(/[^A-Za-z0-9_-]/g, "_")}.json`);
        const inputs = [...p.public.map(([i]) => i), ...p.synth, ...p.held];
        let results: ProgramResult[];
        if (existsSync(file)) results = JSON.parse(readFileSync(file, "utf8")) as ProgramResult[];
        else {
          results = await runJob({
            mode: "stdin",
            entry: "",
            programs: [p.reference, ...p.mutants.map(([, code]) => code)],
            inputs,
            checks: p.public.map(([, out], i): [number, string] => [i, out]),
            test: null,
            grade_inputs: p.hidden,
            grade_timeout: GRADE_TIMEOUT_S,
            timeout: CALL_TIMEOUT_S,
          });
          writeFileSync(file, JSON.stringify(results));
        }
        const ref = results[0]!;
        if (ref.graded !== true || ref.checks.includes("0")) {
          dropped++; // the reference itself fails here (too slow for our limits): no ground truth
          return null;
        }
        const progs = [...Array.from({ length: REFERENCE_COPIES }, () => 0), ...p.mutants.map((_, i) => i + 1)];
        return {
          id: p.id,
          programs: progs.map((i) => (i === 0 ? p.reference : p.mutants[i - 1]![1])),
          correct: progs.map((i) => results[i]!.graded === true),
          inputs,
          publicCount: p.public.length,
          cells: progs.map((i) => results[i]!.cells),
          publicPassed: progs.map((i) => [...results[i]!.checks].filter((c) => c === "1").length),
          publicTotal: p.public.length,
          predictedPasses: progs.map(() => ""),
        };
      }),
    ),
  );
  opts.log(`codecontests: ${prepped.length} usable problems, ${dropped} dropped (reference fails within ${GRADE_TIMEOUT_S} s per test)`);
  return tasks.filter((t): t is Task => t !== null);
}
