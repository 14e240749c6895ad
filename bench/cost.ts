// Cost benchmark (npm run bench:cost): what a solved problem costs with the real engine, over real
// HTTP, through the real model client, against a replay of real pool programs (bench/cost/replay.ts)
// with the simulated judge of bench:selection, every prompt and completion counted by a real
// tokenizer. Per row (a named set of solve options, bench/cost/core.ts): requests, prompt tokens
// (cached and not), completion tokens, dollars, wall time, and how often a correct program was
// selected over all problems.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { EASY_SHARE, pairedDifference, PRICE, ROWS, runCost, summarize, type ProblemCost, type RowSummary } from "./cost/core.ts";
import { hardVariant, loadCodeContestsProblems, loadHumanEvalProblems, strongVariant } from "./cost/load.ts";
import type { CostProblem } from "./cost/replay.ts";
import { DEBUG_EXPLANATION_TOKENS, JUDGE_REASONING_TOKENS } from "./cost/replay.ts";
import { CACHE_RULES, TOKENIZER_NAME } from "./cost/tokens.ts";

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));
const DATA = process.env.SSTAR_DATA ?? here("../../shared/data");
const DEFAULT_POOL = `${DATA}/pools/codet-codegen16b-humaneval.jsonl`;
const DATASETS = ["humaneval", "codecontests", "codecontests-strong", "codecontests-hard"] as const;

const { values: flags } = parseArgs({
  options: {
    pool: { type: "string", default: DEFAULT_POOL },
    inputs: { type: "string" },
    problems: { type: "string", default: `${DATA}/humaneval.jsonl` },
    codecontests: { type: "string", default: `${DATA}/codecontests-dev.jsonl` },
    datasets: { type: "string", default: DATASETS.join(",") },
    rows: { type: "string", default: ROWS.map((r) => r.name).join(",") },
    "max-problems": { type: "string" },
    "judge-accuracy": { type: "string", default: "0.8" },
    "judge-code-accuracy": { type: "string" },
    latency: { type: "string", default: "100" },
    "cache-rules": { type: "string", default: "openai" },
    draws: { type: "string", default: "20" },
    seed: { type: "string", default: "1" },
    "cache-dir": { type: "string" },
    write: { type: "boolean", default: false },
    help: { type: "boolean", default: false },
  },
});

if (flags.help) {
  console.log(`npm run bench:cost -- [flags]
  --pool FILE              HumanEval pool JSONL {"task_id","samples":[code]} (default ${DEFAULT_POOL})
  --inputs FILE            model-written asserts JSONL beside it (default: <pool>-tests.jsonl)
  --problems FILE          HumanEval-format problems (default ../shared/data/humaneval.jsonl)
  --codecontests FILE      CodeContests-format problems for the mutant pools
  --datasets LIST          ${DATASETS.join(",")} (codecontests-strong: the mutant pool
                           re-weighted so three quarters of it is correct, as a strong model's;
                           codecontests-hard: one program in eight correct, as a weak model's)
  --rows LIST              ${ROWS.map((r) => r.name).join(",")}
  --max-problems N         the first N problems of each data set (default all)
  --judge-accuracy X       simulated judge accuracy (0.8)
  --judge-code-accuracy X  on code-only questions (default halfway between 0.5 and --judge-accuracy)
  --latency MS             the replay answers every request this long after it arrived (100),
                           from a worker thread of its own: the wall column is measured at it
  --cache-rules NAME       whose prompt caching prices cached tokens: ${Object.keys(CACHE_RULES).join(", ")} (openai)
  --draws N                draws of each contested problem for the correctness columns (20;
                           draw 0 of every problem gives the cost columns)
  --seed N                 seed of the draws and the judge (1)
  --cache-dir DIR          bench:selection's execution cache (bench/.cache/selection)
  --write                  write the result table into BENCHMARKS.md`);
  process.exit(0);
}

