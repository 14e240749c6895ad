// CodeContests pools for the selection benchmark: the reference solution (several copies, as a
// real pool repeats its correct programs) plus AST mutants of it (about one correct program in four, as the CodeGen pool has) (prep_codecontests.py), graded on
// the hidden tests in the sandboxed batch runner (mutants that still pass them count as correct).
// Before that, every reference is graded alone (canonical.ts); the mutants' limit per hidden test
// is calibrated to the reference's CPU time.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import pLimit from "p-limit";
import { gradingKey, resolvePython, runJob, type ProgramResult } from "./exec.ts";
import { fileHash, type Task } from "./humaneval.ts";
import { calibratedLimit, checkCanonicals } from "./canonical.ts";

const PREP = fileURLToPath(new URL("./prep_codecontests.py", import.meta.url));
const CANONICAL_TS = fileURLToPath(new URL("./canonical.ts", import.meta.url));
/** Mutants per problem, and copies of the reference in the pool. */
export const MUTANTS = 30;
export const REFERENCE_COPIES = 3;
/** CPU seconds per run on an input (cells). */
const CALL_TIMEOUT_S = 1;
/** Per hidden test, CPU seconds: the least limit, and the most (the data set's own check gave the reference 10 s). */
const GRADE_FLOOR_S = 3;
const GRADE_CAP_S = 10;

interface Prepped {
  id: string;
  reference: string;
  mutants: [string, string][];
  public: [string, string][];
  hidden: [string, string][];
  synth: string[];
  held: string[];
}

export async function loadCodeContests(opts: { file: string; cacheDir: string; log: (s: string) => void; seed: number; runner?: string }): Promise<Task[]> {
  if (!existsSync(opts.file)) throw new Error(`bench:selection: --codecontests ${opts.file} does not exist`);
  const grading = gradingKey([PREP, fileURLToPath(import.meta.url), CANONICAL_TS], opts.runner);
  const limits = `t=${CALL_TIMEOUT_S};floor=${GRADE_FLOOR_S};cap=${GRADE_CAP_S}`;
  const key = fileHash([opts.file], `${grading};${limits};seed=${opts.seed};m=${MUTANTS}`);
  const dir = join(opts.cacheDir, `codecontests-${key}`);
  const prepped = execFileSync(resolvePython(), [PREP, opts.file, String(opts.seed), String(MUTANTS)], {
    encoding: "utf8",
    maxBuffer: 1 << 30,
  })
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Prepped);
  const references = await checkCanonicals(
    "codecontests",
    prepped.map((p) => ({
      id: p.id,
      job: { mode: "stdin", entry: "", programs: [p.reference], inputs: [], checks: [], test: null, grade_inputs: p.hidden, grade_timeout: GRADE_CAP_S, timeout: CALL_TIMEOUT_S },
    })),
    { cacheFile: join(opts.cacheDir, `codecontests-canonical-${fileHash([opts.file], `${grading};${limits}`)}.json`), log: opts.log, runner: opts.runner },
  );
  mkdirSync(dir, { recursive: true });
  const limit = pLimit(2);
  let dropped = 0;
  const tasks = await Promise.all(
    prepped.map((p) =>
      limit(async (): Promise<Task | null> => {
        // checkCanonicals threw if any reference failed: each one here passed alone.
        const reference = references.get(p.id)!;
        const gradeLimit = Math.min(GRADE_CAP_S, calibratedLimit(reference.cpu, GRADE_FLOOR_S));
        const file = join(dir, `${p.id.replace(/[^A-Za-z0-9_-]/g, "_")}-${gradeLimit}.json`);
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
            grade_timeout: gradeLimit,
            timeout: CALL_TIMEOUT_S,
          }, opts.runner);
          // The reference passed alone in the pre-check: failing here means this batch went
          // wrong (a crash, the watchdog), so its results are not kept.
          if (results[0]!.graded !== true) {
            throw new Error(`bench:selection: ${p.id}'s reference passed alone but failed beside its mutants (${results[0]!.grade_note}); nothing cached for it`);
          }
          writeFileSync(file, JSON.stringify(results));
        }
        const ref = results[0]!;
        if (ref.checks.includes("0")) {
          dropped++; // the reference disagrees with a public example (a formatting difference): no ground truth
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
  opts.log(`codecontests: ${prepped.length} usable problems, ${dropped} dropped (reference fails a public example)`);
  return tasks.filter((t): t is Task => t !== null);
}
