// Rebuilds demo/humaneval/ (the demo's in-repository replay set) from the full shared data:
//   npx tsx scripts/make-demo-data.ts [SHARED_DATA_DIR]
// Keeps DEMO_TASKS, the first PROGRAMS pool programs of each (enough for --samples 8 --rounds 2)
// and at most TEST_LINES distinct model-written assert lines, in the shared files' formats.
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { DEMO_TASKS } from "../src/cli/demo/pool.ts";

const PROGRAMS = 24;
const TEST_LINES = 60;
const from = resolve(process.argv[2] ?? process.env.SSTAR_DATA ?? "../shared/data");
const to = resolve("demo/humaneval");

async function rows(file: string): Promise<Map<string, Record<string, unknown>>> {
  const out = new Map<string, Record<string, unknown>>();
  for (const line of (await readFile(join(from, file), "utf8")).split("\n")) {
    if (line.trim() === "") continue;
    const row = JSON.parse(line) as Record<string, unknown>;
    if (DEMO_TASKS.includes(String(row["task_id"]))) out.set(String(row["task_id"]), row);
  }
  for (const id of DEMO_TASKS) if (!out.has(id)) throw new Error(`${join(from, file)}: no ${id}`);
  return out;
}

const [he, pool, tests] = await Promise.all([rows("humaneval.jsonl"), rows("pools/codet-codegen16b-humaneval.jsonl"), rows("pools/codet-codegen16b-humaneval-tests.jsonl")]);
const jsonl = (items: unknown[]): string => items.map((x) => JSON.stringify(x)).join("\n") + "\n";
await mkdir(join(to, "pools"), { recursive: true });
await writeFile(join(to, "humaneval.jsonl"), jsonl(DEMO_TASKS.map((id) => he.get(id))));
await writeFile(join(to, "pools/codet-codegen16b-humaneval.jsonl"), jsonl(DEMO_TASKS.map((id) => ({ task_id: id, samples: (pool.get(id)!["samples"] as string[]).slice(0, PROGRAMS) }))));
await writeFile(
  join(to, "pools/codet-codegen16b-humaneval-tests.jsonl"),
  jsonl(
    DEMO_TASKS.map((id) => {
      const lines = [...new Set((tests.get(id)!["generated_tests"] as string[][]).flat().filter((l) => !l.includes("_________")))].slice(0, TEST_LINES);
      return { task_id: id, generated_tests: [lines] };
    }),
  ),
);
console.log(`wrote ${to} (${DEMO_TASKS.length} tasks)`);
