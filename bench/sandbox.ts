// `npm run bench:sandbox`: per-run cost of the bare interpreter vs each sandbox backend, and the
// pool's throughput at full width, on the same trivial programs. Measurements are interleaved
// (bare, bwrap, none, ... in rounds) so machine noise hits all alike. Writes its section of
// BENCHMARKS.md (between the sandbox markers) unless --no-write.
import { spawn } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { availableParallelism, cpus, totalmem } from "node:os";
import { createSandbox, detectBackends, detectLimits, type PooledSandbox } from "../src/sandbox/index.ts";
import type { Program } from "../src/sandbox/types.ts";
import { resolveInterpreter } from "../src/sandbox/toolchain.ts";

const ROUNDS = Number(process.env.SSTAR_BENCH_ROUNDS ?? 30);
const POOL_RUNS = Number(process.env.SSTAR_BENCH_POOL_RUNS ?? 60);
const limits = { timeMs: 5000, memoryMb: 256 };
const programs: Record<"python" | "javascript" | "cpp", Program> = {
  python: { language: "python", code: "print(int(input()) + 1)" },
  javascript: { language: "javascript", code: "console.log(Number(require('fs').readFileSync(0, 'utf8')) + 1)" },
  cpp: { language: "cpp", code: "#include <cstdio>\nint main(){ long long x; if (scanf(\"%lld\", &x) != 1) return 1; printf(\"%lld\\n\", x + 1); }" },
};

// An assertion test (issue 21): the program and its judge in two sandboxes at once, each call and
// answer relayed by sstar as plain data. "bare" runs the same check in one plain interpreter.
const ADD = "def add(a, b):\n    return a + b\n";
const CHECK = "def check(candidate):\n    assert candidate(2, 3) == 5\n    assert candidate(-1, 1) == 0\n";
async function timedAssert(sb: PooledSandbox, round: string): Promise<number> {
  const t = performance.now();
  const io = { kind: "function" as const, name: "add", params: [], returns: "int" };
  const r = await sb.run({ program: { language: "python", code: ADD }, io, input: "", assert: `${CHECK}# round ${round}\n`, limits });
  if (r.judged?.passed !== true) throw new Error(`bench: assertion test under ${sb.backend}: ${r.status} ${r.judged?.message ?? ""} ${r.stderrTail}`);
  return performance.now() - t;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
};

function bare(command: string, args: string[], input: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const t = performance.now();
    const child = spawn(command, args, { stdio: ["pipe", "pipe", "inherit"], env: { PATH: "/usr/bin:/bin", LANG: "C.UTF-8" } });
    child.stdout.resume();
    child.stdin.end(input);
    child.on("error", reject);
    child.on("close", () => resolve(performance.now() - t));
  });
}

async function timed(sb: PooledSandbox, program: Program, input: string): Promise<number> {
  const t = performance.now();
  const r = await sb.run({ program, io: { kind: "stdio" }, input, limits });
  if (r.status !== "ok") throw new Error(`bench: ${program.language} under ${sb.backend}: ${r.status} ${r.stderrTail}`);
  return performance.now() - t;
}

const reports = await detectBackends();
const backends = reports.filter((r) => r.available).map((r) => r.name);
const sandboxes = new Map<string, PooledSandbox>();
for (const b of backends) sandboxes.set(b, await createSandbox({ backend: b, workers: 1, cache: false }));
// The per-run cgroup's cost, side by side: bwrap again with cgroups turned off.
const limitsInfo = detectLimits(1);
const withCgroup = backends.includes("bwrap") && limitsInfo.cgroups.kind !== "none";
if (withCgroup) {
  process.env.SSTAR_CGROUP = "off";
  sandboxes.set("bwrap-no-cgroup", await createSandbox({ backend: "bwrap", workers: 1, cache: false }));
  delete process.env.SSTAR_CGROUP;
}
const columns = [...sandboxes.keys()];

