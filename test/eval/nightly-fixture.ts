// A small nightly set that needs no shared data: "print n + k" for k = 1..count, each with one
// public example and hidden tests, and a scripted model that answers each generation request with
// the right program, or a "broken" one that memorizes the public example (passes it, fails the
// hidden tests), or, for "flaky" problems, the broken one first and the right one afterwards.
import { SYSTEM_PROMPTS } from "../../src/engine/prompts.ts";
import type { ProblemSpecInput } from "../../src/spec/schema.ts";
import { startScriptedChatServer, type ScriptedChatServer, type ScriptRequest } from "../fixtures/chat-server.ts";

export function problemId(k: number): string {
  return `add-${String(k).padStart(2, "0")}`;
}

export function nightlySpecs(count: number): ProblemSpecInput[] {
  return Array.from({ length: count }, (_, i) => {
    const k = i + 1;
    return {
      id: problemId(k),
      title: `Add ${k}`,
      statement: `Read one integer n and print n + ${k}. (problem tag: ${problemId(k)})`,
      io: { kind: "stdio" },
      language: "python",
      tests: {
        public: [{ input: "1\n", output: `${1 + k}\n` }],
        hidden: [5, -3, 100].map((n) => ({ input: `${n}\n`, output: `${n + k}\n` })),
      },
    };
  });
}

export interface NightlyModel {
  server: ScriptedChatServer;
  count: number;
  /** Problems (by id) answered with the broken program. */
  broken: Set<string>;
  /** Problems whose first generation is broken and every later one right. */
  flakyOnce: Set<string>;
  /** Generation requests answered so far, by problem id. */
  generations: Map<string, number>;
  /** Answer every request with 401 (a revoked key). */
  refuseKey: boolean;
}

export async function startNightlyModel(count: number): Promise<NightlyModel> {
  const broken = new Set<string>();
  const flakyOnce = new Set<string>();
  const generations = new Map<string, number>();
  const state = { refuseKey: false };
  const reply = (req: ScriptRequest) => {
    if (state.refuseKey) return { fault: "status" as const, status: 401, body: { error: { message: "Incorrect API key provided" } } };
    const k = Array.from({ length: count }, (_, i) => i + 1).find((n) => req.text.includes(`problem tag: ${problemId(n)})`));
    if (k === undefined || req.system !== SYSTEM_PROMPTS.generate) return { fault: "status" as const, status: 400, body: { error: { message: "no scripted answer" } } };
    const id = problemId(k);
    const nth = (generations.get(id) ?? 0) + 1;
    generations.set(id, nth);
    const bad = broken.has(id) || (flakyOnce.has(id) && nth === 1);
    const code = bad ? `n = int(input())\nprint(${1 + k} if n == 1 else 0)` : `print(int(input()) + ${k})`;
    return "```python\n" + code + "\n```";
  };
  const server = await startScriptedChatServer([{ name: "model", reply }]);
  return {
    server,
    count,
    broken,
    flakyOnce,
    generations,
    get refuseKey() {
      return state.refuseKey;
    },
    set refuseKey(value: boolean) {
      state.refuseKey = value;
    },
  };
}

/** S* settings that make one model call per problem: one sample, no debugging, the `first` pick. */
export const ONE_CALL = ["--samples", "1", "--rounds", "0", "--selection", "first"];
