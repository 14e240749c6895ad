// The benchmarks' runner runs what the product's sandbox runs: every CodeContests reference graded
// through bench/selection/runner.py (in bwrap) and through the sandbox's gradeProgram gets the same
// verdict, as does a broken copy of it; programs that read standard input through its file
// descriptor (os.read(0), sys.stdin.buffer, open(0)) are graded, not rejected.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runJob } from "../../bench/selection/exec.ts";
import { createSandbox, gradeProgram, type PooledSandbox } from "../../src/sandbox/index.ts";
import { CODECONTESTS_SUBSET_FILE, hasSharedData } from "../fixtures/shared-data.ts";
import { breakProgram, loadReferences, type Reference } from "../sandbox/reference-check.ts";
import { toSpecIdForReferences } from "../sandbox/reference-spec.ts";

let sb: PooledSandbox;
beforeAll(async () => {
  sb = await createSandbox();
});
afterAll(async () => {
  await sb.close();
});

/** Verdicts (passed or not) of `code` on the spec's hidden tests: the benchmark runner's and the sandbox's. */
async function verdicts(ref: Reference, code: string): Promise<{ runner: boolean; sandbox: boolean; note: string }> {
  const hidden = ref.spec.tests.hidden.map((t): [string, string] => [t.input, t.output ?? ""]);
  const [r] = await runJob({ mode: "stdin", entry: "", programs: [code], inputs: [], checks: [], test: null, grade_inputs: hidden, grade_timeout: 10, timeout: 1 });
  const graded = await gradeProgram(sb, ref.spec, { language: "python", code }, ref.spec.tests.hidden, { stopOnFirstFailure: true });
  return { runner: r!.graded === true, sandbox: graded.allPassed, note: r!.grade_note ?? "" };
}

async function expectSameVerdicts(refs: Reference[]): Promise<void> {
  for (const ref of refs) {
    const reference = await verdicts(ref, ref.code);
    expect(reference, `${ref.spec.id}: the reference (${reference.note})`).toMatchObject({ runner: true, sandbox: true });
    const broken = await verdicts(ref, breakProgram(ref.code));
    expect(broken, `${ref.spec.id}: its broken copy`).toMatchObject({ runner: false, sandbox: false });
  }
}

/** How a program may read its whole input; each must be graded like input() is. */
const READERS: Record<string, string> = {
  "input()": "a, b = map(int, input().split())",
  "sys.stdin.buffer": "import sys\na, b = map(int, sys.stdin.buffer.read().split())",
  "open(0)": "a, b = map(int, open(0).read().split())",
  "os.read(sys.stdin.fileno())": "import os, sys\na, b = map(int, os.read(sys.stdin.fileno(), 1 << 20).split())",
};

describe("the benchmarks' runner grades stdin programs as the sandbox does", () => {
  it("however they read standard input", async () => {
    const programs = Object.values(READERS).map((read) => `${read}\nprint(a + b)`);
    const results = await runJob({ mode: "stdin", entry: "", programs, inputs: ["1 2", "30 40"], checks: [[0, "3"], [1, "70"]], test: null, grade_inputs: [["5 6", "11"], ["7 8", "15"]], grade_timeout: 3, timeout: 1 });
    expect(results.map((r) => [r.checks, r.graded, r.grade_note])).toEqual(programs.map(() => ["11", true, ""]));
    // Each run sees its own input only, however the one before read (or closed) descriptor 0.
    const [len] = await runJob({ mode: "stdin", entry: "", programs: ["print(len(open(0).read()))"], inputs: ["1 2", "30 40", ""], checks: [[0, "3"], [1, "5"], [2, "0"]], test: null, timeout: 1 });
    expect(len!.checks).toBe("111");
  }, 120_000);

  it("on the repository's CodeContests subset: the same verdict for each reference and its broken copy", async () => {
    await expectSameVerdicts(loadReferences(CODECONTESTS_SUBSET_FILE));
  }, 600_000);

  it.runIf(hasSharedData)("on the references the runner once rejected (reading stdin through its descriptor), and every 6th of the rest", async () => {
    const once = ["1499_e_chaotic_merge_7526", "397_c_on_number_of_decompositions_into_multipliers_6811", "95_c_volleyball_8708"];
    const all = loadReferences().sort((a, b) => a.spec.id.localeCompare(b.spec.id));
    const onceIds = new Set(once.map(toSpecIdForReferences));
    const picked = all.filter((r, i) => onceIds.has(r.spec.id) || i % 6 === 0);
    expect(picked.filter((r) => onceIds.has(r.spec.id))).toHaveLength(3);
    await expectSameVerdicts(picked);
  }, 900_000);
});
