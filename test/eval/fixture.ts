// Six small CodeContests problems, imported with the real importer, and a scripted model that
// answers with their reference solutions, or with a "broken" variant that memorizes the public
// examples (passes the public tests, fails the hidden ones): the overfitting a real model does.
import { readFileSync } from "node:fs";
import { SYSTEM_PROMPTS } from "../../src/engine/prompts.ts";
import { importCodeContests } from "../../src/spec/importers/codecontests.ts";
import { checkSpecObject } from "../../src/spec/load.ts";
import type { ProblemSpec, ProblemSpecInput } from "../../src/spec/schema.ts";
import { CODECONTESTS_SUBSET_FILE } from "../fixtures/shared-data.ts";
import { startScriptedChatServer, type ScriptedChatServer, type ScriptReply, type ScriptRequest } from "../fixtures/chat-server.ts";

/** The subset's rows, copied into the repository: these tests need no shared data. */
export const DATA_FILE = CODECONTESTS_SUBSET_FILE;
export const SUBSET = [
  "1068_b_lcm_2510",
  "1141_a_game_23_2618",
  "1243_c_tile_painting_2415",
  "1360_d_buying_shovels_6584",
  "327_c_magic_five_12222",
  "627_a_xor_equation_4011",
];

export interface Problem {
  input: ProblemSpecInput;
  spec: ProblemSpec;
  reference: string;
}

export function loadSubset(): Problem[] {
  const rows = readFileSync(DATA_FILE, "utf8")
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => JSON.parse(line) as { id: string; reference_solution_py: string })
    .filter((row) => SUBSET.includes(row.id));
  const imported = importCodeContests(rows.map((r) => JSON.stringify(r)).join("\n"));
  if (imported.specs.length !== SUBSET.length) throw new Error(`expected ${SUBSET.length} specs, got ${imported.specs.length}: ${JSON.stringify(imported.skipped)}`);
  return imported.specs.map((input) => {
    const r = checkSpecObject(input, input.id);
    if (!r.ok) throw new Error(`spec ${input.id} does not validate`);
    return { input, spec: r.spec, reference: rows.find((row) => row.id === input.id)!.reference_solution_py };
  });
}

/** Passes the public examples by memorizing them; prints 0 otherwise. */
export function brokenVariant(spec: ProblemSpec): string {
  const table = Object.fromEntries(spec.tests.public.map((t) => [t.input.trim(), t.output ?? ""]));
  return ["import sys", `EXAMPLES = ${JSON.stringify(table)}`, "data = sys.stdin.read().strip()", 'print(EXAMPLES.get(data, "0"))'].join("\n");
}

export interface ScriptedModel {
  server: ScriptedChatServer;
  /** Problems answered with the broken variant (by id). */
  broken: Set<string>;
  /** Problems whose generation requests hang (never answered): an interrupted run. */
  hang: Set<string>;
  /** Chat requests so far that belong to the problem. */
  requestsFor(id: string): number;
}

function problemOf(problems: readonly Problem[], text: string): Problem | undefined {
  // The prompt fences the title with the statement: the title is the fenced block's first line.
  return problems.find((p) => text.includes(`text\n${p.spec.title}\n\n`));
}

export async function startScriptedModel(problems: readonly Problem[]): Promise<ScriptedModel> {
  const broken = new Set<string>();
  const hang = new Set<string>();
  const reply = (req: ScriptRequest): ScriptReply => {
    const p = problemOf(problems, req.text);
    if (!p) return { fault: "status", status: 400, body: { error: { message: "unknown problem" } } };
    if (req.system === SYSTEM_PROMPTS.synthesize) {
      return "Edge cases:\n```json\n" + JSON.stringify(p.spec.tests.public.map((t) => t.input)) + "\n```";
    }
    if (req.system === SYSTEM_PROMPTS.generate) {
      if (hang.has(p.spec.id)) return { fault: "hang" };
      const code = broken.has(p.spec.id) ? brokenVariant(p.spec) : p.reference;
      return "Here is the program.\n```python\n" + code + "\n```";
    }
    return { fault: "status", status: 400, body: { error: { message: "no scripted answer for this stage" } } };
  };
  const server = await startScriptedChatServer([{ name: "model", reply }]);
  return {
    server,
    broken,
    hang,
    requestsFor(id: string) {
      const p = problems.find((x) => x.spec.id === id)!;
      return server.chatRequests.filter((r) => {
        const body = r.body as { messages?: { content?: unknown }[] } | undefined;
        const text = (body?.messages ?? []).map((m) => (typeof m.content === "string" ? m.content : "")).join("\n");
        return problemOf([p], text) !== undefined;
      }).length;
    },
  };
}
