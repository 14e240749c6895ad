// The cost benchmark's core: every problem solved by the real engine (`solve`), over real HTTP,
// through the real model client, against the replay (replay.ts), once per row (a named set of
// solve options); what each problem cost is read from the replay's ledger.
import { DEFAULT_SOLVE_OPTIONS, solve, type SolveOptions } from "../../src/engine/index.ts";
import { createModelClient } from "../../src/model/index.ts";
import type { Sandbox } from "../../src/sandbox/types.ts";
import { createSandbox } from "../../src/sandbox/index.ts";
import type { SimJudge } from "../selection/sim.ts";
import type { CacheRules } from "./tokens.ts";
import { Worker } from "node:worker_threads";
import type { ChatReply, ModelClient } from "../../src/model/types.ts";
import type { CostProblem, CostReplayOptions, LedgerEntry } from "./replay.ts";

/** US dollars per million tokens: gpt-4o-mini's list price (cached input at half the input price). */
export const PRICE = { model: "gpt-4o-mini", input: 0.15, cachedInput: 0.075, output: 0.6 } as const;

export interface CostRow {
  name: string;
  what: string;
  /** Solve options on top of the defaults (N=16, R=2, sstar). */
  options: Record<string, unknown>;
}

/**
 * The rows. The reference schedule and fixed-16 ask for each sample in its own request (as the
 * reference does); one request asks for all N with `n` (the engine's default); adaptive draws
 * waves of 4, 4, 8, each wave one request.
 */
export const ROWS: readonly CostRow[] = [
  {
    name: "reference",
    what: "the reference schedule: N=16 separate generation requests, sstar-reference selection",
    options: { samples: 16, selection: "sstar-reference", generationRequests: "separate" },
  },
  { name: "fixed-16", what: "N=16 separate generation requests, sstar selection", options: { samples: 16, selection: "sstar", generationRequests: "separate" } },
  { name: "fixed-16-one-request", what: "N=16 from one generation request (`n`), sstar selection", options: { samples: 16, selection: "sstar", generationRequests: "one" } },
  {
    name: "adaptive",
    what: "adaptive sampling in waves 4, 4, 8 up to 16 (one request per wave), sstar selection",
    options: { samples: "auto", maxSamples: 16, selection: "sstar", generationRequests: "one" },
  },
];

export interface ProblemCost {
  row: string;
  problem: string;
  /** Which draw of the pool (0: the one every cost figure is from; later ones measure correctness). */
  draw: number;
  requests: number;
  promptTokens: number;
  cachedPromptTokens: number;
  completionTokens: number;
  usd: number;
  /** Measured wall time of the solve at the replay's latency per call. */
  wallMs: number;
  samplesDrawn: number;
  correct: boolean;
  /** Share of the pool's programs that are correct. */
  poolCorrectShare: number;
  /** Rows can differ here: the pool holds a correct program and a wrong one passing every public test. */
  contested: boolean;
}

export function dollars(promptTokens: number, cachedPromptTokens: number, completion: number): number {
  return ((promptTokens - cachedPromptTokens) * PRICE.input + cachedPromptTokens * PRICE.cachedInput + completion * PRICE.output) / 1e6;
}

/** The replay (replay.ts) running in a worker thread: the problems are sent once, then begun by index. */
export interface ReplayWorker {
  url: string;
  begin(problem: number, seed: string): Promise<void>;
  ledger(): Promise<LedgerEntry[]>;
  close(): Promise<void>;
}

export async function startReplayWorker(problems: readonly CostProblem[], options: CostReplayOptions): Promise<ReplayWorker> {
  // tsx in the worker too: the replay is TypeScript, whether the parent runs under tsx or vitest.
  const worker = new Worker(new URL("./replay-worker.ts", import.meta.url), { workerData: { problems, options }, execArgv: ["--import", "tsx"] });
  const waiting = new Map<number, { resolve: (m: Record<string, unknown>) => void; reject: (e: Error) => void }>();
  let failed: Error | undefined;
  worker.on("message", (m: Record<string, unknown> & { id: number }) => {
    const w = waiting.get(m.id);
    waiting.delete(m.id);
    if (typeof m.error === "string") w?.reject(new Error(m.error));
    else w?.resolve(m);
  });
  worker.on("error", (e) => {
    failed = e;
    for (const w of waiting.values()) w.reject(e);
    waiting.clear();
  });
  let next = 0;
  const ask = (message: Record<string, unknown>): Promise<Record<string, unknown>> => {
    if (failed) return Promise.reject(failed);
    const id = ++next;
    const answer = new Promise<Record<string, unknown>>((resolve, reject) => waiting.set(id, { resolve, reject }));
    worker.postMessage({ ...message, id });
    return answer;
  };
  const started = new Promise<Record<string, unknown>>((resolve, reject) => waiting.set(0, { resolve, reject }));
  const { url } = (await started) as { url: string };
  return {
    url,
    begin: async (problem, seed) => void (await ask({ type: "begin", problem, seed })),
    ledger: async () => ((await ask({ type: "ledger" })) as { ledger: LedgerEntry[] }).ledger,
    close: async () => {
      await ask({ type: "close" }).catch(() => undefined);
      await worker.terminate();
    },
  };
}

