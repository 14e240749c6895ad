// The local model's speed: a random-weight GGUF in Qwen2.5-Coder-1.5B's exact shapes and Q4_K_M
// mix (built here, about 1 GB, not committed: it costs the same per token as the real weights),
// decoded by node-llama-cpp directly and through sstar's local server (child process, HTTP), on
// the same file and threads. Then the prompt tokens evaluated for N samples of one prompt, and the
// modelled wall time of one kata.
// Run: npm run bench:local  (SSTAR_BENCH_SHAPE=tiny for a quick check of the harness itself;
// SSTAR_BENCH_THREADS, default 1; SSTAR_BENCH_TOKENS generated per trial, default 64)
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { startLocalServer } from "../src/local/serve.ts";
import { ensureRuntime } from "../src/local/runtime.ts";
import { localCacheDir, runtimePlatform } from "../src/local/spec.ts";
import { FIRST_WAVE } from "../src/engine/waves.ts";
import { QWEN_CODER_1_5B_SHAPE, TINY_SHAPE, writeGguf } from "../test/fixtures/gguf.ts";

const THREADS = Number(process.env.SSTAR_BENCH_THREADS ?? 1);
const GENERATED = Number(process.env.SSTAR_BENCH_TOKENS ?? 64);
const TRIALS = 3;
const SAMPLES = 8;
// A CodeContests-sized prompt (the byte-level test vocabulary makes one token per byte).
const PROMPT = "Read n integers and print the length of the longest strictly increasing contiguous run. ".repeat(4);
const SYSTEM = "You are an expert competitive programmer. Answer with one Python program in a ```python block.";

/* eslint-disable @typescript-eslint/no-explicit-any -- the library is loaded at run time, untyped */
async function rawDecoder(entry: string, modelPath: string) {
  const lib: any = await import(pathToFileURL(entry).href);
  const llama = await lib.getLlama({ gpu: false, build: "never", logLevel: "error", maxThreads: THREADS });
  const model = await llama.loadModel({ modelPath });
  const context = await model.createContext({ contextSize: 4096, sequences: 1, threads: THREADS });
  const sequence = context.getSequence();
  const wrapper = lib.resolveChatWrapper(model);
  const history = [{ type: "system", text: SYSTEM }, { type: "user", text: PROMPT }, { type: "model", response: [] }];
  const tokens: number[] = wrapper.generateContextState({ chatHistory: history }).contextText.tokenize(model.tokenizer);
  /** One trial: the prompt evaluated from scratch, then GENERATED tokens; prompt and generation speeds. */
  const trial = async (seed: number): Promise<{ prompt: number; generated: number }> => {
    await sequence.clearHistory();
    const started = performance.now();
    let firstAt = 0;
    let count = 0;
    for await (const token of sequence.evaluate(tokens, { temperature: 0.8, seed })) {
      if (count === 0) firstAt = performance.now();
      if (model.isEogToken(token) || ++count >= GENERATED) break;
    }
    const done = performance.now();
    return { prompt: tokens.length / ((firstAt - started) / 1000), generated: (count - 1) / ((done - firstAt) / 1000) };
  };
  const dispose = async () => {
    await context.dispose();
    await model.dispose();
  };
  return { promptTokens: tokens.length, trial, dispose };
}
/* eslint-enable @typescript-eslint/no-explicit-any */

async function chat(url: string, body: Record<string, unknown>): Promise<{ usage: { prompt_tokens: number; completion_tokens: number } }> {
  const response = await fetch(`${url}/chat/completions`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ model: "local", ...body }) });
  if (!response.ok) throw new Error(`HTTP ${response.status}: ${await response.text()}`);
  return (await response.json()) as { usage: { prompt_tokens: number; completion_tokens: number } };
}

const messages = [{ role: "system", content: SYSTEM }, { role: "user", content: PROMPT }];

