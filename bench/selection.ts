// Selection-quality benchmark (npm run bench:selection): how often each selection strategy picks a
// correct program, on real model output, with a simulated judge. See docs/selection.md.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import os from "node:os";
import { publicFilter, select, STRATEGY_NAMES, type CandidateInfo, type SelectOptions, type SelInput, type StrategyName } from "../src/engine/select/index.ts";
import { DEFAULT_ERROR_PENALTY } from "../src/engine/select/sstar.ts";
import { codetPick } from "./selection/codet.ts";
import { loadHumanEval, type Task } from "./selection/humaneval.ts";
import { loadCodeContests } from "./selection/codecontests.ts";
import { hash32, rng, shuffled, simEnv, simEquivalence, type SimCounters, type SimWorld } from "./selection/sim.ts";
import { confidenceTables, type DrawRecord } from "./selection/confidence-report.ts";
import { EASY_SHARE } from "./cost/core.ts";
import { waveDecision, wavePlan } from "../src/engine/waves.ts";
import { DEFAULT_MIN_CONFIDENCE, type PickEvidence } from "../src/engine/select/confidence.ts";
import { expairtSelect } from "./selection/expairt.ts";

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));
// The shared data sets beside the checkout (../shared/data), or SSTAR_DATA.
const DATA = process.env.SSTAR_DATA ?? here("../../shared/data");
const DEFAULT_POOL = `${DATA}/pools/codet-codegen16b-humaneval.jsonl`;

const { values: flags } = parseArgs({
  options: {
    pool: { type: "string", default: DEFAULT_POOL },
    inputs: { type: "string" },
    problems: { type: "string", default: `${DATA}/humaneval.jsonl` },
    codecontests: { type: "string", default: `${DATA}/codecontests-dev.jsonl` },
    datasets: { type: "string", default: "humaneval,codecontests" },
    samples: { type: "string", default: "16" },
    draws: { type: "string", default: "20" },
    "judge-accuracy": { type: "string", default: "0.7,0.8,0.9" },
    "judge-code-accuracy": { type: "string" },
    "cache-dir": { type: "string" },
    strategies: { type: "string", default: "first,majority,codet,sstar,sstar-reference" },
    "synth-inputs": { type: "string", default: "20" },
    "suspect-share": { type: "string" },
    "error-penalty": { type: "string" },
    "no-probe": { type: "boolean", default: false },
    "no-review": { type: "boolean", default: false },
    confidence: { type: "string" },
    seed: { type: "string", default: "1" },
    dump: { type: "string" },
    json: { type: "string" },
    "min-confidence": { type: "string" },
    write: { type: "boolean", default: false },
    help: { type: "boolean", default: false },
  },
});

if (flags.help) {
  console.log(`npm run bench:selection -- [flags]
  --pool FILE            pool JSONL {"task_id","samples":[code]} (default ${DEFAULT_POOL})
  --inputs FILE          model-written asserts JSONL beside it (default: <pool>-tests.jsonl)
  --problems FILE        HumanEval-format problems (default ../shared/data/humaneval.jsonl)
  --codecontests FILE    CodeContests-format problems for mutant pools
  --datasets LIST        humaneval,codecontests
  --samples N[,N...]     candidates per draw (16); a list cycles over the draws (draw d takes the
                         (d mod k)-th): fit:confidence's data covers several sample counts
  --draws N              seeded draws per task (20)
  --judge-accuracy LIST  simulated judge accuracies (0.7,0.8,0.9)
  --judge-code-accuracy X  accuracy on code-only questions (no outputs shown: sstar's code review,
                         the reference's fallback); default halfway between chance (0.5) and each
                         --judge-accuracy; "same" = each --judge-accuracy
  --cache-dir DIR        execution cache (bench/.cache/selection)
  --strategies LIST      first,majority,codet,sstar,sstar-reference (default), sstar-refbudget, sstar-adaptive,
                         expairt, sstar-expbudget (sstar-refbudget / sstar-expbudget: sstar with the
                         reference's / ExPairT's own call count on each draw as its bound;
                         sstar-adaptive: the engine's waves and stop rule over the draw, then sstar)
  --synth-inputs N       model inputs given as synthesized inputs per draw; the rest are what
                         \`separate\` may propose (20; 0 = all)
  --suspect-share X      override SUSPECT_ERROR_SHARE (tuning)
  --error-penalty X      sstar: prior factor exp(-X) per input where a cluster errors and most ran (${DEFAULT_ERROR_PENALTY})
  --no-probe             sstar: no probing of any cluster for hidden differences
  --no-review            sstar: no code review inside the chosen cluster
  --confidence X         sstar: stop rematches once the leader's posterior reaches X (0.95)
  --seed N               seed of draws and judge (1)
  --dump FILE            write one JSON line per draw and strategy, every draw (pick: index within the
                         draw and pool sample index, hit, calls, confidence and its evidence, clusters
                         with their correctness): where strategies differ, and fit:confidence's data
  --json FILE            write every figure the tables show (correct picks, calls, ECE, coverage,
                         precision, the risk-coverage curve, adaptive sampling) as JSON
  --min-confidence X     the abstention threshold the tables report coverage and precision at
                         (default ${DEFAULT_MIN_CONFIDENCE}, the engine's)
  --write                write the result table into BENCHMARKS.md`);
  process.exit(0);
}

