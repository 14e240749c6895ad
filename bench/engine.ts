// Wall time and model calls of one solve, concurrent vs one call at a time (as the reference runs),
// for `sstar` and `sstar-reference`, against a local chat-completions server that adds a fixed
// latency to every call. Programs run in the real sandbox (cache off; one worker in the
// one-at-a-time schedule, as the reference runs its executions one after another).
//
//   npm run bench:engine -- [--latency 1000] [--samples 16] [--rounds 2] [--runs 1] [--concurrency N+1]
//                           [--strategies sstar,sstar-reference]
//
// The scripted model: sample k (in arrival order) is one of four programs for "print |n|": correct;
// print(n) (passes the public example, wrong on negatives); a partly wrong variant (another
// cluster); and one failing the public example, which debugging repairs on every other attempt.
// The judge is truthful. So every stage runs: generation, debugging, synthesis, clustering, judging.
import { parseArgs } from "node:util";
import { solve } from "../src/engine/index.ts";
import { SYSTEM_PROMPTS } from "../src/engine/prompts.ts";
import type { StrategyName } from "../src/engine/select/index.ts";
import { createModelClient } from "../src/model/index.ts";
import { createSandbox } from "../src/sandbox/index.ts";
import { ABS_CORRECT, ABS_IDENTITY, absValueSpec, truthfulAbsJudge } from "../test/fixtures/abs-value.ts";
import { startScriptedChatServer, type ScriptRequest } from "../test/fixtures/chat-server.ts";

const { values } = parseArgs({
  options: {
    latency: { type: "string", default: "1000" },
    samples: { type: "string", default: "16" },
    rounds: { type: "string", default: "2" },
    runs: { type: "string", default: "1" },
    // Default N + 1: the synthesis call starts with the N generation calls and should not make one wait.
    concurrency: { type: "string" },
    strategies: { type: "string", default: "sstar,sstar-reference" },
  },
});
const latency = Number(values.latency);
const samples = Number(values.samples);
const rounds = Number(values.rounds);
const runs = Number(values.runs);
const concurrency = values.concurrency !== undefined ? Number(values.concurrency) : samples + 1;
const strategies = values.strategies.split(",") as StrategyName[];

const spec = absValueSpec;

const fenced = (code: string) => `\`\`\`python\n${code}\n\`\`\``;
const PROGRAMS = [
  ABS_CORRECT,
  ABS_IDENTITY,
  "n = int(input())\nprint(n + 1)",
  "n = int(input())\nprint(n if n > -5 else -n)",
];

const judge = truthfulAbsJudge;

async function once(strategy: StrategyName, calls: number) {
  let k = 0;
  let d = 0;
  const isDebug = (r: ScriptRequest) => r.messages.some((m) => m.role === "assistant");
  const server = await startScriptedChatServer([
    { name: "synthesize", system: SYSTEM_PROMPTS.synthesize, reply: { content: '```json\n["-3", "7", "-8", "0"]\n```', delayMs: latency } },
    { name: "debug", system: SYSTEM_PROMPTS.generate, when: isDebug, reply: () => ({ content: fenced(d++ % 2 === 0 ? PROGRAMS[0]! : PROGRAMS[2]!), delayMs: latency }) },
    { name: "generate", system: SYSTEM_PROMPTS.generate, reply: () => ({ content: fenced(PROGRAMS[k++ % 4]!), delayMs: latency }) },
    { name: "separate", system: SYSTEM_PROMPTS.separate, reply: { content: '```json\n["-12", "-1"]\n```', delayMs: latency } },
    { name: "judge", system: SYSTEM_PROMPTS.judge, reply: (r) => ({ content: judge(r), delayMs: latency }) },
  ]);
  // One at a time means what the reference does: model calls and program runs one after another.
  const sandbox = await createSandbox({ backend: "auto", cache: false, ...(calls === 1 ? { workers: 1 } : {}) });
  const model = createModelClient({ baseUrl: server.url, apiKey: "bench", model: "m", cacheDir: null, concurrency: calls, maxRetries: 0 });
  const t0 = performance.now();
  const report = await solve(spec, { model, sandbox }, {
    samples,
    rounds,
    selection: strategy,
    temperature: 0.7,
    modelName: "scripted",
    judgeModelName: "scripted",
    sandboxName: sandbox.backend,
  });
  const wall = performance.now() - t0;
  await sandbox.close();
  await server.close();
  const byStage = Object.fromEntries(Object.entries(report.usage.byStage).map(([s, u]) => [s, u.calls]));
  if (process.env["BENCH_DEBUG"]) console.error(strategy, calls, JSON.stringify(report.timings));
  return { wall, calls: report.usage.total.calls, byStage, status: report.status, maxInFlight: server.maxInFlight };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

console.log(`# bench:engine: N=${samples}, R=${rounds}, latency ${latency} ms per call, ${runs} run(s) per cell, concurrent = ${concurrency} calls in flight\n`);
console.log("| strategy | schedule | wall time (median) | model calls | calls by stage | max in flight | status |");
console.log("|---|---|---|---|---|---|---|");
const ratios: string[] = [];
for (const strategy of strategies) {
  const wall: Record<string, number[]> = { concurrent: [], sequential: [] };
  const last: Record<string, Awaited<ReturnType<typeof once>>> = {};
  for (let i = 0; i < runs; i++) {
    // Interleaved, so drift on a shared machine hits both schedules alike.
    for (const [name, c] of [["concurrent", concurrency], ["sequential", 1]] as const) {
      const r = await once(strategy, c);
      wall[name]!.push(r.wall);
      last[name] = r;
    }
  }
  for (const name of ["concurrent", "sequential"] as const) {
    const r = last[name]!;
    const stages = Object.entries(r.byStage).map(([s, n]) => `${s} ${n}`).join(", ");
    console.log(`| ${strategy} | ${name === "concurrent" ? `concurrent (${concurrency})` : "one at a time (calls and runs)"} | ${(median(wall[name]!) / 1000).toFixed(1)} s | ${r.calls} | ${stages} | ${r.maxInFlight} | ${r.status} |`);
  }
  ratios.push(`${strategy}: concurrent is ${(median(wall.sequential!) / median(wall.concurrent!)).toFixed(1)}x faster`);
}
console.log(`\n${ratios.join("; ")}`);
