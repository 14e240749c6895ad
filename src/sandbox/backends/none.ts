// No isolation: a plain process under the runner's rlimits with an allow-listed environment, in a
// fresh temp dir. Only when asked for explicitly (sandbox: none); it can read and write whatever the
// user can.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sandboxEnv } from "../languages/index.ts";
import { runnerFlags } from "../limits.ts";
import type { Backend } from "./common.ts";
import { handedFds, spawnPlan } from "./common.ts";
import type { CgroupSetup } from "./cgroup.ts";
import { createRunCgroup } from "./cgroup.ts";
import { launch, SANDBOX_OVERHEAD_BYTES } from "./bwrap.ts";

export interface NoneBackendOptions {
  runner: string;
  cgroups: CgroupSetup;
}

export function createNoneBackend(o: NoneBackendOptions): Backend {
  return {
    name: "none",
    async plan(request) {
      const work = mkdtempSync(join(tmpdir(), "sstar-none-"));
      const cgroups = o.cgroups;
      const inner = [...runnerFlags(request.limits, { ...(cgroups.kind === "none" ? { watchMemory: { tmpfs: [] } } : {}), keepFds: handedFds(request) }), "--", ...request.argv({ box: request.programDir, bin: request.binDir, data: request.dataDir ?? work })];
      const cgroup = cgroups.kind === "none" ? undefined : createRunCgroup(cgroups, { memoryBytes: request.limits.runMemoryBytes + SANDBOX_OVERHEAD_BYTES, pids: request.limits.processes + 1 });
      const spawn = spawnPlan(request, { ...launch(o.runner, cgroup, o.runner, inner), env: sandboxEnv(work), cwd: work });
      return {
        spawn,
        ...(cgroup === undefined ? {} : { cgroup }),
        release: () => rmSync(work, { recursive: true, force: true }),
      };
    },
    async close() {},
  };
}