/**
 * The reference implementation's cache: a reply per prompt content, kept for the run, so asking
 * the same judge or separating question twice (the same pair of programs met again) costs
 * nothing. Generation and debugging are samples: asked again, they are asked again.
 */
export function contentCached(model: ModelClient): ModelClient {
  const replies = new Map<string, Promise<ChatReply>>();
  return {
    usage: () => model.usage(),
    chat: (request, meta) => {
      if (meta.stage === "generate" || meta.stage === "debug") return model.chat(request, meta);
      const key = JSON.stringify([meta.stage, request.messages.map((m) => [m.role, m.content]), request.temperature ?? null]);
      const hit = replies.get(key);
      if (hit !== undefined) return hit.then((r) => ({ ...r, promptTokens: 0, cachedPromptTokens: 0, completionTokens: 0, cached: true }));
      const reply = model.chat(request, meta);
      replies.set(key, reply);
      reply.catch(() => replies.delete(key));
      return reply;
    },
  };
}

export interface RunCostOptions {
  seed: number;
  judge: SimJudge;
  latencyMs: number;
  cacheRules: CacheRules;
  /** Draws of each contested problem (draw 0 of every problem gives the cost figures). */
  draws: number;
  rounds?: number;
  log: (s: string) => void;
  label: string;
}

/**
 * Every row in a fresh sandbox (no result cache shared across rows) against a fresh replay worker:
 * draw 0 of every problem, then draws 1.. of the contested ones. Draw d of a problem is the same
 * for every row, so rows are compared on the same programs (paired).
 */
export async function runCost(problems: readonly CostProblem[], rows: readonly CostRow[], opts: RunCostOptions): Promise<ProblemCost[]> {
  const out: ProblemCost[] = [];
  for (const row of rows) {
    const sandbox = await createSandbox({ backend: "auto" });
    const replay = await startReplayWorker(problems, { judge: opts.judge, latencyMs: opts.latencyMs, cacheRules: opts.cacheRules });
    try {
      for (let draw = 0; draw < opts.draws; draw++) {
        for (const [n, p] of problems.entries()) {
          if (draw > 0 && !p.contested) continue;
          out.push(await solveOne(p, n, draw, row, replay, sandbox, opts));
          if (draw === 0 && (n + 1) % 10 === 0) opts.log(`${opts.label} ${row.name}: ${n + 1}/${problems.length} problems`);
        }
        if (draw > 0 && draw % 5 === 0 && problems.some((p) => p.contested)) opts.log(`${opts.label} ${row.name}: ${draw}/${opts.draws} draws of the contested problems`);
      }
    } finally {
      await replay.close();
      await sandbox.close();
    }
  }
  return out;
}

/** Draw 0 keeps the seed bench:cost always used; later draws add their number. */
const drawSeed = (seed: number, draw: number, id: string) => (draw === 0 ? `${seed}|${id}` : `${seed}|draw-${draw}|${id}`);