function num(name: string, v: string | undefined, min: number): number {
  const n = Number(v);
  if (!Number.isFinite(n) || n < min) {
    console.error(`bench:selection: --${name} must be a number >= ${min}, got "${v}"`);
    process.exit(2);
  }
  return n;
}
const sampleCounts = flags.samples.split(",").map((v) => num("samples", v, 1));
const samples = sampleCounts.join(",");
const draws = num("draws", flags.draws, 1);
const synthInputs = num("synth-inputs", flags["synth-inputs"], 0);
const seed = num("seed", flags.seed, 0);
const minConfidence = flags["min-confidence"] === undefined ? DEFAULT_MIN_CONFIDENCE : num("min-confidence", flags["min-confidence"], 0);
const accuracies = flags["judge-accuracy"].split(",").map((a) => num("judge-accuracy", a, 0));
if (accuracies.some((a) => a > 1)) {
  console.error("bench:selection: --judge-accuracy values must be within 0..1");
  process.exit(2);
}
type BenchStrategy = StrategyName | "codet" | "sstar-refbudget" | "sstar-adaptive" | "expairt" | "sstar-expbudget";
const known: BenchStrategy[] = [...STRATEGY_NAMES, "codet", "sstar-refbudget", "sstar-adaptive", "expairt", "sstar-expbudget"];
const strategies = flags.strategies.split(",").map((s) => s.trim()) as BenchStrategy[];
for (const s of strategies) {
  if (!known.includes(s)) {
    console.error(`bench:selection: unknown strategy "${s}" in --strategies; known: ${known.join(", ")}`);
    process.exit(2);
  }
}
const judged = (s: BenchStrategy) => s === "sstar" || s === "sstar-refbudget" || s === "sstar-reference" || s === "sstar-adaptive" || s === "expairt" || s === "sstar-expbudget";
const baseOptions: SelectOptions = {};
if (flags["suspect-share"] !== undefined) baseOptions.suspectErrorShare = num("suspect-share", flags["suspect-share"], 0);
if (flags["error-penalty"] !== undefined) baseOptions.errorPenalty = num("error-penalty", flags["error-penalty"], 0);
if (flags["no-probe"]) baseOptions.probeAgreeing = false;
if (flags["no-review"]) baseOptions.codeReview = false;
if (flags.confidence !== undefined) baseOptions.confidence = num("confidence", flags.confidence, 0);
// "same": code-only questions as accurate as the others (the judge before --judge-code-accuracy).
let codeAccuracy: number | "same" | null = null;
if (flags["judge-code-accuracy"] === "same") codeAccuracy = "same";
else if (flags["judge-code-accuracy"] !== undefined) {
  codeAccuracy = num("judge-code-accuracy", flags["judge-code-accuracy"], 0);
  if (codeAccuracy > 1) {
    console.error("bench:selection: --judge-code-accuracy must be within 0..1");
    process.exit(2);
  }
}
/** The judge's accuracy on code-only questions: the flag, else halfway between chance and `acc`. */
const codeAccuracyFor = (acc: number) => (codeAccuracy === "same" ? acc : (codeAccuracy ?? (0.5 + acc) / 2));
const inputsFile = flags.inputs ?? flags.pool.replace(/\.jsonl$/, "-tests.jsonl");
const cacheDir = flags["cache-dir"] ?? here("./.cache/selection");
const log = (s: string) => process.stderr.write(`${s}\n`);
const dumpLines: string[] = [];
/** Every draw of every strategy, correct program or not: the confidence and abstention figures. */
const records: DrawRecord[] = [];

