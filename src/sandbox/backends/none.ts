// No isolation: a plain process under the runner's rlimits with an allow-listed environment, in a
// fresh temp dir. Only when asked for explicitly (sandbox: none); it can read and write whatever the
// user can.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sandboxEnv } from "../languages/index.ts";
import { runnerFlags } from "../limits.ts";
import type { SpawnPlan } from "../exec.ts";
import type { Backend } from "./common.ts";
import { guardMs } from "./common.ts";
import type { PidsCgroup } from "./cgroup.ts";
import { createPidsCgroup } from "./cgroup.ts";

export interface NoneBackendOptions {
  runner: string;
  pidsCgroupRoot: string | null;
}

export function createNoneBackend(o: NoneBackendOptions): Backend {
  return {
    name: "none",
    async plan(request) {
      const work = mkdtempSync(join(tmpdir(), "sstar-none-"));
      let cgroup: PidsCgroup | undefined;
      const inner = [...runnerFlags(request.limits), "--", ...request.argv({ box: request.programDir, bin: request.binDir, data: request.dataDir ?? work })];
      let args = inner;
      if (o.pidsCgroupRoot !== null) {
        cgroup = createPidsCgroup(o.pidsCgroupRoot, request.limits.processes + 1);
        args = ["-g", cgroup.procs, "--", o.runner, ...inner];
      }
      const spawn: SpawnPlan = {
        command: o.runner,
        args,
        env: sandboxEnv(work),
        cwd: work,
        stdin: request.stdin,
        outputBytes: request.limits.outputBytes,
        resultBytes: request.resultBytes,
        guardMs: guardMs(request.limits),
      };
      return {
        spawn,
        release: async () => {
          await cgroup?.release();
          rmSync(work, { recursive: true, force: true });
        },
      };
    },
    async after() {},
    async close() {},
  };
}
