// `npm run check:references`: every CodeContests reference (69) on its hidden tests, plus a broken
// copy of each, with the pool at full width. Prints one line per problem and a summary.
import { createSandbox } from "../../src/sandbox/index.ts";
import { checkReferences, loadReferences } from "./reference-check.ts";

const started = performance.now();
const sandbox = await createSandbox({ log: (l) => process.stderr.write(`${l}\n`) });
try {
  const refs = loadReferences();
  const outcomes = await checkReferences(sandbox, refs);
  let failed = 0;
  for (const o of outcomes) {
    const ok = o.reference.allPassed && !o.broken.allPassed;
    if (!ok) failed++;
    const bad = o.reference.outcomes.find((t) => t.verdict !== "accepted");
    process.stdout.write(`${ok ? "ok  " : "FAIL"} ${o.id}: reference ${o.reference.passed}/${o.reference.total}${bad ? ` (${bad.test}: ${bad.verdict} ${bad.message ?? ""})` : ""}, broken copy ${o.broken.allPassed ? "PASSED (wrong)" : "fails"}\n`);
  }
  const tests = outcomes.reduce((n, o) => n + o.reference.total, 0);
  process.stdout.write(`${outcomes.length - failed} passed, ${failed} failed (${tests} hidden tests, ${((performance.now() - started) / 1000).toFixed(1)} s, ${sandbox.workers} workers, backend ${sandbox.backend})\n`);
  process.exitCode = failed === 0 ? 0 : 1;
} finally {
  await sandbox.close();
}