interface Row {
  dataset: string;
  strategy: string;
  accuracy: number | null;
  mean: number;
  sd: number;
  callsMean: number;
  callsMax: number;
  /** Share of correct picks per seeded draw (for paired comparisons). */
  perDraw?: number[];
}

/** One seeded draw of a task: the candidates (pool indices), the synthesized and held-out inputs. */
interface Draw {
  dataset: string;
  task: Task;
  d: number;
  picks: number[];
  synth: number[];
  held: number[];
}

async function evaluate(dataset: string, tasks: Task[]): Promise<Row[]> {
  const rows: Row[] = [];
  const all: Draw[] = [];
  for (const task of tasks) {
    const modelIdx = task.inputs.map((_, i) => i).slice(task.publicCount);
    for (let d = 0; d < draws; d++) {
      const r = rng(hash32(`${seed}|${dataset}|${task.id}|${d}`));
      const picks = shuffled(
        task.programs.map((_, i) => i),
        r,
      ).slice(0, sampleCounts[d % sampleCounts.length]);
      const order = shuffled(modelIdx, r);
      const n = synthInputs === 0 ? order.length : synthInputs;
      all.push({ dataset, task, d, picks, synth: order.slice(0, n), held: order.slice(n) });
    }
  }
  const eligible = all.filter((x) => x.picks.some((p) => x.task.correct[p]));
  const eligibleSet = new Set(eligible);
  log(`${dataset}: ${tasks.length} tasks, ${eligible.length}/${all.length} draws hold a correct program`);

  const perDrawShare = (hits: Map<Draw, boolean>): number[] =>
    Array.from({ length: draws }, (_, d) => {
      const ds = eligible.filter((x) => x.d === d);
      return ds.length === 0 ? 0 : ds.filter((x) => hits.get(x)).length / ds.length;
    });
  const stats = (xs: number[]) => {
    const mean = xs.reduce((s, v) => s + v, 0) / xs.length;
    const sd = Math.sqrt(xs.reduce((s, v) => s + (v - mean) ** 2, 0) / Math.max(1, xs.length - 1));
    return { mean, sd };
  };
  // The oracle: some candidate is correct (1.0 on eligible draws by definition): show the share of all draws.
  rows.push({ dataset, strategy: "oracle: share of all draws holding a correct program", accuracy: null, mean: eligible.length / all.length, sd: 0, callsMean: 0, callsMax: 0 });

  const hasPredictions = tasks.some((t) => t.predictedPasses.some((p) => p.length > 0));
  // The reference's calls per draw and judge accuracy: sstar-refbudget's bound on that draw.
  const referenceCalls = new Map<string, number>();
  // ExPairT's calls per draw and judge accuracy: sstar-expbudget's bound on that draw.
  const expairtCalls = new Map<string, number>();
  for (const strategy of strategies) {
    if (strategy === "codet" && !hasPredictions) continue; // CodeT needs predicted outputs: none here
    for (const acc of judged(strategy) ? accuracies : [null]) {
      const hits = new Map<Draw, boolean>();
      const calls: number[] = [];
      for (const x of all) {
        const out = await runDraw(strategy, acc, x, referenceCalls, expairtCalls);
        const hit = out.pick !== null && x.task.correct[x.picks[out.pick]!] === true;
        calls.push(out.used);
        hits.set(x, hit);
        records.push({
          dataset,
          strategy,
          accuracy: acc,
          task: x.task.id,
          draw: x.d,
          eligible: eligibleSet.has(x),
          easy: x.task.correct.filter(Boolean).length / x.task.correct.length >= EASY_SHARE,
          hit,
          confidence: out.confidence,
          drawn: out.drawn,
          ...(out.evidence ? { evidence: out.evidence } : {}),
        });
        if (flags.dump !== undefined) dumpLines.push(JSON.stringify(dumpLine(dataset, strategy, acc, x, out, hit, eligibleSet.has(x))));
      }
      const perDraw = perDrawShare(hits);
      const { mean, sd } = stats(perDraw);
      rows.push({
        dataset,
        strategy,
        accuracy: acc,
        mean,
        sd,
        perDraw,
        callsMean: calls.reduce((s, v) => s + v, 0) / calls.length,
        callsMax: Math.max(...calls),
      });
      log(`  ${strategy}${acc === null ? "" : ` @${acc}`}: ${mean.toFixed(3)}`);
    }
  }
  return rows;
}

