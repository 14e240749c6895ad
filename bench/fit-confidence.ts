// npm run fit:confidence: refits the calibrated confidence (src/engine/select/confidence.ts) on the
// development data. Runs bench:selection's sstar over both development sets (or reads a --dump file
// it wrote), splits the tasks in two halves by a hash of their id, fits the logistic model on one
// half, measures its calibration (ECE over 10 bins, reliability diagram) on the other at every
// judge accuracy, and writes the coefficients (src/engine/select/confidence-model.ts), the diagram
// (docs/confidence-reliability.svg) and the figures (BENCHMARKS.md, with --write).
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import os from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { confidenceFeatures, FEATURE_NAMES, predict, type ConfidenceModel, type FeatureName, type PickEvidence } from "../src/engine/select/confidence.ts";
import { expectedCalibrationError, fitLogistic, reliabilityBins, reliabilitySvg, type Scored } from "./selection/calibration.ts";
import { hash32 } from "./selection/sim.ts";

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));
const { values: flags } = parseArgs({
  options: {
    from: { type: "string" },
    draws: { type: "string", default: "10" },
    seed: { type: "string", default: "1" },
    l2: { type: "string", default: "1" },
    write: { type: "boolean", default: false },
    help: { type: "boolean", default: false },
  },
});
if (flags.help) {
  console.log(`npm run fit:confidence -- [flags]
  --from FILE   a bench:selection --dump file to fit on (default: run bench:selection's sstar now)
  --draws N     draws per task when running bench:selection (10)
  --seed N      its seed (1)
  --l2 X        L2 penalty on the standardized weights (1)
  --write       also write the figures into BENCHMARKS.md`);
  process.exit(0);
}

interface DumpLine {
  dataset: string;
  strategy: string;
  accuracy: number | null;
  task: string;
  hit: boolean;
  evidence?: PickEvidence;
}

let file = flags.from;
const benchArgs = ["--strategies", "sstar", "--draws", flags.draws, "--seed", flags.seed];
if (file === undefined) {
  file = join(mkdtempSync(join(tmpdir(), "fit-confidence-")), "draws.jsonl");
  process.stderr.write(`fit:confidence: running bench:selection ${benchArgs.join(" ")}\n`);
  execFileSync(process.execPath, [...process.execArgv, here("./selection.ts"), ...benchArgs, "--dump", file], { stdio: ["ignore", "ignore", "inherit"] });
} else if (!existsSync(file)) {
  console.error(`fit:confidence: --from ${file} does not exist; write one with npm run bench:selection -- --strategies sstar --dump FILE`);
  process.exit(2);
}
const lines = readFileSync(file, "utf8")
  .split("\n")
  .filter((l) => l.trim() !== "")
  .map((l) => JSON.parse(l) as DumpLine)
  .filter((l): l is DumpLine & { evidence: PickEvidence } => l.strategy === "sstar" && l.evidence !== undefined);
if (lines.length === 0) {
  console.error(`fit:confidence: ${file} holds no sstar draw with its evidence; write it with npm run bench:selection -- --strategies sstar --dump FILE`);
  process.exit(2);
}

/** The half a task belongs to: 0 is fitted on, 1 held out. */
const half = (l: DumpLine) => hash32(`${l.dataset}|${l.task}`) % 2;
const fitSet = lines.filter((l) => half(l) === 0);
const heldOut = lines.filter((l) => half(l) === 1);
const rowsOf = (ls: typeof lines) => ls.map((l) => confidenceFeatures(l.evidence));
const fitRows = rowsOf(fitSet);
const stat = (name: FeatureName) => {
  const xs = fitRows.map((r) => r[name]);
  const m = xs.reduce((s, v) => s + v, 0) / xs.length;
  const sd = Math.sqrt(xs.reduce((s, v) => s + (v - m) ** 2, 0) / xs.length);
  return { m, sd: sd > 1e-9 ? sd : 1 };
};
const stats = Object.fromEntries(FEATURE_NAMES.map((n) => [n, stat(n)])) as Record<FeatureName, { m: number; sd: number }>;
const fit = fitLogistic(
  fitRows.map((r) => FEATURE_NAMES.map((n) => (r[n] - stats[n].m) / stats[n].sd)),
  fitSet.map((l) => l.hit),
  Number(flags.l2),
);
const model: ConfidenceModel = {
  intercept: fit.intercept,
  coefficients: Object.fromEntries(FEATURE_NAMES.map((n, j) => [n, fit.weights[j]!])) as Record<FeatureName, number>,
  mean: Object.fromEntries(FEATURE_NAMES.map((n) => [n, stats[n].m])) as Record<FeatureName, number>,
  scale: Object.fromEntries(FEATURE_NAMES.map((n) => [n, stats[n].sd])) as Record<FeatureName, number>,
};

