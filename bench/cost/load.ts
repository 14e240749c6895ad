// The cost benchmark's problems: the same pools bench:selection measures (graded by its sandboxed
// runner, cached), each with the problem's spec as the engine takes it.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { importCodeContests } from "../../src/spec/importers/codecontests.ts";
import { importHumanEval } from "../../src/spec/importers/humaneval.ts";
import { specFromObject } from "../../src/spec/load.ts";
import { loadCodeContests } from "../selection/codecontests.ts";
import { resolvePython } from "../selection/exec.ts";
import { loadHumanEval, type Task } from "../selection/humaneval.ts";
import type { CostProblem } from "./replay.ts";

const jsonLines = (file: string): Record<string, unknown>[] =>
  readFileSync(file, "utf8")
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((l) => JSON.parse(l) as Record<string, unknown>);

// bench:selection keeps a call's arguments as Python source ("[1, 2], 3"); the engine takes a JSON
// argument array. literal_eval only (nothing runs); arguments JSON cannot hold give null.
const ARGS_TO_JSON_PY = String.raw`
import ast, json, sys
out = []
for text in json.load(sys.stdin):
    try:
        out.append(json.dumps(list(ast.literal_eval("(" + text + ",)")), allow_nan=False))
    except Exception:
        out.append(None)
json.dump(out, sys.stdout)
`;

function argsAsJson(texts: readonly string[]): (string | null)[] {
  const out = execFileSync(resolvePython(), ["-I", "-c", ARGS_TO_JSON_PY], { input: JSON.stringify(texts), encoding: "utf8", maxBuffer: 1 << 30 });
  return JSON.parse(out) as (string | null)[];
}

/** A Task's model-written inputs (not the public examples) and every program's cells on them. */
function modelInputsOf(task: Task, convert: (texts: string[]) => (string | null)[]): Pick<CostProblem, "modelInputs" | "cells"> {
  const idx = task.inputs.map((_, i) => i).slice(task.publicCount);
  const converted = convert(idx.map((i) => task.inputs[i]!));
  const kept = idx.filter((_, k) => converted[k] !== null);
  const modelInputs = converted.filter((c): c is string => c !== null);
  if (new Set(modelInputs).size !== modelInputs.length) {
    // Two Python spellings of one JSON value (a tuple and a list): keep the first.
    const seen = new Set<string>();
    const keep = modelInputs.map((m) => (seen.has(m) ? false : (seen.add(m), true)));
    return {
      modelInputs: modelInputs.filter((_, k) => keep[k]),
      cells: task.cells.map((row) => kept.filter((_, k) => keep[k]).map((i) => ({ ok: row[i]![0], output: row[i]![1] }))),
    };
  }
  return { modelInputs, cells: task.cells.map((row) => kept.map((i) => ({ ok: row[i]![0], output: row[i]![1] }))) };
}

/** The pool holds a correct program and a wrong one that passes every public test: selection can go either way. */
function contested(task: Task): boolean {
  const passesPublic = (i: number) => task.publicPassed[i] === task.publicTotal;
  return task.correct.some(Boolean) && task.correct.some((ok, i) => !ok && passesPublic(i));
}

export async function loadHumanEvalProblems(opts: { pool: string; inputs: string; problems: string; cacheDir: string; log: (s: string) => void }): Promise<CostProblem[]> {
  const tasks = await loadHumanEval(opts);
  const rows = new Map(jsonLines(opts.problems).map((r) => [String(r["task_id"]), r]));
  const wanted = tasks.map((t) => rows.get(t.id)!);
  const imported = await importHumanEval(wanted.map((r) => JSON.stringify(r)).join("\n"));
  const specs = new Map(imported.specs.map((s) => [s.id, specFromObject(s, opts.problems)]));
  const out: CostProblem[] = [];
  for (const task of tasks) {
    const spec = specs.get(`humaneval-${task.id.replace(/^HumanEval\//, "")}`);
    if (spec === undefined) {
      opts.log(`bench:cost: ${task.id}: the HumanEval importer skipped it (${imported.skipped.find((s) => s.id === task.id)?.reason ?? "no spec"})`);
      continue;
    }
    out.push({ id: task.id, spec, programs: task.programs, correct: task.correct, contested: contested(task), ...modelInputsOf(task, argsAsJson) });
  }
  return out;
}

export async function loadCodeContestsProblems(opts: { file: string; cacheDir: string; log: (s: string) => void; seed: number }): Promise<CostProblem[]> {
  const tasks = await loadCodeContests(opts);
  const rows = new Map(jsonLines(opts.file).map((r) => [String(r["id"]), r]));
  const out: CostProblem[] = [];
  for (const task of tasks) {
    const imported = importCodeContests(JSON.stringify(rows.get(task.id)));
    const s = imported.specs[0];
    if (s === undefined) {
      opts.log(`bench:cost: ${task.id}: the CodeContests importer skipped it (${imported.skipped[0]?.reason ?? "no spec"})`);
      continue;
    }
    out.push({ id: task.id, spec: specFromObject(s, opts.file), programs: task.programs, correct: task.correct, contested: contested(task), ...modelInputsOf(task, (t) => t) });
  }
  return out;
}

/**
 * The pool a strong model would give: its correct programs make up three quarters of it (each
 * correct program of the pool repeated in turn), its wrong ones the rest, once each.
 */
export function strongVariant(p: CostProblem): CostProblem {
  const right = p.programs.map((_, i) => i).filter((i) => p.correct[i]);
  const wrong = p.programs.map((_, i) => i).filter((i) => !p.correct[i]);
  if (right.length === 0) return p;
  const picks = [...Array.from({ length: Math.max(3 * wrong.length, right.length) }, (_, k) => right[k % right.length]!), ...wrong];
  return { ...p, programs: picks.map((i) => p.programs[i]!), correct: picks.map((i) => p.correct[i]!), cells: picks.map((i) => p.cells[i]!) };
}

/**
 * The pool a weaker model would give, where the model struggles: one program in eight correct
 * (each correct program of the pool once, the wrong ones repeated in turn to make up the rest).
 * A pool with no wrong program stays as it is.
 */
export function hardVariant(p: CostProblem): CostProblem {
  const right = p.programs.map((_, i) => i).filter((i) => p.correct[i]);
  const wrong = p.programs.map((_, i) => i).filter((i) => !p.correct[i]);
  if (right.length === 0 || wrong.length === 0) return p;
  const picks = [...right, ...Array.from({ length: Math.max(7 * right.length, wrong.length) }, (_, k) => wrong[k % wrong.length]!)];
  return { ...p, programs: picks.map((i) => p.programs[i]!), correct: picks.map((i) => p.correct[i]!), cells: picks.map((i) => p.cells[i]!) };
}