const fail = (line: string): never => {
  console.error(`bench:cost: ${line}`);
  process.exit(2);
};
function num(name: string, v: string | undefined, min: number, max = Infinity): number {
  const n = Number(v);
  if (v === undefined || v.trim() === "" || !Number.isFinite(n) || n < min || n > max) fail(`--${name} must be a number from ${min}${max === Infinity ? "" : ` to ${max}`}, got "${v}"`);
  return n;
}
const seed = num("seed", flags.seed, 0);
const accuracy = num("judge-accuracy", flags["judge-accuracy"], 0, 1);
const codeAccuracy = flags["judge-code-accuracy"] !== undefined ? num("judge-code-accuracy", flags["judge-code-accuracy"], 0, 1) : (0.5 + accuracy) / 2;
const latencyMs = num("latency", flags.latency, 0);
const draws = num("draws", flags.draws, 1);
const cacheRules = CACHE_RULES[flags["cache-rules"] as keyof typeof CACHE_RULES] ?? fail(`--cache-rules must be one of ${Object.keys(CACHE_RULES).join(", ")}, got "${flags["cache-rules"]}"`);
const maxProblems = flags["max-problems"] !== undefined ? num("max-problems", flags["max-problems"], 1) : Infinity;
const datasets = flags.datasets.split(",").map((s) => s.trim());
for (const d of datasets) if (!(DATASETS as readonly string[]).includes(d)) fail(`unknown dataset "${d}" in --datasets; known: ${DATASETS.join(", ")}`);
const rowNames = flags.rows.split(",").map((s) => s.trim());
for (const r of rowNames) if (!ROWS.some((x) => x.name === r)) fail(`unknown row "${r}" in --rows; known: ${ROWS.map((x) => x.name).join(", ")}`);
const rows = ROWS.filter((r) => rowNames.includes(r.name));
const inputsFile = flags.inputs ?? flags.pool.replace(/\.jsonl$/, "-tests.jsonl");
const cacheDir = flags["cache-dir"] ?? here("./.cache/selection");
const log = (s: string) => process.stderr.write(`${s}\n`);
process.on("uncaughtException", (e) => {
  console.error(e instanceof Error && /^bench:(cost|selection):/.test(e.message) ? e.message : e);
  process.exit(2);
});

const t0 = Date.now();
const results: { dataset: string; summaries: RowSummary[]; costs: ProblemCost[] }[] = [];
let humaneval: CostProblem[] | undefined;
let codecontests: CostProblem[] | undefined;
{
  for (const dataset of datasets) {
    let problems: CostProblem[];
    if (dataset === "humaneval") problems = humaneval ??= await loadHumanEvalProblems({ pool: flags.pool, inputs: inputsFile, problems: flags.problems, cacheDir, log });
    else {
      codecontests ??= await loadCodeContestsProblems({ file: flags.codecontests, cacheDir, log, seed });
      problems = dataset === "codecontests-strong" ? codecontests.map(strongVariant) : dataset === "codecontests-hard" ? codecontests.map(hardVariant) : codecontests;
    }
    problems = problems.slice(0, maxProblems);
    if (problems.length === 0) fail(`${dataset}: no problems to run`);
    log(`${dataset}: ${problems.length} problems, rows ${rows.map((r) => r.name).join(", ")}`);
    const costs: ProblemCost[] = await runCost(problems, rows, { seed, judge: { accuracy, codeAccuracy }, latencyMs, cacheRules, draws, log, label: dataset });
    const summaries = rows.map((r) => summarize(costs, r.name));
    // A row that billed nothing measured nothing: say so rather than print zeros.
    for (const s of summaries) if (s.requests === 0 || s.promptTokens === 0) fail(`${dataset} ${s.row}: no request was served`);
    results.push({ dataset, summaries, costs });
  }
}