// Compile the C++ program once per backend (its cost is not per-run), and the bare binary.
const py = await resolveInterpreter("python");
const node = await resolveInterpreter("javascript");
for (const sb of sandboxes.values()) await timed(sb, programs.cpp, "1");
const cxx = await resolveInterpreter("cpp");
const { mkdtempSync } = await import("node:fs");
const { tmpdir } = await import("node:os");
const dir = mkdtempSync(`${tmpdir()}/sstar-bench-`);
writeFileSync(`${dir}/p.cpp`, programs.cpp.code);
await new Promise<void>((res, rej) => spawn(cxx.exe, ["-O2", "-o", `${dir}/p`, `${dir}/p.cpp`], { stdio: "inherit" }).on("close", (c) => (c === 0 ? res() : rej(new Error("bench: g++ failed")))));

const bareCmd: Record<string, [string, string[]]> = {
  python: [py.exe, ["-c", programs.python.code]],
  javascript: [node.exe, ["-e", programs.javascript.code]],
  cpp: [`${dir}/p`, []],
};

type Key = `${string}/${string}`;
const samples = new Map<Key, number[]>();
const add = (k: Key, v: number) => samples.set(k, [...(samples.get(k) ?? []), v]);
for (const sb of sandboxes.values()) for (const lang of Object.keys(programs)) await timed(sb, programs[lang as keyof typeof programs], "0"); // warm-up
for (let i = 0; i < ROUNDS; i++) {
  for (const lang of Object.keys(programs) as (keyof typeof programs)[]) {
    const [cmd, args] = bareCmd[lang] as [string, string[]];
    add(`${lang}/bare`, await bare(cmd, args, String(i)));
    for (const [name, sb] of sandboxes) add(`${lang}/${name}`, await timed(sb, programs[lang], String(i)));
  }
  add("python-assert/bare", await bare(py.exe, ["-c", `${ADD}${CHECK}check(add)`], ""));
  for (const [name, sb] of sandboxes) add(`python-assert/${name}`, await timedAssert(sb, String(i)));
}
for (const sb of sandboxes.values()) await sb.close();

// The pool at full width: POOL_RUNS distinct Python runs at once on the default backend.
const pool = await createSandbox({ cache: false });
const t0 = performance.now();
await Promise.all(Array.from({ length: POOL_RUNS }, (_, i) => timed(pool, programs.python, String(i))));
const poolSeconds = (performance.now() - t0) / 1000;
await pool.close();
// ... and bare Python at the same width, for comparison.
const width = availableParallelism();
const t1 = performance.now();
for (let i = 0; i < POOL_RUNS; i += width) {
  await Promise.all(Array.from({ length: Math.min(width, POOL_RUNS - i) }, (_, j) => bare(py.exe, ["-c", programs.python.code], String(i + j))));
}
const barePoolSeconds = (performance.now() - t1) / 1000;

// Peak RSS of sstar while 8 samples print 15 MiB on each of 12 inputs, in a process of its own.
const memoryRun = await new Promise<string>((res, rej) => {
  const child = spawn(process.execPath, ["--import", "tsx", new URL("./sandbox-memory.ts", import.meta.url).pathname], { stdio: ["ignore", "pipe", "inherit"] });
  let out = "";
  child.stdout.on("data", (b: Buffer) => (out += b.toString("utf8")));
  child.on("close", (code) => (code === 0 ? res(out.trim().split("\n").pop() ?? "") : rej(new Error(`bench: sandbox-memory.ts exited with ${code}`))));
});
const memory = JSON.parse(memoryRun) as { samples: number; inputs: number; mibPerOutput: number; baselineMiB: number; peakMiB: number; seconds: number };

const rows: string[] = ["| language | bare (ms/run) | " + columns.map((b) => `${b} (ms/run) | ${b} overhead (ms) | ${b} / bare`).join(" | ") + " |"];
rows.push("|---|---|" + columns.map(() => "---|---|---").join("|") + "|");
for (const lang of [...Object.keys(programs), "python-assert"]) {
  const b = median(samples.get(`${lang}/bare`) ?? []);
  const cells = columns.map((name) => {
    const s = median(samples.get(`${lang}/${name}`) ?? []);
    return `${s.toFixed(1)} | ${(s - b).toFixed(1)} | ${(s / b).toFixed(2)}x`;
  });
  rows.push(`| ${lang} | ${b.toFixed(1)} | ${cells.join(" | ")} |`);
}
const pyBare = median(samples.get("python/bare") ?? []);
const pyBw = median(samples.get("python/bwrap") ?? []);
const asBare = median(samples.get("python-assert/bare") ?? []);
const asBw = median(samples.get("python-assert/bwrap") ?? []);
const assertLine = backends.includes("bwrap")
  ? `Assertion tests (python-assert: a HumanEval-style check of two calls, the test code judged in a sandbox of its own): ${asBw.toFixed(1)} ms per test under bwrap against ${asBw > 0 ? (asBw - pyBw).toFixed(1) : "?"} ms more than one sandboxed Python run (the judge's second sandbox and the relayed calls); the sandboxed Python run ${pyBw.toFixed(1)} ms is ${(pyBw / pyBare).toFixed(2)}x the bare start, the judged test ${(asBw / asBare).toFixed(2)}x the same check in one bare interpreter.`
  : "";