async function solveOne(p: CostProblem, n: number, draw: number, row: CostRow, replay: ReplayWorker, sandbox: Sandbox, opts: RunCostOptions): Promise<ProblemCost> {
  await replay.begin(n, drawSeed(opts.seed, draw, p.id));
  const client = createModelClient({ baseUrl: replay.url, apiKey: "bench", model: "replay:pool", cacheDir: null, concurrency: 17, maxRetries: 0 });
  const model = row.name === "reference" ? contentCached(client) : client;
  const options = {
    ...DEFAULT_SOLVE_OPTIONS,
    rounds: opts.rounds ?? DEFAULT_SOLVE_OPTIONS.rounds,
    modelName: "replay:pool",
    judgeModelName: "replay:simulated-judge",
    sandboxName: sandbox.backend,
    replay: true,
    ...row.options,
  } as SolveOptions;
  const t0 = performance.now();
  const report = await solve(p.spec, { model, sandbox }, options);
  const wallMs = performance.now() - t0;
  const entries = await replay.ledger();
  const sum = (f: (e: LedgerEntry) => number) => entries.reduce((s, e) => s + f(e), 0);
  const promptTokens = sum((e) => e.promptTokens);
  const completionTokens = sum((e) => e.completionTokens);
  const choices = sum((e) => e.choices);
  const cached = sum((e) => e.cachedPromptTokens);
  // The engine's own accounting (from `usage` in the replies) must agree with the ledger; the
  // reference's content cache answers some calls itself (counted as cached calls, no tokens).
  const counted = report.usage.total;
  if (counted.calls - counted.cachedCalls !== choices || counted.promptTokens !== promptTokens || counted.completionTokens !== completionTokens || (counted.cachedPromptTokens ?? 0) !== cached) {
    throw new Error(
      `bench:cost: ${p.id} (${row.name}): the engine counted ${counted.calls - counted.cachedCalls} calls / ${counted.promptTokens} prompt tokens (${counted.cachedPromptTokens ?? 0} cached) / ${counted.completionTokens} completion tokens, the replay served ${choices} / ${promptTokens} (${cached}) / ${completionTokens}`,
    );
  }
  if (report.status === "error") throw new Error(`bench:cost: ${p.id} (${row.name}): the solve failed: ${report.error ?? "no program"}`);
  const selectedCode = report.selected?.code.trim();
  const picked = selectedCode === undefined ? -1 : p.programs.findIndex((c) => c.trim() === selectedCode);
  if (selectedCode !== undefined && picked < 0) throw new Error(`bench:cost: ${p.id} (${row.name}): the selected program is not in the pool`);
  return {
    row: row.name,
    problem: p.id,
    draw,
    requests: entries.length,
    promptTokens,
    cachedPromptTokens: cached,
    completionTokens,
    usd: dollars(promptTokens, cached, completionTokens),
    wallMs,
    samplesDrawn: report.samples.length,
    correct: picked >= 0 && p.correct[picked] === true,
    poolCorrectShare: p.correct.filter(Boolean).length / p.correct.length,
    contested: p.contested,
  };
}

export interface RowSummary {
  row: string;
  problems: number;
  requests: number;
  promptTokens: number;
  cachedPromptTokens: number;
  completionTokens: number;
  usd: number;
  wallMs: number;
  samplesDrawn: number;
  /** Samples drawn per problem on the easy problems (at least 60% of the pool correct). */
  easySamplesDrawn: number | null;
  easyProblems: number;
  /** Correctness over every draw of the contested problems: the share selecting a correct program. */
  contested: { problems: number; draws: number; correctShare: number } | null;
}

export const EASY_SHARE = 0.6;

const mean = (xs: readonly number[]) => (xs.length === 0 ? 0 : xs.reduce((a, b) => a + b, 0) / xs.length);

/** Per-problem means of one row's draw 0; correctness over all draws of the contested problems. */
export function summarize(costs: readonly ProblemCost[], row: string): RowSummary {
  const xs = costs.filter((c) => c.row === row && c.draw === 0);
  const m = (f: (c: ProblemCost) => number, of: readonly ProblemCost[] = xs) => mean(of.map(f));
  const easy = xs.filter((c) => c.poolCorrectShare >= EASY_SHARE);
  const contested = costs.filter((c) => c.row === row && c.contested);
  const problems = new Set(contested.map((c) => c.problem)).size;
  return {
    row,
    problems: xs.length,
    requests: m((c) => c.requests),
    promptTokens: m((c) => c.promptTokens),
    cachedPromptTokens: m((c) => c.cachedPromptTokens),
    completionTokens: m((c) => c.completionTokens),
    usd: m((c) => c.usd),
    wallMs: m((c) => c.wallMs),
    samplesDrawn: m((c) => c.samplesDrawn),
    easySamplesDrawn: easy.length === 0 ? null : m((c) => c.samplesDrawn, easy),
    easyProblems: easy.length,
    contested: problems === 0 ? null : { problems, draws: contested.length / problems, correctShare: m((c) => (c.correct ? 1 : 0), contested) },
  };
}

/**
 * A row's correctness against the reference's, paired: per contested problem, the mean over its
 * draws of (row correct - reference correct); their mean and its standard error over problems.
 */
export function pairedDifference(costs: readonly ProblemCost[], row: string, reference = "reference"): { diff: number; se: number; problems: number } | null {
  const byKey = (r: string) => new Map(costs.filter((c) => c.row === r && c.contested).map((c) => [`${c.problem}\u0000${c.draw}`, c.correct ? 1 : 0]));
  const mine = byKey(row);
  const ref = byKey(reference);
  const perProblem = new Map<string, number[]>();
  for (const [key, v] of mine) {
    const r = ref.get(key);
    if (r === undefined) continue;
    const problem = key.split("\u0000")[0]!;
    perProblem.set(problem, [...(perProblem.get(problem) ?? []), v - r]);
  }
  const d = [...perProblem.values()].map(mean);
  if (d.length === 0) return null;
  const avg = mean(d);
  const variance = d.length < 2 ? 0 : d.reduce((s, x) => s + (x - avg) ** 2, 0) / (d.length - 1);
  return { diff: avg, se: Math.sqrt(variance / d.length), problems: d.length };
}
