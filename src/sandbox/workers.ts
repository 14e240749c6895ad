// The worker pool: at most `workers` runs at once, each on its own slot (a slot picks the program's
// user on a root runner). One run goes through the phases of ioi/isolate: prepare (the backend's
// spawn plan and cgroup), run and wait (spawn, feed stdin, collect within the guard), collect
// (classify the runner's report against the limits), then release.
import pLimit from "p-limit";
import type { Backend, ExecRequest } from "./backends/common.ts";
import { killGroups, spawnCollect } from "./exec.ts";
import type { EnforcedLimits } from "./limits.ts";
import { classifyRun } from "./status.ts";
import type { RunResult } from "./types.ts";

export interface WorkerPool {
  /** Queues one run; it starts when a worker is free. */
  exec(request: ExecRequest, contract: "stdio" | "function", limits: EnforcedLimits): Promise<RunResult>;
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

  return {
    get closed() {
      return closed;
    },
    exec(request, contract, limits) {
      return queue(async () => {
        if (closed) throw new Error("sandbox: closed");
        const slot = freeSlots.pop() ?? 0;
        try {
          return await runOnSlot(slot, request, contract, limits);
        } finally {
          freeSlots.push(slot);
        }
      });
    },
    async close() {
      closed = true;
      queue.clearQueue();
      killGroups(live);
      await backend.close();
    },
  };
}
