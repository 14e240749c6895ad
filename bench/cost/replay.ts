// The cost benchmark's model: the local chat-completions server (real HTTP; the real model client
// talks to it) answering every S* stage from a pool of real programs, one problem at a time.
//
//   generate    a program of the pool, drawn without replacement in a seeded order per problem;
//   debug       the next program of that same draw (a fresh sample, as a model asked again
//               would give: real code, not a real repair); a pool drawn dry is drawn again in a
//               new seeded order;
//   synthesize  the first `count` of the pool's model-written inputs in a seeded order;
//   separate    the simulated `separate` of bench:selection (sim.ts): up to 3 of the inputs not
//               served to synthesis on which the two programs differ;
//   judge       the simulated judge of bench:selection (sim.ts): it recognises both programs by
//               their code in the prompt and is right with the given accuracy when exactly one
//               is correct (code-only questions: the code accuracy).
//
// Every prompt and completion is counted by a real tokenizer (tokens.ts), reported in `usage`, and
// recorded in a ledger with its cached prefix (under the named provider's caching rules) and its
// time on the wire. It runs in a worker thread of its own (replay-worker.ts), so its tokenizing
// never holds up the engine and every reply comes after the fixed latency.
import { serveChatCompletions, type ChatHandlerResult, type ChatServer } from "../../src/replay/index.ts";
import { stageOfMessages } from "../../src/engine/prompts.ts";
import { fence } from "../../src/engine/text.ts";
import type { Cell, JudgeQuestion, SelectionEnv } from "../../src/engine/select/index.ts";
import type { ChatMessage } from "../../src/model/types.ts";
import type { ProblemSpec } from "../../src/spec/schema.ts";
import { hash32, rng, shuffled, simEnv, type SimJudge } from "../selection/sim.ts";
import { completionTokens, PrefixCache, promptIds, reasoningText, type CacheRules } from "./tokens.ts";

export interface CostProblem {
  /** The data set's task id. */
  id: string;
  spec: ProblemSpec;
  /** The pool's programs and their hidden grading. */
  programs: string[];
  correct: boolean[];
  /** The model-written inputs, as the engine takes them (JSON argument arrays, or stdin). */
  modelInputs: string[];
  /** Per program, its cell on each model input (for `separate`). */
  cells: Cell[][];
  /** Rows can differ here: a correct program and a wrong one passing every public test are both in the pool. */
  contested: boolean;
}

export interface LedgerEntry {
  stage: string;
  /** Choices the request asked for and got (`n`): each is one of the engine's calls. */
  choices: number;
  promptTokens: number;
  cachedPromptTokens: number;
  completionTokens: number;
  /** Milliseconds since the problem began: when the request arrived, and when it was answered. */
  startMs: number;
  endMs: number;
}

export interface CostReplay extends ChatServer {
  /** Serve `problem` from now on (one problem at a time); `seed` fixes its draw. */
  begin(problem: CostProblem, seed: string): void;
  /** The requests served for the current problem. */
  ledger(): LedgerEntry[];
}

const trimmed = (code: string) => code.trim();

