// One solve run's shared state (RunContext): the model and sandbox it talks to, accounting, and the
// stop switch (RunStop: budget exhausted, aborted) that every stage checks before spending more.
import type { ChatMessage, ChatReply, ChatRequest, ModelClient, Stage } from "../model/types.ts";
import { BudgetExceededError } from "../model/types.ts";
import type { Sandbox } from "../sandbox/types.ts";
import type { ProblemSpec } from "../spec/schema.ts";
import type { Cell, SelectionEvent } from "./select/types.ts";
import { StageClock, UsageRecorder } from "./usage.ts";
import type { PublicGrade } from "./public-grade.ts";

export type ProgressEvent =
  | { type: "round"; sample: number; round: number; passed: number; total: number; note?: string }
  | { type: "sample-done"; sample: number; passed: number; total: number; done: number; of: number }
  | { type: "synthesized"; inputs: number; rejected: number }
  /** Adaptive sampling started wave `wave` of `of`; `samples` drawn in all so far. */
  | { type: "wave"; wave: number; of: number; samples: number }
  /** Adaptive sampling's stop rule after a wave (the reason is one line). */
  | { type: "wave-decision"; wave: number; stop: boolean; reason: string }
  | { type: "selection"; event: SelectionEvent }
  | { type: "judge-call"; calls: number }
  | { type: "stopped"; reason: string }
  | { type: "done"; status: "solved" | "uncertain" | "unsolved" | "error"; selectedSample: number | null };

/** Thrown inside a run once it has been stopped; stages catch it and keep what they have. */
export class RunStopped extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = "RunStopped";
  }
}

/**
 * A run's stop switch: why and where it stopped (budget exhausted, aborted), and what
 * interrupted it. Every stage checks `stopped` before spending more.
 */
export class RunStop {
  private stopReason: string | undefined;
  private abortNote: string | undefined;
  /** Where the run was when it stopped: set by the engine as it moves on (see solve()). */
  phase: "sampling" | "selection" = "sampling";
  /** The phase, samples done and judge calls made at the moment the run stopped. */
  stoppedAt: { phase: "sampling" | "selection"; samplesDone: number; judgeCalls: number } | undefined;
  samplesDone = 0;
  judgeCalls = 0;

  constructor(
    readonly signal: AbortSignal | undefined,
    private readonly onProgress: ((e: ProgressEvent) => void) | undefined,
  ) {
    signal?.addEventListener("abort", this.onAbort, { once: true });
    if (signal?.aborted) this.stop("aborted");
  }

  private readonly onAbort = (): void => this.stop("aborted");

  /** What interrupted the run: the signal's reason when it gave one ("SIGINT", "deadline 10m"), else the model client's. */
  interruptedBy(): string {
    const reason: unknown = this.signal?.aborted === true ? this.signal.reason : undefined;
    return typeof reason === "string" ? reason : (this.abortNote ?? "interrupt");
  }

  /** The run is over: a later abort of the shared signal (Ctrl-C on the next problem) is not this run's. */
  finish(): void {
    this.signal?.removeEventListener("abort", this.onAbort);
  }

  get stopped(): string | undefined {
    return this.stopReason;
  }

  stop(reason: string): void {
    if (this.stopReason !== undefined) return;
    this.stopReason = reason;
    this.stoppedAt = { phase: this.phase, samplesDone: this.samplesDone, judgeCalls: this.judgeCalls };
    this.emit({ type: "stopped", reason });
  }

  emit(event: ProgressEvent): void {
    try {
      this.onProgress?.(event);
    } catch {
      // A progress display must never break a run.
    }
  }

  /** Why the client cancelled a call, for interruptedBy() ("deadline"); the first note stays. */
  noteAbort(note: string): void {
    this.abortNote ??= note;
  }
}

/** One solve run's shared state: the model and sandbox it talks to, its accounting and memos, and its stop switch. */
export class RunContext extends RunStop {
  readonly usage = new UsageRecorder();
  /** Sandbox results of (program, input) pairs during selection, memoized for this run. */
  readonly cells = new Map<string, Promise<Cell>>();
  /** The cells that finished running (by the same key): what an interrupted run may still pick from. */
  readonly settledCells = new Map<string, Cell>();
  /** Public-test grades per program, memoized for this run. */
  readonly grades = new Map<string, Promise<PublicGrade>>();
  readonly clock: StageClock;
  /** The first non-budget model error, shown when nothing at all could be generated. */
  firstError: string | undefined;

  constructor(
    readonly spec: ProblemSpec,
    readonly model: ModelClient,
    readonly sandbox: Sandbox,
    onProgress: ((e: ProgressEvent) => void) | undefined,
    signal: AbortSignal | undefined,
    now?: () => number,
  ) {
    super(signal, onProgress);
    this.clock = new StageClock(now);
  }

