// The offline demo's model: a local chat-completions server (real HTTP, the real client talks to
// it) that answers every S* stage from recorded data instead of a live model.
//
//   generate   the k-th generation request for a task gets pool program k (CodeGen-16B's own
//              sample), wrapped as a fenced reply;
//   debug      a conversation whose latest program is pool program j gets program j + N (the
//              "next" sample of the pool, N = samples per task): real code, not a real repair;
//   synthesize the task's test-call inputs that CodeGen-16B wrote itself (arguments only);
//   separate   further calls from that same list;
//   judge      SCRIPTED: for each case it runs the canonical HumanEval solution on the input (in
//              the sandbox), prefers the program whose output equals the canonical one, and is
//              right with a fixed probability (default 0.8), decided by a hash of the prompt so a
//              run is reproducible; the two orders of one match are independent draws, so the
//              scripted judge can contradict itself like a real one. Code-only questions get TIE.
import { createHash } from "node:crypto";
import { serveChatCompletions, type ChatHandlerResult, type ChatServer } from "../../replay/index.ts";
import { extractCode } from "../../model/index.ts";
import { stageOfMessages } from "../../engine/prompts.ts";
import { fence } from "../../engine/text.ts";
import type { ChatMessage } from "../../model/types.ts";
import type { PoolTask } from "./pool.ts";

export const REPLAY_MODEL_NAME = "replay:codegen16b-humaneval-pool";
export const REPLAY_JUDGE_NAME = "replay:scripted-judge";

export interface ReplayModelOptions {
  tasks: readonly PoolTask[];
  /** N: a debugging round serves the program N places further in the pool. */
  samples: number;
  /** Probability that the scripted judge names the output matching the canonical solution. */
  judgeAccuracy: number;
  /** The canonical solution's output (JSON) on an input, or null when it fails on it. */
  canonicalOutput(taskId: string, input: string): Promise<string | null>;
}

export interface ReplayStats {
  byStage: Record<string, number>;
}

/** A number in [0, 1) from a hash of `text`: the scripted judge's reproducible coin. */
export function hashUnit(text: string): number {
  const h = createHash("sha256").update(text).digest();
  return h.readUInt32BE(0) / 2 ** 32;
}

/** The judge prompt's cases: input and the two outputs, as the engine fenced them. */
export function parseJudgeCases(prompt: string): { input: string; first: string; second: string }[] {
  const re =
    /Case \d+\. [^\n]*:\n(`{3,})[^`\n]*\n([\s\S]*?)\n\1\nProgram 1's [^\n]*:\n(`{3,})[^`\n]*\n([\s\S]*?)\n\3\nProgram 2's [^\n]*:\n(`{3,})[^`\n]*\n([\s\S]*?)\n\5/g;
  return [...prompt.matchAll(re)].map((m) => ({ input: m[2] ?? "", first: m[4] ?? "", second: m[6] ?? "" }));
}

/** Which output the canonical solution agrees with: "1", "2" or "TIE" (both or neither). */
export function truthfulVerdict(cases: { first: string; second: string; canonical: string | null }[]): "1" | "2" | "TIE" {
  let score = 0;
  for (const c of cases) {
    if (c.canonical === null) continue;
    const a = c.first === c.canonical;
    const b = c.second === c.canonical;
    if (a && !b) score++;
    if (b && !a) score--;
  }
  return score > 0 ? "1" : score < 0 ? "2" : "TIE";
}

function fenceJson(items: string[]): string {
  return `\`\`\`json\n[${items.join(", ")}]\n\`\`\``;
}

export async function startReplayModel(options: ReplayModelOptions): Promise<ChatServer & { stats: ReplayStats }> {
  const byTitle = new Map(options.tasks.map((t) => [t.taskId, t]));
  const generated = new Map<string, number>();
  const separated = new Map<string, number>();
  const synthesized = new Map<string, number>();
  const stats: ReplayStats = { byStage: {} };

  const reply = (content: string): ChatHandlerResult => ({ content });
  const refuse = (why: string): ChatHandlerResult => ({
    fault: "status",
    status: 400,
    body: { error: { message: `replay model: ${why}`, type: "invalid_request_error", code: null, param: null } },
  });

  const server = await serveChatCompletions(async (request) => {
    const messages = ((request.body as { messages?: ChatMessage[] } | undefined)?.messages ?? []).map((m) => ({
      role: m.role,
      content: typeof m.content === "string" ? m.content : "",
    }));
    const stage = stageOfMessages(messages);
    const firstUser = messages.find((m) => m.role === "user")?.content ?? "";
    const taskId = /(HumanEval\/\d+):/.exec(firstUser)?.[1];
    const task = taskId === undefined ? undefined : byTitle.get(taskId);
    if (stage === null) return refuse("not an S* prompt");
    if (task === undefined) return refuse("no recorded data for this problem");
    stats.byStage[stage] = (stats.byStage[stage] ?? 0) + 1;
    const pool = task.programs;
    switch (stage) {
      case "generate": {
        const k = generated.get(task.taskId) ?? 0;
        generated.set(task.taskId, k + 1);
        return reply(`Recorded sample ${k} of the pool.\n\n${fence(pool[k % pool.length] ?? "", "python")}\n`);
      }
      case "debug": {
        const assistants = messages.filter((m) => m.role === "assistant");
        const last = extractCode(assistants[assistants.length - 1]?.content ?? "", "python")?.trim() ?? "";
        const j = pool.findIndex((p) => p.trim() === last);
        const next = j < 0 ? assistants.length * options.samples : j + options.samples;
        return reply(`The previous program fails some examples; here is another recorded sample (${next % pool.length}).\n\n${fence(pool[next % pool.length] ?? "", "python")}\n`);
      }
      case "synthesize": {
        const count = Number(/Write (\d+) new test inputs/.exec(firstUser)?.[1] ?? "10");
        synthesized.set(task.taskId, Math.max(synthesized.get(task.taskId) ?? 0, count));
        return reply(`The model's own test calls:\n\n${fenceJson(task.calls.slice(0, count))}`);
      }
      case "separate": {
        const k = separated.get(task.taskId) ?? 0;
        separated.set(task.taskId, k + 1);
        const count = Number(/Find up to (\d+) valid inputs/.exec(firstUser)?.[1] ?? "3");
        // Calls after the ones synthesis served, a fresh slice per request.
        const start = (synthesized.get(task.taskId) ?? 0) + k * count;
        return reply(fenceJson(task.calls.slice(start, start + count)));
      }
      case "judge": {
        const cases = parseJudgeCases(firstUser);
        if (cases.length === 0) return reply("Scripted replay judge: no executed cases to compare (code-only question).\nANSWER: TIE");
        const withTruth = await Promise.all(cases.map(async (c) => ({ ...c, canonical: await options.canonicalOutput(task.taskId, c.input) })));
        const truth = truthfulVerdict(withTruth);
        const right = hashUnit(firstUser) < options.judgeAccuracy;
        const answer = truth === "TIE" || right ? truth : truth === "1" ? "2" : "1";
        const lines = withTruth.map((c, i) => `Case ${i + 1}: the canonical solution returns ${c.canonical ?? "(an error)"}.`);
        return reply(`Scripted replay judge (right with probability ${options.judgeAccuracy}; this answer is ${right || truth === "TIE" ? "the truthful one" : "deliberately wrong"}).\n${lines.join("\n")}\nANSWER: ${answer}`);
      }
      default:
        return refuse(`unexpected stage ${String(stage)}`);
    }
  });
  return Object.assign(server, { stats });
}
