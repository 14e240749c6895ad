// The issue-body parser on adversarial 64 KiB bodies (bench/parser-bodies.ts): milliseconds per
// parse (median and minimum of ROUNDS) for each shape, and the slowest shape. Target: under 100 ms
// each; the exit code checks the minimum, the parse's own cost on a machine shared with other work.
// Run: npm run bench:parser
import { parseIssueBody, ISSUE_LIMITS } from "../src/spec/index.ts";
import { adversarialBodies } from "./parser-bodies.ts";

const ROUNDS = 15;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
}

const bodies = adversarialBodies(ISSUE_LIMITS.bodyChars);
const rows = bodies.map((body, shape) => {
  const times: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const start = performance.now();
    parseIssueBody(body, { number: 1, title: "bench" });
    times.push(performance.now() - start);
  }
  return { shape, chars: body.length, start: JSON.stringify(body.slice(0, 24)), ms: median(times), min: Math.min(...times) };
});
// The minimum is the parse's own cost; the median also carries the machine's load.
console.log("| shape | characters | body starts | median ms | min ms |");
console.log("|---|---|---|---|---|");
for (const r of rows) console.log(`| ${r.shape} | ${r.chars} | ${r.start.replace(/\|/g, "\\|")} | ${r.ms.toFixed(2)} | ${r.min.toFixed(2)} |`);
const worst = rows.reduce((a, b) => (b.min > a.min ? b : a));
console.log(`\nslowest: shape ${worst.shape}, ${worst.min.toFixed(2)} ms at best, ${worst.ms.toFixed(2)} ms median (target < 100 ms)`);
if (worst.min >= 100) process.exitCode = 1;
