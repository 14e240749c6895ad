// The whole-run memory cases of the hostile suite, shared with the test that runs them again under
// a CPU hog (hostile-runner.test.ts): a verdict that depends on when the sampler runs is no verdict.
import type { RunRequest } from "../../src/sandbox/index.ts";

export const MEMORY_LIMITS = { timeMs: 5000, memoryMb: 128 };

/** Fills `dir` (a tmpfs) as far as it goes, then holds 96 MiB in the process and exits at once. */
export const fillThenHold = (dir: string) => `import os
chunk = b"x" * (8 << 20)
n = 0
try:
    while n < 40:
        with open(f"${dir}/fill{n}", "wb") as f:
            f.write(chunk)
        n += 1
except OSError as e:
    print("full at", n, e.errno, flush=True)
held = [b"y" * (8 << 20) for _ in range(12)]
print("held", n * 8, "MiB in ${dir} and 96 MiB in the process", flush=True)`;

/** Six forked children hold 40 MiB each for 3 s. */
export const childrenHold = `import os, time
for i in range(6):
    if os.fork() == 0:
        x = b"x" * (40 << 20)
        time.sleep(3)
        os._exit(0)
time.sleep(3)
print("six children held 240 MiB")`;

/** First blinds the runner (RLIMIT_NOFILE 0 on its parent), then holds memory across children. */
export const blindRunnerThenHold = `import os, resource, time
try:
    resource.prlimit(os.getppid(), resource.RLIMIT_NOFILE, (0, 0))
    print("runner blinded", flush=True)
except OSError as e:
    print("refused", e.errno, flush=True)
${childrenHold.split("\n").slice(1).join("\n")}`;

export const memoryCases: { name: string; code: string }[] = [
  { name: "memory held in /tmp beyond the limit", code: fillThenHold("/tmp") },
  { name: "memory held in /dev/shm beyond the limit", code: fillThenHold("/dev/shm") },
  { name: "memory held across forked children beyond the limit", code: childrenHold },
  { name: "the runner's RLIMIT_NOFILE set to 0, then memory held across children", code: blindRunnerThenHold },
];

export const pyRequest = (code: string, marker: string): RunRequest => ({
  program: { language: "python", code: `# ${marker}\n${code}` },
  io: { kind: "stdio" },
  input: "",
  limits: MEMORY_LIMITS,
});