const cgroupLine = withCgroup
  ? `The run's cgroup (${limitsInfo.cgroups.kind}: make the groups, set the memory and pids limits, read CPU and OOM counts, kill and remove them) costs, per run, bwrap minus bwrap-no-cgroup (medians of the same rounds): ${Object.keys(programs).map((l) => `${l} ${(median(samples.get(`${l}/bwrap`) ?? []) - median(samples.get(`${l}/bwrap-no-cgroup`) ?? [])).toFixed(1)} ms`).join(", ")}. Without a cgroup the runner sums the run's memory itself (bwrap-no-cgroup).`
  : `No cgroup here (${limitsInfo.cgroups.kind === "none" ? limitsInfo.cgroups.reason : ""}): the runner's own limits only.`;
const machine = `${cpus().length} cores (${cpus()[0]?.model.trim() ?? "?"}), ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.versions.node}, ${process.platform}`;
const section = [
  "<!-- sandbox:start -->",
  "## Sandbox (`npm run bench:sandbox`)",
  "",
  `Machine: ${machine}. Medians of ${ROUNDS} interleaved sequential runs per cell (one worker, cache off; each`,
  "run spawns the sandbox, starts the interpreter, feeds stdin, reads stdout and the runner's report).",
  "\"bare\" spawns the real interpreter (or the compiled binary) directly from Node with no sandbox.",
  `${limitsInfo.programUser.replace(/^p/, "P")}.`,
  "",
  ...rows,
  "",
  cgroupLine,
  "",
  assertLine,
  "",
  backends.includes("bwrap")
    ? `Target (issue 3): sandboxed Python per-run overhead at most 2x the bare start: overhead ${(pyBw - pyBare).toFixed(1)} ms vs bare ${pyBare.toFixed(1)} ms (${((pyBw - pyBare) / pyBare).toFixed(2)}x; whole sandboxed run ${(pyBw / pyBare).toFixed(2)}x bare): ${(pyBw - pyBare) <= 2 * pyBare ? "met" : "NOT met"}. A fork server is not needed at this overhead.`
    : "bwrap not available on this machine: no overhead target measured.",
  "",
  `Memory (issue 21): ${memory.samples} samples x ${memory.inputs} inputs x ${memory.mibPerOutput} MiB outputs (\`bench/sandbox-memory.ts\`: the sandbox's run cache and selection's cells kept as the engine keeps them): peak RSS ${memory.peakMiB} MiB (${memory.baselineMiB} MiB at start; ${memory.seconds} s). Before outputs were kept by digest (main at 9f74baf): see the figures below the section.`,
  "",
  `Pool at full width (${pool.workers} workers, backend ${pool.backend}): ${POOL_RUNS} distinct Python runs in ${poolSeconds.toFixed(2)} s = ${(POOL_RUNS / poolSeconds).toFixed(1)} runs/s; bare Python at the same width: ${(POOL_RUNS / barePoolSeconds).toFixed(1)} runs/s.`,
  "<!-- sandbox:end -->",
].join("\n");
process.stdout.write(`${section}\n`);
if (!process.argv.includes("--no-write")) {
  const path = new URL("../BENCHMARKS.md", import.meta.url).pathname;
  const text = readFileSync(path, "utf8");
  const re = /<!-- sandbox:start -->[\s\S]*?<!-- sandbox:end -->/;
  writeFileSync(path, re.test(text) ? text.replace(re, section) : `${text.trimEnd()}\n\n${section}\n`);
}
