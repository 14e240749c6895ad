// One sample: generate a program, then debug it on the public tests for up to R rounds, keeping
// the whole conversation. Samples run independently; a failure in one never touches the others.
import { extractCode } from "../model/index.ts";
import type { ChatMessage, ChatReply } from "../model/types.ts";
import type { SampleTrace } from "./report.ts";
import { RunStopped, errorLine, type RunContext } from "./context.ts";
import { gradePublic, type PublicGrade } from "./execute.ts";
import { debugFeedback, generationMessages, historyReply } from "./prompts.ts";

export interface SampleSettings {
  rounds: number;
  temperature: number;
  maxTokens?: number;
  /** Called after each graded round (a reply without code counts as passing nothing). */
  onRound?: (round: number, passed: number, total: number) => void;
}

type RoundTrace = SampleTrace["rounds"][number];

/**
 * The candidate of a sample: the round that passed the most public tests, the latest among equals.
 * (The reference takes the last round; a debugging reply that breaks more tests than it fixes
 * should not replace a better earlier program.)
 */
export function candidateRound(rounds: readonly RoundTrace[]): RoundTrace | undefined {
  let best: RoundTrace | undefined;
  for (const r of rounds) {
    if (r.code === "") continue;
    if (best === undefined || r.publicPassed >= best.publicPassed) best = r;
  }
  return best;
}

export function sampleTrace(index: number, rounds: RoundTrace[], publicTotal: number): SampleTrace {
  const best = candidateRound(rounds);
  return {
    index,
    rounds,
    finalCode: best?.code ?? "",
    publicPassed: best?.publicPassed ?? 0,
    publicTotal: best?.publicTotal ?? publicTotal,
  };
}

/** The cache key of a sample's round: the on-disk cache and cassettes know replies by it. */
export function sampleKey(index: number, round: number): string {
  return `sample-${index}-round-${round}`;
}

const NO_CODE_FEEDBACK = (fenceLang: string) =>
  `Your reply held no complete fenced code block. Reply with the complete program in exactly one fenced code block (\`\`\`${fenceLang}).`;

/**
 * Runs sample `index`. `first` is its first generation's reply when the caller asked for it
 * already (one request for several samples, `RunContext.chatChoices`); without it the sample asks
 * itself. Either way the sample then debugs on its own schedule.
 */
export async function runSample(ctx: RunContext, index: number, settings: SampleSettings, first?: Promise<ChatReply>): Promise<SampleTrace> {
  const spec = ctx.spec;
  const publicTotal = spec.tests.public.length;
  const messages: ChatMessage[] = generationMessages(spec);
  const rounds: RoundTrace[] = [];
  for (let round = 0; round <= settings.rounds; round++) {
    const stage = round === 0 ? "generate" : "debug";
    let content: string;
    let note: string | undefined;
    try {
      const reply =
        round === 0 && first !== undefined
          ? await first
          : await ctx.chat(stage, messages, {
              temperature: settings.temperature,
              ...(settings.maxTokens !== undefined ? { maxTokens: settings.maxTokens } : {}),
              key: sampleKey(index, round),
            });
      content = reply.content;
      if (reply.finishReason === "length") note = "the reply was cut off at the token limit";
    } catch (error) {
      const why = error instanceof RunStopped ? `not run: ${error.message}` : `the ${stage} call failed: ${errorLine(error)}`;
      // A round that never happened is recorded only when it leaves the sample without code.
      if (rounds.length === 0) rounds.push(emptyRound(round, why, publicTotal));
      else rounds[rounds.length - 1]!.note = appendNote(rounds[rounds.length - 1]!.note, `round ${round} ${why}`);
      break;
    }
    const code = extractCode(content, spec.language) ?? "";
    if (code.trim() === "") {
      rounds.push(emptyRound(round, appendNote(note, "the reply held no code"), publicTotal));
      ctx.emit({ type: "round", sample: index, round, passed: 0, total: publicTotal, note: "no code" });
      settings.onRound?.(round, 0, publicTotal);
      messages.push({ role: "assistant", content: historyReply(content) }, { role: "user", content: NO_CODE_FEEDBACK(spec.language) });
      continue;
    }
    let grade: PublicGrade;
    try {
      grade = await gradePublic(ctx, code);
    } catch (error) {
      // The sandbox itself failed (not the program): keep the code, record why it is unjudged.
      rounds.push({ ...emptyRound(round, `public tests could not be run: ${errorLine(error)}`, publicTotal), code });
      break;
    }
    rounds.push({
      round,
      code,
      ...(note !== undefined ? { note } : {}),
      publicResults: grade.results,
      publicPassed: grade.passed,
      publicTotal: grade.total,
    });
    ctx.emit({ type: "round", sample: index, round, passed: grade.passed, total: grade.total });
    settings.onRound?.(round, grade.passed, grade.total);
    // No public tests: nothing to debug against, so further rounds would be blind rewrites.
    if (grade.passed === grade.total) break;
    if (round < settings.rounds) {
      messages.push(
        { role: "assistant", content: historyReply(content) },
        { role: "user", content: debugFeedback(spec, grade.feedback, spec.limits.timeMs) },
      );
    }
  }
  return sampleTrace(index, rounds, publicTotal);
}

function emptyRound(round: number, note: string, publicTotal: number): RoundTrace {
  return { round, code: "", note, publicResults: [], publicPassed: 0, publicTotal };
}

function appendNote(a: string | undefined, b: string): string {
  return a === undefined ? b : `${a}; ${b}`;
}
