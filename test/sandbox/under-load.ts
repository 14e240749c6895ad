// Runs the whole-run memory cases without a cgroup while two spinning processes share the one CPU
// this script is pinned to (hostile-runner.test.ts starts it under `taskset`), so the runner's
// sampler gets a third of a CPU at best, as on a loaded CI machine; the rest of the test suite
// keeps the other CPUs. Prints one JSON line: each case's name and verdict.
import { spawn } from "node:child_process";
import { createSandbox } from "../../src/sandbox/index.ts";
import { memoryCases, pyRequest } from "./hostile-memory.ts";

process.env.SSTAR_CGROUP = "off";
const marker = process.argv[2] ?? "sstar-under-load";
const hogs = [0, 1].map(() => spawn(process.execPath, ["-e", "for(;;);"], { stdio: "ignore" }));
const sb = await createSandbox({ workers: 1 });
try {
  const verdicts: { name: string; status: string; detail: string }[] = [];
  for (const c of memoryCases) {
    const r = await sb.run(pyRequest(c.code, marker));
    verdicts.push({ name: c.name, status: r.status, detail: `${r.output}${r.stderrTail}`.slice(-300) });
  }
  process.stdout.write(`${JSON.stringify(verdicts)}\n`);
} finally {
  for (const h of hogs) h.kill("SIGKILL");
  await sb.close();
}
