// The worker pool: at most `workers` runs at once, each on its own slot (a slot picks the program's
// user on a root runner). One run goes through the phases of ioi/isolate: prepare (the backend's
// spawn plan and cgroup), run and wait (spawn, feed stdin, collect within the guard), collect
// (classify the runner's report against the limits), then release.
import pLimit from "p-limit";
import type { Backend, ExecRequest } from "./backends/common.ts";
import { killGroups, spawnCollect } from "./exec.ts";
import type { EnforcedLimits } from "./limits.ts";
import { createAssertionRelay, judgedResult } from "./judge.ts";
import { classifyRun } from "./status.ts";
import type { RunResult } from "./types.ts";

export interface WorkerPool {
  /** Queues one run; it starts when a worker is free. */
  exec(request: ExecRequest, contract: "stdio" | "function", limits: EnforcedLimits): Promise<RunResult>;
  /**
   * Queues one assertion test: the program and its judge at once, on one worker; the judge on a
   * slot of its own (slot + workers: another uid as root), so the program can't reach it.
   */
  execJudged(program: ExecRequest, judge: ExecRequest): Promise<RunResult>;
  readonly closed: boolean;
  /** Drops the queue, kills what runs, and closes the backend. */
  close(): Promise<void>;
}

export function createWorkerPool(backend: Backend, workers: number): WorkerPool {
  const queue = pLimit(workers);
  const freeSlots = Array.from({ length: workers }, (_, i) => i);
  /** Process groups of the runs in flight, killed on close. */
  const live = new Set<number>();
  let closed = false;

  async function runOnSlot(slot: number, request: ExecRequest, contract: "stdio" | "function", limits: EnforcedLimits): Promise<RunResult> {
    const { spawn, cgroup, release } = await backend.plan(request, slot);
    try {
      const collected = await spawnCollect(spawn, live);
      return classifyRun({ ...collected, cgroup: cgroup?.usage() ?? null }, limits, contract);
    } finally {
      await cgroup?.release();
      await release?.();
    }
  }

  async function runJudged(slot: number, program: ExecRequest, judge: ExecRequest): Promise<RunResult> {
    const relay = createAssertionRelay();
    const plans = await Promise.all([backend.plan(program, slot), backend.plan(judge, slot + workers)]);
    try {
      const [p, j] = plans;
      const [pc, jc] = await Promise.all([spawnCollect(p.spawn, live, relay.program), spawnCollect(j.spawn, live, relay.judge)]);
      const programRun = classifyRun({ ...pc, cgroup: p.cgroup?.usage() ?? null }, program.limits, "stdio");
      const judgeRun = classifyRun({ ...jc, cgroup: j.cgroup?.usage() ?? null }, judge.limits, "stdio");
      return judgedResult(programRun, judgeRun, relay.outcome());
    } finally {
      for (const plan of plans) {
        await plan.cgroup?.release();
        await plan.release?.();
      }
    }
  }

  function onWorker(run: (slot: number) => Promise<RunResult>): Promise<RunResult> {
    return queue(async () => {
      if (closed) throw new Error("sandbox: closed");
      const slot = freeSlots.pop() ?? 0;
      try {
        return await run(slot);
      } finally {
        freeSlots.push(slot);
      }
    });
  }

  return {
    get closed() {
      return closed;
    },
    exec(request, contract, limits) {
      return onWorker((slot) => runOnSlot(slot, request, contract, limits));
    },
    execJudged(program, judge) {
      return onWorker((slot) => runJudged(slot, program, judge));
    },
    async close() {
      closed = true;
      queue.clearQueue();
      killGroups(live);
      await backend.close();
    },
  };
}