/** What one strategy did on one draw. */
interface DrawOutcome {
  /** Index within the draw, or null. */
  pick: number | null;
  /** Selection model calls (separate + judge). */
  used: number;
  /** The pick's confidence (sstar: calibrated; majority, sstar-reference: the winning cluster's share); null without one. */
  confidence: number | null;
  evidence?: PickEvidence;
  clusters?: { size: number; correct: number }[];
  selectedCluster?: string | null;
  /** Samples the strategy looked at (sstar-adaptive: those its waves drew). */
  drawn: number;
}

/** One strategy on one draw, at judge accuracy `acc` (null: no judge). */
async function runDraw(strategy: BenchStrategy, acc: number | null, x: Draw, referenceCalls: Map<string, number>, expairtCalls: Map<string, number>): Promise<DrawOutcome> {
  const { task } = x;
  const candidates: CandidateInfo[] = x.picks.map((p, j) => ({
    index: j,
    code: task.programs[p]!,
    publicPassed: task.publicPassed[p]!,
    publicTotal: task.publicTotal,
  }));
  if (strategy === "codet") {
    const kept = candidates.filter((c) => c.publicPassed === c.publicTotal);
    const pool = kept.length > 0 ? kept : candidates;
    const pick = codetPick(pool.map((c) => ({ index: c.index, passes: task.predictedPasses[x.picks[c.index]!]! })));
    return { pick, used: 0, confidence: null, drawn: candidates.length };
  }
  const world = simWorld(task, x.held);
  const synth: SelInput[] = x.synth.map((i, k) => ({ id: `in${k + 1}`, input: task.inputs[i]!, origin: "synthesized" }));
  const run = async (name: StrategyName, from: CandidateInfo[], options: SelectOptions) => {
    const counters: SimCounters = { judge: 0, separate: 0 };
    const env = simEnv(world, { accuracy: acc ?? 1, codeAccuracy: codeAccuracyFor(acc ?? 1) }, `${seed}|${x.dataset}|${task.id}|${x.d}`, counters);
    const trace = await select(name, from, synth, env, options);
    return { trace, used: counters.judge + counters.separate };
  };
  // ExPairT on the same candidates the others keep (the public filter), the same judge.
  const runExpairt = async () => {
    const counters: SimCounters = { judge: 0, separate: 0 };
    const simJudge = { accuracy: acc ?? 1, codeAccuracy: codeAccuracyFor(acc ?? 1) };
    const drawSeed = `${seed}|${x.dataset}|${task.id}|${x.d}`;
    const env = { ...simEnv(world, simJudge, drawSeed, counters), equivalence: simEquivalence(world, simJudge, drawSeed, counters) };
    const result = await expairtSelect(publicFilter(candidates).kept, synth, env);
    return { result, used: counters.judge + counters.separate };
  };
  const drawKey = `${acc}|${task.id}|${x.d}`;
  if (strategy === "expairt") {
    const { result, used } = await runExpairt();
    expairtCalls.set(drawKey, used);
    return { pick: result.pick, used, confidence: null, drawn: candidates.length };
  }
  let options = baseOptions;
  let from = candidates;
  if (strategy === "sstar-expbudget") {
    const expCalls = expairtCalls.get(drawKey) ?? (await runExpairt()).used;
    options = { ...baseOptions, callBudget: () => expCalls };
  }
  if (strategy === "sstar-refbudget") {
    const refCalls = referenceCalls.get(drawKey) ?? (await run("sstar-reference", candidates, baseOptions)).used;
    options = { ...baseOptions, callBudget: () => refCalls };
  } else if (strategy === "sstar-adaptive") {
    from = candidates.slice(0, adaptiveDrawn(candidates, synth, world));
  }
  const name: StrategyName = strategy === "sstar-refbudget" || strategy === "sstar-adaptive" || strategy === "sstar-expbudget" ? "sstar" : strategy;
  const { trace, used } = await run(name, from, options);
  if (strategy === "sstar-reference") referenceCalls.set(drawKey, used);
  return {
    pick: trace.selection.selectedSample,
    used,
    confidence: trace.selection.confidence ?? null,
    ...(trace.selection.evidence ? { evidence: trace.selection.evidence } : {}),
    clusters: trace.clusters.map((c) => ({ size: c.members.length, correct: c.members.filter((m) => task.correct[x.picks[m]!]).length })),
    selectedCluster: trace.selection.selectedCluster,
    drawn: from.length,
  };
}