// Held-out calibration, per judge accuracy (both data sets together) and per data set.
const scored = (ls: typeof lines): Scored[] => ls.map((l) => ({ p: predict(model, confidenceFeatures(l.evidence)), hit: l.hit }));
const accuracies = [...new Set(heldOut.map((l) => l.accuracy))].sort();
const datasets = [...new Set(heldOut.map((l) => l.dataset))].sort();
const eceRows: string[] = [];
for (const acc of accuracies) {
  const at = heldOut.filter((l) => l.accuracy === acc);
  const cells = datasets.map((d) => expectedCalibrationError(scored(at.filter((l) => l.dataset === d))).toFixed(3));
  eceRows.push(`| ${acc} | ${at.length} | ${expectedCalibrationError(scored(at)).toFixed(3)} | ${cells.join(" | ")} |`);
}
const eceTable = [
  `| judge accuracy | held-out draws | ECE (both sets) | ${datasets.map((d) => `ECE ${d}`).join(" | ")} |`,
  `|---|---|---|${datasets.map(() => "---|").join("")}`,
  ...eceRows,
].join("\n");
const coefTable = [
  "| feature | mean | sd | weight (per sd) |",
  "|---|---|---|---|",
  `| intercept | | | ${model.intercept.toFixed(3)} |`,
  ...FEATURE_NAMES.map((n) => `| ${n} | ${model.mean[n].toFixed(3)} | ${model.scale[n].toFixed(3)} | ${model.coefficients[n].toFixed(3)} |`),
].join("\n");
const command = `npm run fit:confidence -- ${flags.from !== undefined ? `--from ${flags.from}` : `--draws ${flags.draws} --seed ${flags.seed}`} --l2 ${flags.l2}`;
const summary = `fitted on ${fitSet.length} draws (${new Set(fitSet.map((l) => `${l.dataset}|${l.task}`)).size} tasks), held out ${heldOut.length} draws (${new Set(heldOut.map((l) => `${l.dataset}|${l.task}`)).size} tasks); ${fit.iterations} Newton iterations`;
console.log(`${summary}\n\n${coefTable}\n\n${eceTable}`);

const num = (v: number) => Number(v.toPrecision(6));
const record = (r: Record<FeatureName, number>) => `{ ${FEATURE_NAMES.map((n) => `${n}: ${num(r[n])}`).join(", ")} }`;
writeFileSync(
  here("../src/engine/select/confidence-model.ts"),
  `// Written by \`${command}\` (bench/fit-confidence.ts): do not edit by hand.
// ${summary}.
// Held-out expected calibration error (10 bins) by judge accuracy: ${eceRows.map((r) => r.split("|").slice(1, 4).map((c) => c.trim()).join(" ")).join("; ")}.
// Plain data (no import): confidence.ts reads it as a ConfidenceModel, which type-checks it.

export const CONFIDENCE_MODEL = {
  intercept: ${num(model.intercept)},
  coefficients: ${record(model.coefficients)},
  mean: ${record(model.mean)},
  scale: ${record(model.scale)},
};
`,
);
const svg = reliabilitySvg(
  accuracies.map((acc) => ({ label: `judge ${acc}`, bins: reliabilityBins(scored(heldOut.filter((l) => l.accuracy === acc))) })),
  "sstar confidence, held-out tasks (both sets)",
);
writeFileSync(here("../docs/confidence-reliability.svg"), svg);
process.stderr.write("wrote src/engine/select/confidence-model.ts and docs/confidence-reliability.svg\n");

if (flags.write) {
  const bench = here("../BENCHMARKS.md");
  const section = [
    "<!-- confidence-fit:start -->",
    "## Calibrated confidence (`npm run fit:confidence`)",
    "",
    `Command: \`${command}\`. Machine: ${os.cpus().length} cores, Node ${process.version}. The sstar draws of bench:selection on both development sets`,
    "(simulated judge, as below); tasks split in two halves by a hash of their id, the logistic model fitted on one half, calibration measured on the other.",
    `${summary}.`,
    "",
    eceTable,
    "",
    "![Reliability of sstar's confidence on the held-out tasks](docs/confidence-reliability.svg)",
    "",
    coefTable,
    "<!-- confidence-fit:end -->",
  ].join("\n");
  const text = existsSync(bench) ? readFileSync(bench, "utf8") : "# Benchmarks\n";
  const re = /<!-- confidence-fit:start -->[\s\S]*<!-- confidence-fit:end -->/;
  writeFileSync(bench, re.test(text) ? text.replace(re, section) : `${text.trimEnd()}\n\n${section}\n`);
  process.stderr.write(`wrote ${bench}\n`);
}
