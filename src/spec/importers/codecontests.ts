// CodeContests (DeepMind, CC BY 4.0) as JSONL: stdin/stdout problems with public and hidden tests.
// Reads both the reformatted rows of ../shared/data/codecontests-dev.jsonl ({input, output} lists,
// `multiple_answers_hint`) and the original layout ({input: [...], output: [...]}, time_limit, memory_limit_bytes).
import type { ProblemSpecInput } from "../schema.ts";
import { applyLimit, keepValid, parseJsonl, str, toSpecId, type ImportOptions, type ImportResult, type Row, type Skipped } from "./common.ts";

type Test = { input: string; output: string };

/** Either a list of {input, output} or the original {input: string[], output: string[]}. */
export function readTests(v: unknown): Test[] | string {
  if (v === undefined || v === null) return [];
  if (Array.isArray(v)) {
    const out: Test[] = [];
    for (const [i, t] of v.entries()) {
      const input = str((t as Row | null)?.["input"]);
      const output = str((t as Row | null)?.["output"]);
      if (input === undefined || output === undefined) return `test ${i + 1} lacks a string input or output`;
      out.push({ input, output });
    }
    return out;
  }
  if (typeof v === "object") {
    const { input, output } = v as Row;
    if (!Array.isArray(input) || !Array.isArray(output) || input.length !== output.length) return "tests are neither a list nor matching input/output lists";
    if (![...input, ...output].every((x) => typeof x === "string")) return "tests hold non-string inputs or outputs";
    return input.map((inp, i) => ({ input: inp as string, output: output[i] as string }));
  }
  return "tests are neither a list nor matching input/output lists";
}

/** Limits as the original data gives them: time_limit {seconds, nanos} or seconds, memory_limit_bytes. */
export function readLimits(row: Row): { timeMs?: number; memoryMb?: number } {
  const limits: { timeMs?: number; memoryMb?: number } = {};
  const t = row["time_limit"];
  let seconds: number | undefined;
  if (typeof t === "number") seconds = t;
  else if (t !== null && typeof t === "object") {
    const s = Number((t as Row)["seconds"] ?? 0);
    const n = Number((t as Row)["nanos"] ?? 0);
    if (Number.isFinite(s) && Number.isFinite(n)) seconds = s + n / 1e9;
  }
  if (seconds !== undefined && seconds > 0) limits.timeMs = Math.min(60_000, Math.max(1, Math.round(seconds * 1000)));
  const m = row["memory_limit_bytes"];
  if (typeof m === "number" && m > 0) limits.memoryMb = Math.min(8192, Math.max(1, Math.round(m / (1024 * 1024))));
  return limits;
}

function titleOf(statement: string, fallback: string): string {
  const m = /^#\s+(.+)$/m.exec(statement);
  const title = m?.[1]?.trim() ?? str(fallback) ?? "";
  return title === "" ? fallback : title;
}

function tagsOf(v: unknown): string[] {
  if (typeof v === "string") return v.split("\n").map((s) => s.trim()).filter((s) => s !== "");
  if (Array.isArray(v)) return v.filter((s): s is string => typeof s === "string");
  return [];
}

export function codeContestsRowToSpec(row: Row): ProblemSpecInput | Skipped {
  const name = str(row["id"]) ?? str(row["name"]);
  if (name === undefined) return { id: "?", reason: "row has no `id` or `name`" };
  const id = toSpecId(name);
  const statement = str(row["statement"]) ?? str(row["description"]);
  if (statement === undefined || statement.trim() === "") return { id, reason: "row has no statement" };
  const pub = readTests(row["public_tests"]);
  if (typeof pub === "string") return { id, reason: `public_tests: ${pub}` };
  const hidden = readTests(row["hidden_tests"] ?? row["private_tests"]);
  if (typeof hidden === "string") return { id, reason: `hidden_tests: ${hidden}` };
  const spec: ProblemSpecInput = {
    id,
    title: titleOf(statement, id),
    statement,
    io: { kind: "stdio" },
    language: "python",
    multipleAnswers: row["multiple_answers_hint"] === true,
    tests: { public: pub, hidden },
    tags: tagsOf(row["tags"] ?? row["cf_tags"]),
    source: { name: "CodeContests", url: "https://github.com/google-deepmind/code_contests", license: "CC BY 4.0" },
  };
  const limits = readLimits(row);
  if (limits.timeMs !== undefined || limits.memoryMb !== undefined) spec.limits = limits;
  return spec;
}

export function importCodeContests(text: string, opts: ImportOptions = {}): ImportResult {
  const skipped: Skipped[] = [];
  const rows = applyLimit(parseJsonl(text, skipped), opts.limit);
  const candidates: ProblemSpecInput[] = [];
  for (const { row } of rows) {
    const r = codeContestsRowToSpec(row);
    if ("reason" in r) skipped.push(r);
    else candidates.push(r);
  }
  return { specs: keepValid(candidates, "codecontests", skipped), skipped };
}
