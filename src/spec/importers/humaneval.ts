// OpenAI HumanEval (MIT) as JSONL: Python function-call problems. Hidden test: the dataset's `check`
// function, run on the candidate. Public tests: the docstring's examples that the canonical solution
// agrees with (doctests and `f(x) == y` / `f(x) ➞ y` / ... lines), found by one batched Python run.
// That run executes the dataset's code (prompt, canonical solution, tests), so it runs in the
// sandbox like any candidate: no environment, no network, no view of the caller's files.
import type { ProblemSpecInput } from "../schema.ts";
import { applyLimit, keepValid, parseJsonl, str, toSpecId, type ImportOptions, type ImportResult, type Skipped } from "./common.ts";
import { extractExampleCandidates, type ExampleCandidate } from "./docstring-examples.ts";
import { HUMANEVAL_CHECK_PY } from "./humaneval-python.ts";
import { createSandbox } from "../../sandbox/pool.ts";
import type { Sandbox } from "../../sandbox/types.ts";

export interface HumanEvalTask {
  task_id: string;
  prompt: string;
  entry_point: string;
  canonical_solution: string;
  test: string;
}

interface PythonTaskResult {
  task_id: string;
  error?: string;
  params?: { name: string; type: string }[];
  returns?: string;
  helpers?: string;
  examples: { args: unknown[]; expected: unknown; line: number }[];
  rejected: number;
}

export interface HumanEvalImportOptions extends ImportOptions {
  /** The sandbox to run the example check in; when not given one is made (backend auto) and closed. */
  sandbox?: Sandbox;
  /** Whole batch CPU time limit, in ms (each example call also has its own 2 s limit). */
  timeoutMs?: number;
}

export interface HumanEvalImportResult extends ImportResult {
  /** Tasks that got at least one public example. */
  withExamples: number;
  /** Example candidates found in docstrings but dropped (not literals, or the canonical solution disagrees). */
  rejectedExamples: number;
}

function readTask(row: Record<string, unknown>): HumanEvalTask | string {
  const fields = ["task_id", "prompt", "entry_point", "canonical_solution", "test"] as const;
  for (const f of fields) if (str(row[f]) === undefined) return `missing string field \`${f}\``;
  return row as unknown as HumanEvalTask;
}

export function humanEvalId(taskId: string): string {
  return toSpecId(taskId.replace(/^HumanEval\//i, "humaneval-"));
}

/** The hidden test: prompt helpers (some checks call them), the dataset's check(), then the call. */
export function hiddenAssert(helpers: string, test: string): string {
  return [helpers.trim(), test.trim(), "check(candidate)"].filter((s) => s !== "").join("\n\n\n") + "\n";
}

export function humanEvalSpec(task: HumanEvalTask, r: PythonTaskResult): ProblemSpecInput {
  const id = humanEvalId(task.task_id);
  return {
    id,
    title: `${task.task_id}: ${task.entry_point}`,
    statement: `Complete the Python function \`${task.entry_point}\`: keep the signature, implement the body as its docstring describes.\n\n\`\`\`python\n${task.prompt.trim()}\n\`\`\`\n`,
    io: { kind: "function", name: task.entry_point, params: r.params ?? [], returns: r.returns ?? "any", starter: task.prompt },
    language: "python",
    tests: {
      public: r.examples.map((e) => ({ args: e.args, expected: e.expected })),
      hidden: [{ name: "check", assert: hiddenAssert(r.helpers ?? "", task.test) }],
    },
    tags: ["humaneval"],
    source: { name: "HumanEval", url: "https://github.com/openai/human-eval", license: "MIT" },
  };
}

export async function importHumanEval(text: string, opts: HumanEvalImportOptions = {}): Promise<HumanEvalImportResult> {
  const skipped: Skipped[] = [];
  const tasks: (HumanEvalTask & { candidates: ExampleCandidate[] })[] = [];
  for (const { line, row } of applyLimit(parseJsonl(text, skipped), opts.limit)) {
    const t = readTask(row);
    if (typeof t === "string") {
      skipped.push({ id: str(row["task_id"]) ?? `line ${line}`, reason: t });
      continue;
    }
    tasks.push({ ...t, candidates: extractExampleCandidates(t.prompt, t.entry_point) });
  }
  const payload = JSON.stringify(tasks.map(({ task_id, prompt, entry_point, canonical_solution, test, candidates }) => ({ task_id, prompt, entry_point, canonical_solution, test, candidates })));
  const sandbox = opts.sandbox ?? (await createSandbox({ backend: "auto", workers: 1, cache: false }));
  let run;
  try {
    run = await sandbox.run({
      program: { language: "python", code: HUMANEVAL_CHECK_PY },
      io: { kind: "stdio" },
      input: payload,
      limits: { timeMs: opts.timeoutMs ?? 300_000, memoryMb: 2048, outputBytes: 256 * 1024 * 1024 },
    });
  } finally {
    if (opts.sandbox === undefined) await sandbox.close();
  }
  if (run.status !== "ok") {
    throw new Error(`the HumanEval example check (run in the ${sandbox.backend} sandbox) ended with ${run.status}: ${run.stderrTail.trim().split("\n").slice(-3).join(" ")}`);
  }
  const results = JSON.parse(run.output) as PythonTaskResult[];
  const candidates: ProblemSpecInput[] = [];
  let withExamples = 0;
  let rejectedExamples = 0;
  tasks.forEach((task, i) => {
    const r = results[i];
    if (r === undefined || r.task_id !== task.task_id) {
      skipped.push({ id: task.task_id, reason: "no result from the Python check" });
      return;
    }
    if (r.error !== undefined) {
      skipped.push({ id: task.task_id, reason: r.error });
      return;
    }
    if (r.examples.length > 0) withExamples++;
    rejectedExamples += r.rejected;
    candidates.push(humanEvalSpec(task, r));
  });
  return { specs: keepValid(candidates, "humaneval", skipped), skipped, withExamples, rejectedExamples };
}
