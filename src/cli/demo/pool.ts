// The demo's recorded data: HumanEval tasks, CodeGen-16B's sampled programs for them, and the test
// calls that model wrote (microsoft/CodeT, MIT). Read by path from the shared data folder.
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { execa } from "execa";
import { resolvePython } from "../../spec/importers/python.ts";
import { probeOptions } from "../../sandbox/toolchain.ts";

export interface PoolTask {
  taskId: string;
  entryPoint: string;
  /** The HumanEval prompt plus canonical solution: the scripted judge's notion of "correct". */
  canonical: string;
  /** Programs sampled from CodeGen-16B, in the pool's order. */
  programs: string[];
  /** The model's own test calls, as JSON argument arrays, deduped, in the pool's order. */
  calls: string[];
}

/**
 * The tasks of the in-repository replay set (demo/humaneval): each one's first pool programs mix
 * right and wrong ones, so a selection is needed (graded on HumanEval's tests).
 */
export const DEMO_TASKS = [
  "HumanEval/3",
  "HumanEval/4",
  "HumanEval/5",
  "HumanEval/9",
  "HumanEval/14",
  "HumanEval/24",
  "HumanEval/27",
  "HumanEval/31",
  "HumanEval/40",
  "HumanEval/43",
  "HumanEval/44",
  "HumanEval/51",
];

export const POOL_FILE = "pools/codet-codegen16b-humaneval.jsonl";
export const TESTS_FILE = "pools/codet-codegen16b-humaneval-tests.jsonl";
export const HUMANEVAL_FILE = "humaneval.jsonl";

/** The in-repository replay set: demo/humaneval above this module (src/cli/demo or dist). */
export function inRepoDemoData(from: string = dirname(fileURLToPath(import.meta.url))): string | undefined {
  let dir = from;
  for (let up = 0; up < 5; up++) {
    if (existsSync(join(dir, "demo", "humaneval", HUMANEVAL_FILE))) return join(dir, "demo", "humaneval");
    dir = dirname(dir);
  }
  return undefined;
}

const hasDataSet = (dir: string): boolean => [HUMANEVAL_FILE, POOL_FILE, TESTS_FILE].every((f) => existsSync(join(dir, f)));

/**
 * The demo's data folder when --data is not given: $SSTAR_DATA (which must then hold the data),
 * else the full shared set beside the checkout (../shared/data) when it is there, else the small
 * set in the repository. `source` says which, for the demo's first lines.
 */
export function defaultDemoData(
  env: NodeJS.ProcessEnv = process.env,
  cwd: string = process.cwd(),
  repo: string | undefined = inRepoDemoData(),
  present: (dir: string) => boolean = hasDataSet,
): { dir: string; source: string } {
  if (env.SSTAR_DATA !== undefined && env.SSTAR_DATA.trim() !== "") return { dir: resolve(env.SSTAR_DATA), source: "$SSTAR_DATA" };
  const shared = [resolve(cwd, "..", "shared", "data"), ...(repo !== undefined ? [resolve(repo, "..", "..", "..", "shared", "data")] : [])].find(present);
  if (shared !== undefined) return { dir: shared, source: "the full shared data set" };
  if (repo !== undefined) return { dir: repo, source: `the repository's replay set, ${DEMO_TASKS.length} tasks` };
  return { dir: resolve(cwd, "demo", "humaneval"), source: "the repository's replay set" };
}

/** JSON lines of `file` whose task_id is one of `ids` (other lines are not parsed: the pool is 9 MB). */
export async function readTaskLines(file: string, ids: ReadonlySet<string>): Promise<Map<string, Record<string, unknown>>> {
  const text = await readFile(file, "utf8");
  const out = new Map<string, Record<string, unknown>>();
  for (const line of text.split("\n")) {
    const m = /^\{\s*"task_id"\s*:\s*"([^"]+)"/.exec(line);
    if (!m || !ids.has(m[1]!)) continue;
    out.set(m[1]!, JSON.parse(line) as Record<string, unknown>);
  }
  return out;
}

// Turns `assert f(1, [2]) == 3` lines into JSON argument arrays with Python's own parser:
// literal_eval only (no code runs), calls of the entry point only, JSON-representable values only.
const CALLS_PY = String.raw`
import ast, json, sys
data = json.load(sys.stdin)
out = {}
for task in data:
    name = task["entry_point"]
    seen, calls = set(), []
    for gen in task["generated_tests"]:
        for line in gen:
            try:
                tree = ast.parse(line.strip())
            except SyntaxError:
                continue
            for node in ast.walk(tree):
                if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == name and not node.keywords:
                    try:
                        args = [ast.literal_eval(a) for a in node.args]
                        text = json.dumps(args, allow_nan=False)
                    except Exception:
                        continue
                    if text not in seen:
                        seen.add(text)
                        calls.append(text)
    out[task["task_id"]] = calls
json.dump(out, sys.stdout)
`;

export async function loadPoolTasks(dataDir: string, taskIds: readonly string[]): Promise<{ tasks: PoolTask[]; humanevalLines: string[] }> {
  const ids = new Set(taskIds);
  const [he, pool, tests] = await Promise.all([
    readTaskLines(join(dataDir, HUMANEVAL_FILE), ids),
    readTaskLines(join(dataDir, POOL_FILE), ids),
    readTaskLines(join(dataDir, TESTS_FILE), ids),
  ]);
  const missing = taskIds.filter((id) => !he.has(id) || !pool.has(id));
  if (missing.length > 0) throw new Error(`not in ${dataDir}: ${missing.join(", ")} (check --data and --tasks)`);
  const python = await resolvePython();
  const payload = taskIds.map((id) => ({
    task_id: id,
    entry_point: he.get(id)!["entry_point"],
    generated_tests: (tests.get(id)?.["generated_tests"] as unknown[] | undefined) ?? [],
  }));
  const run = await execa(python, ["-I", "-c", CALLS_PY], { input: JSON.stringify(payload), timeout: 120_000, maxBuffer: 64 * 1024 * 1024, ...probeOptions() });
  const calls = JSON.parse(run.stdout) as Record<string, string[]>;
  const tasks = taskIds.map((id) => {
    const row = he.get(id)!;
    return {
      taskId: id,
      entryPoint: String(row["entry_point"]),
      canonical: `${String(row["prompt"])}${String(row["canonical_solution"])}`,
      programs: (pool.get(id)!["samples"] as string[]).slice(),
      calls: calls[id] ?? [],
    };
  });
  return { tasks, humanevalLines: taskIds.map((id) => JSON.stringify(he.get(id))) };
}