const fmt = (x: number, d = 0) => x.toLocaleString("en-US", { minimumFractionDigits: d, maximumFractionDigits: d });
function table(): string {
  const lines = [
    `| data set | row | problems | requests | prompt tokens, uncached + cached | completion tokens | billed tokens vs reference | $ per problem | measured wall (${latencyMs} ms per call) | samples drawn (easy problems) | correct program selected (contested problems x draws) | vs reference, paired (± SE) |`,
    "|---|---|---|---|---|---|---|---|---|---|---|---|",
  ];
  for (const { dataset, summaries, costs } of results) {
    const ref = summaries.find((s) => s.row === "reference");
    for (const s of summaries) {
      const billed = s.promptTokens + s.completionTokens;
      const ratio = ref === undefined ? "-" : s.row === "reference" ? "1.00x" : `${fmt((ref.promptTokens + ref.completionTokens) / billed, 2)}x fewer`;
      const paired = ref === undefined || s.row === "reference" ? null : pairedDifference(costs, s.row);
      const correct = s.contested === null ? "none contested" : `${fmt(s.contested.correctShare, 3)} (${s.contested.problems} x ${fmt(s.contested.draws, 1)})`;
      lines.push(
        `| ${dataset} | ${s.row} | ${s.problems} | ${fmt(s.requests, 1)} | ${fmt(s.promptTokens - s.cachedPromptTokens)} + ${fmt(s.cachedPromptTokens)} | ${fmt(s.completionTokens)} | ${ratio} | ${fmt(s.usd, 5)} | ${fmt(s.wallMs / 1000, 1)} s | ${fmt(s.samplesDrawn, 1)} (${s.easySamplesDrawn === null ? "none" : `${fmt(s.easySamplesDrawn, 1)} on ${s.easyProblems}`}) | ${correct} | ${paired === null ? "-" : `${paired.diff >= 0 ? "+" : ""}${fmt(paired.diff, 3)} ± ${fmt(paired.se, 3)}`} |`,
      );
    }
  }
  return lines.join("\n");
}

const seconds = ((Date.now() - t0) / 1000).toFixed(0);
const out = table();
console.log(out);
log(`done in ${seconds} s`);

if (flags.write) {
  const file = here("../BENCHMARKS.md");
  const cmd = `npm run bench:cost -- ${process.argv.slice(2).filter((a) => a !== "--write").join(" ")}`.trim();
  const section = [
    "<!-- cost:start -->",
    "## Cost per problem (`npm run bench:cost`)",
    "",
    `Command: \`${cmd}\` (seed ${seed}; judge accuracy ${accuracy}, ${codeAccuracy} on code-only questions; R=2 debugging rounds).`,
    `Machine: ${os.cpus().length} cores, Node ${process.version}; ${seconds} s.`,
    "",
    "The real engine (`solve`), over real HTTP, through the real model client (17 calls in flight), against a replay server",
    "(bench/cost/replay.ts) answering from real pools: generation and debugging requests get the pool's programs drawn without",
    "replacement in a seeded order (a debugging request gets the next program of the draw: a fresh sample, not a repair);",
    "synthesis gets the pool's model-written inputs; `separate` and the judge are bench:selection's simulated ones (the judge",
    "recognises each program by its code in the prompt). Programs run in the real sandbox, a fresh one per row (no result",
    "cache shared across rows). The reference row caches replies by prompt content, as the reference implementation does.",
    `Reply lengths: a judge reply reasons for ${JUDGE_REASONING_TOKENS} tokens before its ANSWER line (the prompt asks it to work each case out step`,
    `by step); a debugging reply explains for ${DEBUG_EXPLANATION_TOKENS} tokens before the program (the prompt asks for a brief explanation).`,
    `Tokens: ${TOKENIZER_NAME} (js-tiktoken), every prompt (messages + OpenAI's framing tokens) and completion, reported by the replay in \`usage\`;`,
    `the engine's own totals are checked against the replay's. Cached prompt tokens (\`--cache-rules ${cacheRules.name}\`): ${cacheRules.describe}.`,
    `Price: ${PRICE.model} list price, $${PRICE.input} input, $${PRICE.cachedInput} cached input, $${PRICE.output} output per million tokens.`,
    `Wall time: measured; the replay runs in a worker thread of its own and answers every request ${latencyMs} ms after it arrived (sandbox runs included).`,
    `Easy problems: at least ${EASY_SHARE * 100}% of the pool's programs correct. Cost columns: draw 0 of every problem. Correctness: every row on the`,
    `same ${draws} draws of each contested problem (the pool holds a correct program and a wrong one passing every public test); the`,
    "paired difference is the mean over those problems of (row - reference) averaged over the draws, with its standard error.",
    "",
    out,
    "<!-- cost:end -->",
  ].join("\n");
  const text = existsSync(file) ? readFileSync(file, "utf8") : "# Benchmarks\n";
  const re = /<!-- cost:start -->[\s\S]*<!-- cost:end -->/;
  writeFileSync(file, re.test(text) ? text.replace(re, section) : `${text.trimEnd()}\n\n${section}\n`);
  log(`wrote ${file}`);
}