  /** One model call, counted and timed under its stage. Budget exhaustion stops the run. */
  async chat(stage: Stage, messages: ChatMessage[], opts: CallOptions & { key?: string }): Promise<ChatReply> {
    if (this.stopped !== undefined) throw new RunStopped(this.stopped);
    const end = this.clock.begin(stage);
    try {
      const reply = await this.model.chat(chatRequest(messages, opts, this.signal), {
        stage,
        problemId: this.spec.id,
        ...(opts.key !== undefined ? { key: opts.key } : {}),
      });
      this.usage.reply(stage, reply);
      return reply;
    } catch (error) {
      throw callFailure(this, stage, error);
    } finally {
      end();
    }
  }

  /**
   * keys.length choices of one prompt, one promise per key in key order: one request through the
   * client's `chatN` when it has one (the prompt is billed once), else one `chat` per key, all in
   * flight at once (each choice then settles on its own). Each choice is counted and fails like
   * one `chat` call; a failed choice never takes the others with it.
   */
  chatChoices(stage: Stage, messages: ChatMessage[], opts: CallOptions & { keys: string[] }): Promise<ChatReply>[] {
    const { keys } = opts;
    const chatN = this.model.chatN?.bind(this.model);
    if (chatN === undefined || keys.length < 2) return keys.map((key) => this.chat(stage, messages, { ...opts, key }));
    if (this.stopped !== undefined) {
      const stopped = new RunStopped(this.stopped);
      return keys.map(() => Promise.reject(stopped));
    }
    const end = this.clock.begin(stage);
    const settled = chatN(chatRequest(messages, opts, this.signal), { stage, problemId: this.spec.id, keys }).finally(end);
    return keys.map((_, i) => this.choiceOf(stage, settled, i, keys.length));
  }

  /** Choice `i` of a request for several: counted like one call, or failed like one. */
  private async choiceOf(stage: Stage, settled: Promise<PromiseSettledResult<ChatReply>[]>, i: number, of: number): Promise<ChatReply> {
    let result: PromiseSettledResult<ChatReply> | undefined;
    try {
      result = (await settled)[i];
    } catch (error) {
      throw callFailure(this, stage, error);
    }
    if (result === undefined) throw callFailure(this, stage, new Error(`the endpoint returned no choice ${i + 1} of ${of}`));
    if (result.status === "rejected") throw callFailure(this, stage, result.reason);
    this.usage.reply(stage, result.value);
    return result.value;
  }
}

function chatRequest(messages: ChatMessage[], opts: CallOptions, signal: AbortSignal | undefined): ChatRequest {
  return {
    messages,
    ...(opts.temperature !== undefined ? { temperature: opts.temperature } : {}),
    ...(opts.maxTokens !== undefined ? { maxTokens: opts.maxTokens } : {}),
    // Ctrl-C (or the caller's abort) cancels calls in flight too, not only the ones to come.
    ...(signal !== undefined ? { signal } : {}),
  };
}

/** What a failed model call does to the run (budget, abort, a dead endpoint stop it) and what to throw. */
function callFailure(ctx: RunContext, stage: Stage, error: unknown): unknown {
  if (error instanceof RunStopped) return error;
  if (error instanceof BudgetExceededError || (error as Error)?.name === "BudgetExceededError") {
    ctx.stop(`budget exhausted: ${(error as Error).message}`);
    return new RunStopped(ctx.stopped ?? "budget exhausted");
  }
  if ((error as Error)?.name === "ModelCallAborted") {
    // A call that had reached the server counts (as failed), as the model client counts it.
    if (((error as { attempts?: number }).attempts ?? 0) > 0) ctx.usage.failure(stage);
    if ((error as Error).message.includes("deadline")) ctx.noteAbort("deadline");
    ctx.stop("aborted");
    return new RunStopped(ctx.stopped ?? "aborted");
  }
  ctx.usage.failure(stage);
  ctx.firstError ??= `${stage} call failed: ${errorLine(error)}`;
  const name = (error as Error)?.name;
  if (name === "ModelEndpointError" || name === "ReplayMissError") {
    // Every later call would fail the same way: stop, keep what the run has.
    // Short here (progress lines repeat it); the full line is the run's error.
    ctx.stop(name === "ReplayMissError" ? "replay miss" : "model endpoint unusable");
    return new RunStopped(ctx.stopped ?? "model endpoint unusable");
  }
  return error;
}

/** Sampling settings of one model call. */
export interface CallOptions {
  temperature?: number;
  maxTokens?: number;
}

export function errorLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split("\n")[0] ?? message;
}
