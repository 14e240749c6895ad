// Per-problem accounting: model calls and tokens per stage (from the replies this run received),
// and wall time per stage. Stages overlap (samples generate while inputs are synthesized), so a
// stage's wall time is the time during which at least one of its operations was in flight.
import type { ChatReply, Stage } from "../model/types.ts";

export interface StageCounts {
  calls: number;
  cachedCalls: number;
  failedCalls: number;
  promptTokens: number;
  /** Of the prompt tokens, those the provider's prompt cache served. */
  cachedPromptTokens: number;
  completionTokens: number;
}

const zero = (): StageCounts => ({ calls: 0, cachedCalls: 0, failedCalls: 0, promptTokens: 0, cachedPromptTokens: 0, completionTokens: 0 });

export class UsageRecorder {
  private readonly stages = new Map<Stage, StageCounts>();

  private get(stage: Stage): StageCounts {
    let s = this.stages.get(stage);
    if (!s) this.stages.set(stage, (s = zero()));
    return s;
  }

  reply(stage: Stage, reply: ChatReply): void {
    const s = this.get(stage);
    s.calls++;
    if (reply.cached) s.cachedCalls++;
    s.promptTokens += reply.promptTokens;
    s.cachedPromptTokens += reply.cachedPromptTokens;
    s.completionTokens += reply.completionTokens;
  }

  failure(stage: Stage): void {
    this.get(stage).failedCalls++;
  }

  byStage(): Partial<Record<Stage, StageCounts>> {
    return Object.fromEntries([...this.stages].map(([k, v]) => [k, { ...v }]));
  }

  calls(stage: Stage): number {
    return this.stages.get(stage)?.calls ?? 0;
  }

  /** Replies received over every stage: 0 means the model never answered this problem. */
  answered(): number {
    let n = 0;
    for (const s of this.stages.values()) n += s.calls;
    return n;
  }
}

/** Wall time per named stage as the union of the intervals its operations were running. */
export class StageClock {
  private readonly active = new Map<string, { count: number; since: number }>();
  private readonly total = new Map<string, number>();

  constructor(private readonly now: () => number = () => performance.now()) {}

  /** Marks one operation of `stage` as started; call the returned function when it ends. */
  begin(stage: string): () => void {
    const a = this.active.get(stage) ?? { count: 0, since: 0 };
    if (a.count === 0) a.since = this.now();
    a.count++;
    this.active.set(stage, a);
    let ended = false;
    return () => {
      if (ended) return;
      ended = true;
      a.count--;
      if (a.count === 0) this.total.set(stage, (this.total.get(stage) ?? 0) + (this.now() - a.since));
    };
  }

  async time<T>(stage: string, fn: () => Promise<T>): Promise<T> {
    const end = this.begin(stage);
    try {
      return await fn();
    } finally {
      end();
    }
  }

  /** Milliseconds per stage, rounded; stages still running count up to now. */
  totals(): Record<string, number> {
    const out: Record<string, number> = {};
    const t = this.now();
    for (const [stage, ms] of this.total) out[stage] = ms;
    for (const [stage, a] of this.active) if (a.count > 0) out[stage] = (out[stage] ?? 0) + (t - a.since);
    for (const k of Object.keys(out)) out[k] = Math.round(out[k]!);
    return out;
  }
}
