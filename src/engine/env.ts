// What the selection algorithms need from the outside world: the sandbox (execute), the model
// (separate, judge) and the problem's checker (equivalent). Model failures never escape: a failed
// or unaffordable judge call is an "invalid" vote, a failed separate call yields no inputs.
import { equivalentOutputs } from "../checkers/index.ts";
import type { CandidateInfo, JudgeAnswer, JudgeQuestion, SelInput, SelectionEnv } from "./select/types.ts";
import { RunStopped, errorLine, type RunContext } from "./context.ts";
import { executeCandidates } from "./execute.ts";
import { judgeMessages, judgeReasoning, parseInputList, parseJudgeAnswer, separatingMessages, synthesisMessages } from "./prompts.ts";

export interface EnvSettings {
  /** Temperature of judge calls (low: a verdict should not be a coin toss). */
  judgeTemperature: number;
  /** Temperature of input synthesis and separating-input calls. */
  synthesisTemperature: number;
  /** Inputs asked for per separating call. */
  separateCount: number;
  maxTokens?: number;
}

export function createSelectionEnv(ctx: RunContext, settings: EnvSettings): SelectionEnv {
  let separateCalls = 0;
  let judgeCalls = 0;
  return {
    execute: (candidates: CandidateInfo[], inputs: SelInput[]) => executeCandidates(ctx, candidates, inputs),

    async separate(a: CandidateInfo, b: CandidateInfo): Promise<string[]> {
      const n = ++separateCalls;
      try {
        const reply = await ctx.chat("separate", separatingMessages(ctx.spec, a.code, b.code, settings.separateCount), {
          temperature: settings.synthesisTemperature,
          ...(settings.maxTokens !== undefined ? { maxTokens: settings.maxTokens } : {}),
          key: `separate-${a.index}-${b.index}-${n}`,
        });
        return parseInputList(ctx.spec, reply.content, settings.separateCount).inputs;
      } catch {
        // Budget, abort or a failed call: no separating inputs (the failure is counted in usage).
        return [];
      }
    },

    async judge(question: JudgeQuestion): Promise<JudgeAnswer> {
      judgeCalls++;
      ctx.judgeCalls = judgeCalls;
      ctx.emit({ type: "judge-call", calls: judgeCalls });
      try {
        const reply = await ctx.chat("judge", judgeMessages(ctx.spec, question), {
          temperature: settings.judgeTemperature,
          ...(settings.maxTokens !== undefined ? { maxTokens: settings.maxTokens } : {}),
          key: `judge-${judgeCalls}`,
        });
        return { choice: parseJudgeAnswer(reply.content), reasoning: judgeReasoning(reply.content) };
      } catch (error) {
        return { choice: "invalid", reasoning: error instanceof RunStopped ? `not asked: ${error.message}` : `the judge call failed: ${errorLine(error)}` };
      }
    },

    // Custom checkers judge against an expected answer; for clustering, token equality stands in.
    equivalent: (x: string, y: string) => equivalentOutputs(x, y, ctx.spec.checker, ctx.spec.io.kind === "function" ? "json" : "text"),

    onEvent: (event) => ctx.emit({ type: "selection", event }),

    // Interrupted: the strategies stop asking and pick from what they have.
    stopped: () => ctx.stopped === "aborted",
  };
}

export interface Synthesis {
  inputs: SelInput[];
  rejected: string[];
  note?: string;
}

/**
 * Asks the model once for test inputs (inputs only), and once more only if the first reply held
 * none that parse. Runs while the samples are still being generated: it needs only the problem.
 */
export async function synthesizeInputs(ctx: RunContext, count: number, settings: EnvSettings): Promise<Synthesis> {
  const rejected: string[] = [];
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const reply = await ctx.chat("synthesize", synthesisMessages(ctx.spec, count), {
        temperature: settings.synthesisTemperature,
        ...(settings.maxTokens !== undefined ? { maxTokens: settings.maxTokens } : {}),
        key: `synthesize-${attempt}`,
      });
      const parsed = parseInputList(ctx.spec, reply.content, count);
      rejected.push(...parsed.rejected);
      if (parsed.inputs.length > 0) {
        return { inputs: parsed.inputs.map((input, i) => ({ id: `s${i + 1}`, input, origin: "synthesized" })), rejected };
      }
    } catch (error) {
      return { inputs: [], rejected, note: error instanceof RunStopped ? `not run: ${error.message}` : `input synthesis failed: ${errorLine(error)}` };
    }
  }
  return { inputs: [], rejected, note: "the model's replies held no usable test inputs" };
}
