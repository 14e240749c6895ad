// One solve run's shared state: the model and sandbox it talks to, accounting, and the stop switch
// (budget exhausted, aborted) that every stage checks before spending more.
import type { ChatMessage, ChatReply, ModelClient, Stage } from "../model/types.ts";
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
  | { type: "selection"; event: SelectionEvent }
  | { type: "judge-call"; calls: number }
  | { type: "stopped"; reason: string }
  | { type: "done"; status: "solved" | "unsolved" | "error"; selectedSample: number | null };

/** Thrown inside a run once it has been stopped; stages catch it and keep what they have. */
export class RunStopped extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = "RunStopped";
  }
}

export class RunContext {
  readonly usage = new UsageRecorder();
  /** Sandbox results of (program, input) pairs during selection, memoized for this run. */
  readonly cells = new Map<string, Promise<Cell>>();
  /** The cells that finished running (by the same key): what an interrupted run may still pick from. */
  readonly settledCells = new Map<string, Cell>();
  /** Public-test grades per program, memoized for this run. */
  readonly grades = new Map<string, Promise<PublicGrade>>();
  readonly clock: StageClock;
  private stopReason: string | undefined;
  /** The first non-budget model error, shown when nothing at all could be generated. */
  firstError: string | undefined;

  constructor(
    readonly spec: ProblemSpec,
    readonly model: ModelClient,
    readonly sandbox: Sandbox,
    private readonly onProgress: ((e: ProgressEvent) => void) | undefined,
    readonly signal: AbortSignal | undefined,
    now?: () => number,
  ) {
    this.clock = new StageClock(now);
    signal?.addEventListener("abort", this.onAbort, { once: true });
    if (signal?.aborted) this.stop("aborted");
  }

  private readonly onAbort = (): void => this.stop("aborted");

  /** Where the run was when it stopped: set by the engine as it moves on (see solve()). */
  phase: "sampling" | "selection" = "sampling";
  /** The phase, samples done and judge calls made at the moment the run stopped. */
  stoppedAt: { phase: "sampling" | "selection"; samplesDone: number; judgeCalls: number } | undefined;
  samplesDone = 0;
  judgeCalls = 0;

  private abortNote: string | undefined;

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

  /** One model call, counted and timed under its stage. Budget exhaustion stops the run. */
  async chat(stage: Stage, messages: ChatMessage[], opts: { temperature?: number; maxTokens?: number; key?: string }): Promise<ChatReply> {
    if (this.stopReason !== undefined) throw new RunStopped(this.stopReason);
    const end = this.clock.begin(stage);
    try {
      const reply = await this.model.chat(
        {
          messages,
          ...(opts.temperature !== undefined ? { temperature: opts.temperature } : {}),
          ...(opts.maxTokens !== undefined ? { maxTokens: opts.maxTokens } : {}),
          // Ctrl-C (or the caller's abort) cancels calls in flight too, not only the ones to come.
          ...(this.signal !== undefined ? { signal: this.signal } : {}),
        },
        { stage, problemId: this.spec.id, ...(opts.key !== undefined ? { key: opts.key } : {}) },
      );
      this.usage.reply(stage, reply);
      return reply;
    } catch (error) {
      if (error instanceof BudgetExceededError || (error as Error)?.name === "BudgetExceededError") {
        this.stop(`budget exhausted: ${(error as Error).message}`);
        throw new RunStopped(this.stopReason ?? "budget exhausted");
      }
      if ((error as Error)?.name === "ModelCallAborted") {
        // A call that had reached the server counts (as failed), as the model client counts it.
        if (((error as { attempts?: number }).attempts ?? 0) > 0) this.usage.failure(stage);
        if ((error as Error).message.includes("deadline")) this.abortNote ??= "deadline";
        this.stop("aborted");
        throw new RunStopped(this.stopReason ?? "aborted");
      }
      this.usage.failure(stage);
      this.firstError ??= `${stage} call failed: ${errorLine(error)}`;
      const name = (error as Error)?.name;
      if (name === "ModelEndpointError" || name === "ReplayMissError") {
        // Every later call would fail the same way: stop, keep what the run has.
        // Short here (progress lines repeat it); the full line is the run's error.
        this.stop(name === "ReplayMissError" ? "replay miss" : "model endpoint unusable");
        throw new RunStopped(this.stopReason ?? "model endpoint unusable");
      }
      throw error;
    } finally {
      end();
    }
  }
}

export function errorLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split("\n")[0] ?? message;
}