/**
 * sstar-adaptive: the engine's wave plan and stop rule (src/engine/waves.ts) over the draw's
 * candidates in order, with the outputs on the synthesized inputs the engine would have run;
 * how many samples it draws before the rule stops (or the plan ends).
 */
function adaptiveDrawn(candidates: readonly CandidateInfo[], synth: readonly SelInput[], world: SimWorld): number {
  const plan = wavePlan(candidates.length);
  let drawn = 0;
  for (let w = 0; w < plan.length; w++) {
    drawn += plan[w]!;
    if (w === plan.length - 1) break;
    const sub = candidates.slice(0, drawn);
    const cells = sub.map((c) => synth.map((i) => world.cell(c.code, i.input)));
    if (waveDecision({ candidates: sub, cells, inputCount: synth.length, equivalent: (a, b) => a === b }, w + 1, plan.length).stop) break;
  }
  return drawn;
}

/** The simulated world of one draw: the pool's cells, hidden grading, held-out inputs. */
function simWorld(task: Task, held: readonly number[]): SimWorld {
  const codeToProg = new Map<string, number>();
  task.programs.forEach((c, i) => {
    if (!codeToProg.has(c)) codeToProg.set(c, i);
  });
  const inputIdx = new Map<string, number>();
  task.inputs.forEach((t, i) => {
    if (!inputIdx.has(t)) inputIdx.set(t, i);
  });
  return {
    cell: (code: string, input: string) => {
      const p = codeToProg.get(code)!;
      const i = inputIdx.get(input);
      const c = i === undefined ? undefined : task.cells[p]![i];
      return c ? { ok: c[0], output: c[1] } : { ok: false, output: "not run" };
    },
    correct: (code: string) => task.correct[codeToProg.get(code)!] === true,
    heldOut: held.map((i) => task.inputs[i]!),
  };
}

function dumpLine(dataset: string, strategy: string, acc: number | null, x: Draw, out: DrawOutcome, hit: boolean, eligible: boolean) {
  return {
    dataset,
    strategy,
    accuracy: acc,
    task: x.task.id,
    draw: x.d,
    eligible,
    pick: out.pick,
    poolSample: out.pick === null ? null : x.picks[out.pick],
    hit,
    calls: out.used,
    confidence: out.confidence,
    drawn: out.drawn,
    clusters: out.clusters ?? [],
    selected: out.selectedCluster ?? null,
    ...(out.evidence ? { evidence: out.evidence } : {}),
  };
}

function table(rows: Row[]): string {
  const lines = [
    "| dataset | strategy | judge accuracy | correct picks (mean ± sd over draws) | selection calls per task (mean / max) |",
    "|---|---|---|---|---|",
  ];
  for (const r of rows) {
    lines.push(
      `| ${r.dataset} | ${r.strategy} | ${r.accuracy === null ? "-" : r.accuracy} | ${r.mean.toFixed(3)} ± ${r.sd.toFixed(3)} | ${r.callsMean.toFixed(1)} / ${r.callsMax} |`,
    );
  }
  return lines.join("\n");
}

/**
 * sstar against another strategy on the same draws: the per-draw difference of correct-pick
 * shares, its mean and standard error (draws are independent; both strategies see the same
 * candidates). A strategy without a judge (majority) is compared at every judge accuracy.
 */
function pairedTable(rows: Row[], ours: "sstar" | "sstar-refbudget" | "sstar-expbudget", other: string): string {
  const label = ours === "sstar" ? "sstar" : ours === "sstar-refbudget" ? "sstar@ref-count" : "sstar@expairt-count";
  const lines: string[] = [];
  for (const r of rows) {
    if (r.strategy !== ours || !r.perDraw) continue;
    const ref = rows.find((x) => x.dataset === r.dataset && x.strategy === other && (x.accuracy === r.accuracy || x.accuracy === null));
    if (!ref?.perDraw) continue;
    const diffs = r.perDraw.map((v, d) => v - ref.perDraw![d]!);
    const mean = diffs.reduce((a, b) => a + b, 0) / diffs.length;
    const sd = Math.sqrt(diffs.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, diffs.length - 1));
    const se = sd / Math.sqrt(diffs.length);
    const ahead = diffs.filter((x) => x > 1e-12).length;
    const behind = diffs.filter((x) => x < -1e-12).length;
    lines.push(
      `| ${r.dataset} | ${r.accuracy} | ${mean >= 0 ? "+" : ""}${(100 * mean).toFixed(2)} ± ${(100 * se).toFixed(2)} | ${ahead} / ${diffs.length - ahead - behind} / ${behind} |`,
    );
  }
  if (lines.length === 0) return "";
  return [
    `| dataset | judge accuracy | ${label} − ${other}, points (mean ± standard error over draws) | draws ${label} ahead / level / behind |`,
    "|---|---|---|---|",
    ...lines,
  ].join("\n");
}