/** Raw and served trials alternate, so the load of a shared machine falls on both alike. */
async function compare(entry: string, modelPath: string) {
  const raw = await rawDecoder(entry, modelPath);
  const server = await startLocalServer({ entry, modelPath, threads: THREADS, contextSize: 4096, defaultMaxTokens: GENERATED }, (line) => console.error(line));
  try {
    const speeds: number[] = [];
    const rawSpeeds: number[] = [];
    const promptSpeeds: number[] = [];
    for (let trial = 0; trial < TRIALS; trial++) {
      const r = await raw.trial(trial);
      rawSpeeds.push(r.generated);
      promptSpeeds.push(r.prompt);
      // A fresh prompt each trial (a different first byte), so the prompt is evaluated again as in the raw trial.
      const started = performance.now();
      await chat(server.url, { messages: [{ role: "system", content: `${trial}${SYSTEM}` }, messages[1]], max_tokens: GENERATED, temperature: 0.8, seed: trial });
      const wall = performance.now() - started;
      // Decoding time as the client sees it (HTTP included), less the prompt's evaluation.
      const s = server.stats.at(-1)!;
      speeds.push((s.generatedTokens - 1) / ((wall - s.firstTokenMs) / 1000));
    }
    const before = server.stats.length;
    await chat(server.url, { messages: [{ role: "system", content: `n${SYSTEM}` }, messages[1]], n: SAMPLES, max_tokens: 8, temperature: 0.8, seed: 1 });
    const stats = server.stats.slice(before);
    const evaluated = stats.reduce((n, s) => n + s.evaluatedPromptTokens, 0);
    return { speeds, rawSpeeds, promptSpeeds, evaluated, prompt: stats[0]!.promptTokens, rawPrompt: raw.promptTokens };
  } finally {
    await server.close();
    await raw.dispose();
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
}

async function main(): Promise<void> {
  const tiny = process.env.SSTAR_BENCH_SHAPE === "tiny";
  const shape = tiny ? TINY_SHAPE : QWEN_CODER_1_5B_SHAPE;
  const dir = await mkdtemp(join(tmpdir(), "sstar-bench-local-"));
  try {
    const entry = await ensureRuntime(localCacheDir(), runtimePlatform(), (line) => console.error(line));
    const modelPath = join(dir, "model.gguf");
    const built = performance.now();
    await writeGguf(modelPath, shape);
    console.log(`model: random weights in ${tiny ? "the tiny test" : "Qwen2.5-Coder-1.5B's"} shapes (${shape.quantisation}), written in ${((performance.now() - built) / 1000).toFixed(1)} s; ${cpus()[0]?.model ?? "?"}, ${cpus().length} cores; threads ${THREADS}; ${GENERATED} generated tokens per trial, ${TRIALS} trials`);
    const server = await compare(entry, modelPath);
    const raw = median(server.rawSpeeds);
    const served = median(server.speeds);
    const promptSpeed = median(server.promptSpeeds);
    console.log(`prompt: ${server.rawPrompt} tokens, evaluated at ${server.promptSpeeds.map((v) => v.toFixed(1)).join(", ")} tokens/s (median ${promptSpeed.toFixed(1)})`);
    console.log(`generated tokens/s, library raw decode: ${server.rawSpeeds.map((v) => v.toFixed(1)).join(", ")} (median ${raw.toFixed(1)})`);
    console.log(`generated tokens/s, through sstar's local server: ${server.speeds.map((v) => v.toFixed(1)).join(", ")} (median ${served.toFixed(1)}): ${(served / raw).toFixed(2)}x (target >= 0.9x)`);
    console.log(`prompt tokens evaluated for ${SAMPLES} samples of one ${server.prompt}-token prompt: ${server.evaluated} = ${(server.evaluated / server.prompt).toFixed(3)}x the prompt (target <= 1.25x; without reuse ${SAMPLES}x)`);
    // One kata at N=8, R=2 (docs/model.md): about 5,000 generated and 11,000 prompt tokens, of
    // which 3,500 are the N copies of the generation prompt that reuse saves. samples: auto stops
    // after the first wave on an easy problem: the generation share scales with FIRST_WAVE / 8.
    const kata = (generated: number, prompt: number, threadsScale: number) => (generated / (raw * threadsScale) + prompt / (promptSpeed * threadsScale)) / 60;
    const scale4 = 3 / THREADS; // a 4-core runner decodes on 3 threads (splitCores)
    const auto = FIRST_WAVE / 8;
    console.log(`modelled kata, N=8 R=2 (5,000 generated, 7,500 prompt tokens evaluated): ${kata(5000, 7500, 1).toFixed(1)} min here on ${THREADS} thread(s), ${kata(5000, 7500, scale4).toFixed(1)} min on a 4-core runner (3 decoding threads, linear scaling assumed)`);
    console.log(`modelled kata, samples: auto stopping after the first wave of ${FIRST_WAVE}: ${kata(5000 * auto, 7500 * auto, 1).toFixed(1)} min here, ${kata(5000 * auto, 7500 * auto, scale4).toFixed(1)} min on a 4-core runner`);
  } finally {
    if (existsSync(dir)) await rm(dir, { recursive: true, force: true });
  }
}

await main();