/** A fenced block following `label` in a prompt (the engine fences untrusted text with `fence`). */
function fencedAfter(prompt: string, label: string): string | null {
  const at = prompt.indexOf(`${label}\n`);
  if (at < 0) return null;
  const m = /^(`{3,})[^\n]*\n([\s\S]*?)\n\1(?:\n|$)/.exec(prompt.slice(at + label.length + 1));
  return m ? m[2]! : null;
}

/**
 * Reply lengths beyond the program or the verdict: a judge asked to work out each case step by
 * step before its ANSWER line reasons for JUDGE_REASONING_TOKENS tokens; a debugging reply asked
 * to "explain briefly why the program fails" explains in DEBUG_EXPLANATION_TOKENS before the code.
 * (Round figures for gpt-4o-mini-class replies to such prompts; no recorded replies to measure.)
 */
export const JUDGE_REASONING_TOKENS = 300;
export const DEBUG_EXPLANATION_TOKENS = 80;

export interface CostReplayOptions {
  judge: SimJudge;
  /** Every reply is sent this long after its request arrived. */
  latencyMs: number;
  cacheRules: CacheRules;
}

export async function startCostReplay(opts: CostReplayOptions): Promise<CostReplay> {
  let problem: CostProblem | undefined;
  let state:
    | {
        t0: number;
        order: number[];
        drawn: number;
        rounds: number;
        seed: string;
        synthServed: number;
        env: SelectionEnv;
        byCode: Map<string, number>;
        cache: PrefixCache;
        entries: LedgerEntry[];
        /** The ledger entry of each request, by the server's request index (its later choices add to it). */
        byRequest: Map<number, LedgerEntry>;
      }
    | undefined;

  const refuse = (why: string): ChatHandlerResult => ({
    fault: "status",
    status: 400,
    body: { error: { message: `cost replay: ${why}`, type: "invalid_request_error", code: null, param: null } },
  });

  const nextProgram = (): number => {
    const s = state!;
    if (s.drawn === s.order.length) {
      // The pool is drawn dry: draw it again in a new order.
      s.rounds++;
      s.order = shuffled(problem!.programs.map((_, i) => i), rng(hash32(`${s.seed}|draw|${s.rounds}`)));
      s.drawn = 0;
    }
    return s.order[s.drawn++]!;
  };

  const indexOf = (code: string | null): number => {
    const i = code === null ? undefined : state!.byCode.get(trimmed(code));
    if (i === undefined) throw new Error("bench:cost: a prompt shows a program that is not in the pool (the replay cannot judge it)");
    return i;
  };

  const inputList = (items: readonly string[]): string =>
    problem!.spec.io.kind === "function" ? `\`\`\`json\n[${items.join(", ")}]\n\`\`\`` : `\`\`\`json\n${JSON.stringify(items)}\n\`\`\``;

  const answer = async (stage: string, user: string): Promise<string> => {
    const p = problem!;
    const s = state!;
    const lang = p.spec.language;
    switch (stage) {
      case "generate": {
        const k = nextProgram();
        return `Here is the program.\n\n${fence(p.programs[k]!, lang)}\n`;
      }
      case "debug": {
        const k = nextProgram();
        return `${reasoningText(DEBUG_EXPLANATION_TOKENS)}\n\n${fence(p.programs[k]!, lang)}\n`;
      }
      case "synthesize": {
        const count = Number(/Write (\d+) new test inputs/.exec(user)?.[1] ?? "10");
        s.synthServed = Math.max(s.synthServed, count);
        return `Test inputs:\n\n${inputList(shuffledInputs(p, s.seed).slice(0, count))}`;
      }
      case "separate": {
        const a = p.programs[indexOf(fencedAfter(user, "Program A:"))]!;
        const b = p.programs[indexOf(fencedAfter(user, "Program B:"))]!;
        const inputs = await s.env.separate({ index: 0, code: a, publicPassed: 0, publicTotal: 0 }, { index: 1, code: b, publicPassed: 0, publicTotal: 0 });
        return inputList(inputs);
      }
      case "judge": {
        const first = p.programs[indexOf(fencedAfter(user, "Program 1:"))]!;
        const second = p.programs[indexOf(fencedAfter(user, "Program 2:"))]!;
        const codeOnly = !/\nCase 1\. /.test(user);
        // The question as sim.ts keys it: the prompt's own text stands for the inputs shown.
        const q: JudgeQuestion = { inputs: codeOnly ? [] : [{ input: user, firstOutput: "", secondOutput: "" }], firstCode: first, secondCode: second, codeOnly };
        const { choice } = await s.env.judge(q);
        return `${reasoningText(JUDGE_REASONING_TOKENS)}\nANSWER: ${choice === "first" ? "1" : "2"}`;
      }
      default:
        throw new Error(`bench:cost: unexpected stage ${stage}`);
    }
  };

  const server = await serveChatCompletions(async (request) => {
    if (problem === undefined || state === undefined) return refuse("no problem begun");
    const startMs = performance.now() - state.t0;
    const messages: ChatMessage[] = ((request.body as { messages?: { role: ChatMessage["role"]; content: unknown }[] } | undefined)?.messages ?? []).map((m) => ({
      role: m.role,
      content: typeof m.content === "string" ? m.content : JSON.stringify(m.content),
    }));
    const stage = stageOfMessages(messages);
    if (stage === null) return refuse("not an S* prompt");
    const user = messages.find((m) => m.role === "user")?.content ?? "";
    const content = await answer(stage, user);
    const completion = completionTokens(content);
    // A request with `n` calls the handler once per choice: the prompt is billed (and looked up in
    // the prefix cache) once, with the first choice; later choices add their completion only.
    const earlier = request.choice > 0 ? state.byRequest.get(request.index) : undefined;
    if (earlier !== undefined) {
      earlier.choices += 1;
      earlier.completionTokens += completion;
      return { content, promptTokens: 0, completionTokens: completion, delayMs: opts.latencyMs };
    }
    const ids = promptIds(messages);
    const prompt = ids.length;
    const cached = state.cache.lookup(ids);
    // The prompt is cached for later requests once this one has completed (its reply sent), never while in flight.
    const cache = state.cache;
    setTimeout(() => cache.remember(ids), opts.latencyMs).unref();
    const entry: LedgerEntry = { stage, choices: 1, promptTokens: prompt, cachedPromptTokens: cached, completionTokens: completion, startMs, endMs: performance.now() - state.t0 + opts.latencyMs };
    state.entries.push(entry);
    state.byRequest.set(request.index, entry);
    return { content, promptTokens: prompt, cachedPromptTokens: cached, completionTokens: completion, delayMs: opts.latencyMs };
  });

  return Object.assign(server, {
    begin(p: CostProblem, seed: string) {
      problem = p;
      const order = shuffled(p.programs.map((_, i) => i), rng(hash32(`${seed}|draw|0`)));
      const byCode = new Map<string, number>();
      p.programs.forEach((c, i) => {
        if (!byCode.has(trimmed(c))) byCode.set(trimmed(c), i);
      });
      const inputs = shuffledInputs(p, seed);
      const inputIndex = new Map(p.modelInputs.map((x, i) => [x, i]));
      const st = {
        t0: performance.now(),
        order,
        drawn: 0,
        rounds: 0,
        seed,
        synthServed: 0,
        byCode,
        cache: new PrefixCache(opts.cacheRules),
        entries: [] as LedgerEntry[],
        byRequest: new Map<number, LedgerEntry>(),
        env: undefined as unknown as SelectionEnv,
      };
      const world = {
        cell: (code: string, input: string): Cell => {
          const c = p.cells[byCode.get(trimmed(code))!]?.[inputIndex.get(input) ?? -1];
          return c ?? { ok: false, output: "not run" };
        },
        correct: (code: string) => p.correct[byCode.get(trimmed(code)) ?? -1] === true,
        // What synthesis did not serve: `separate` may propose these.
        get heldOut() {
          return inputs.slice(st.synthServed);
        },
      };
      st.env = simEnv(world, opts.judge, seed, { judge: 0, separate: 0 });
      state = st;
    },
    ledger: () => [...(state?.entries ?? [])],
  });
}

/** The model-written inputs in the problem's seeded order. */
function shuffledInputs(p: CostProblem, seed: string): string[] {
  return shuffled(p.modelInputs, rng(hash32(`${seed}|inputs`)));
}