const t0 = Date.now();
const rows: Row[] = [];
const datasets = flags.datasets.split(",").map((s) => s.trim());
process.on("uncaughtException", (e) => {
  // Our own errors are one line naming the file or flag; anything else keeps its stack.
  console.error(e instanceof Error && e.message.startsWith("bench:selection:") ? e.message : e);
  process.exit(2);
});
for (const ds of datasets) {
  if (ds === "humaneval") {
    const tasks = await loadHumanEval({ pool: flags.pool, inputs: inputsFile, problems: flags.problems, cacheDir, log });
    rows.push(...(await evaluate("humaneval", tasks)));
  } else if (ds === "codecontests") {
    const tasks = await loadCodeContests({ file: flags.codecontests, cacheDir, log, seed });
    rows.push(...(await evaluate("codecontests", tasks)));
  } else {
    console.error(`bench:selection: unknown dataset "${ds}" in --datasets; known: humaneval, codecontests`);
    process.exit(2);
  }
}
const seconds = ((Date.now() - t0) / 1000).toFixed(0);
if (flags.dump !== undefined) writeFileSync(flags.dump, dumpLines.map((l) => `${l}\n`).join(""));
const paired = [pairedTable(rows, "sstar", "sstar-reference"), pairedTable(rows, "sstar-refbudget", "sstar-reference"), pairedTable(rows, "sstar", "majority"), pairedTable(rows, "sstar", "expairt"), pairedTable(rows, "sstar-expbudget", "expairt")].filter((p) => p !== "");
const confidence = confidenceTables(records, minConfidence);
const out = [table(rows), ...paired, confidence.markdown].join("\n\n");
console.log(out);
if (flags.json !== undefined) {
  writeFileSync(
    flags.json,
    `${JSON.stringify({ command: process.argv.slice(2), samples, draws, seed, minConfidence, rows: rows.map(({ perDraw, ...r }) => ({ ...r, perDrawCorrect: perDraw ?? null })), ...confidence.json }, null, 2)}\n`,
  );
}
log(`done in ${seconds} s`);

if (flags.write) {
  const file = here("../BENCHMARKS.md");
  const cmd = `npm run bench:selection -- ${process.argv.slice(2).filter((a) => a !== "--write").join(" ")}`.trim();
  const section = [
    "<!-- selection:start -->",
    "## Selection quality (`npm run bench:selection`)",
    "",
    `Command: \`${cmd}\` (N=${samples}, ${draws} seeded draws per task, seed ${seed}, ${synthInputs || "all"} model inputs as synthesized inputs per draw).`,
    `Machine: ${os.cpus().length} cores, Node ${process.version}; wall time ${seconds} s with the execution cache warm.`,
    "",
    "The judge is **simulated** (no model is reachable here): when exactly one of the two programs is correct (by hidden grading) it",
    "answers right with the given probability; between two correct or two wrong programs it answers first/second at random.",
    `Code-only questions (no outputs shown: sstar's code review, the reference's fallback) are answered right with ${codeAccuracy === null ? "the accuracy halfway between chance and the judge accuracy" : codeAccuracy === "same" ? "the judge accuracy" : `probability ${codeAccuracy}`}.`,
    "`separate` is simulated by proposing up to 3 held-out model inputs on which the two programs differ. Correct picks are",
    "the share of draws holding a correct program where a correct one was selected; calls are separate + judge calls.",
    "See docs/selection.md for the method.",
    "",
    out,
    "<!-- selection:end -->",
  ].join("\n");
  const text = existsSync(file) ? readFileSync(file, "utf8") : "# Benchmarks\n";
  const re = /<!-- selection:start -->[\s\S]*<!-- selection:end -->/;
  writeFileSync(file, re.test(text) ? text.replace(re, section) : `${text.trimEnd()}\n\n${section}\n`);
  log(`wrote ${file}`);
}
