// Peak resident memory of sstar while 8 samples each print 15 MiB on 12 inputs, kept as the engine
// keeps them (the sandbox's run cache and selection's cells). Run by bench/sandbox.ts in a process
// of its own (peak RSS is per process); prints one JSON line.
import { createSandbox } from "../src/sandbox/index.ts";
import { toCell } from "../src/engine/execute.ts";
import type { Cell } from "../src/engine/select/types.ts";

const SAMPLES = 8;
const INPUTS = 12;
const MIB_PER_OUTPUT = 15;
const baselineKb = process.resourceUsage().maxRSS;
const sb = await createSandbox({ log: () => {} });
// Each sample prints a different 15 MiB answer for each input (no two outputs alike).
const program = (k: number) => `import sys
n = int(sys.stdin.readline())
line = (str(n * 1000 + ${k}) + " ") * (1 << 17)
out = sys.stdout
for _ in range(${MIB_PER_OUTPUT} * (1 << 20) // len(line)):
    out.write(line)
    out.write("\\n")
`;
const cells: Cell[][] = [];
const started = performance.now();
for (let s = 0; s < SAMPLES; s++) {
  const row = await Promise.all(
    Array.from({ length: INPUTS }, async (_, i) => {
      const run = await sb.run({ program: { language: "python", code: program(s) }, io: { kind: "stdio" }, input: `${i}\n`, limits: { timeMs: 60_000, memoryMb: 256 } });
      if (run.status !== "ok") throw new Error(`bench: sample ${s} input ${i}: ${run.status} ${run.stderrTail}`);
      return toCell(run, { kind: "tokens" }, "text");
    }),
  );
  cells.push(row);
}
const seconds = (performance.now() - started) / 1000;
const peakKb = process.resourceUsage().maxRSS;
await sb.close();
process.stdout.write(`${JSON.stringify({ samples: SAMPLES, inputs: INPUTS, mibPerOutput: MIB_PER_OUTPUT, baselineMiB: Math.round(baselineKb / 1024), peakMiB: Math.round(peakKb / 1024), keptCells: cells.flat().length, seconds: Number(seconds.toFixed(1)) })}\n`);
