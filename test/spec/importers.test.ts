import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { parse } from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  checkSpecObject,
  specFromObject,
  importCodeContests,
  importHumanEval,
  importLiveCodeBench,
  loadSpecs,
  readStringPickle,
  specToYaml,
  writeSpecs,
  type HumanEvalImportResult,
} from "../../src/spec/index.ts";
import { extractExampleCandidates } from "../../src/spec/importers/docstring-examples.ts";
import { resolvePython } from "../../src/spec/importers/python.ts";
import { createSandbox, gradeProgram } from "../../src/sandbox/index.ts";
import { CODECONTESTS_FILE, CODECONTESTS_SUBSET_FILE, HUMANEVAL_FILE, hasSharedData } from "../fixtures/shared-data.ts";

const CC = CODECONTESTS_FILE;
const HE = HUMANEVAL_FILE;
const ccRows = hasSharedData ? readFileSync(CC, "utf8").trim().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>) : [];

describe.runIf(hasSharedData)("CodeContests importer (the real dev file)", () => {
  // A skipped describe still runs its body to collect tests: read the file only when it is there.
  const r = hasSharedData ? importCodeContests(readFileSync(CC, "utf8")) : { specs: [], skipped: [] };
  it("gives 97 valid specs with public and hidden tests intact through YAML", () => {
    expect(r.skipped).toEqual([]);
    expect(r.specs).toHaveLength(97);
    r.specs.forEach((spec, i) => {
      const row = ccRows[i] as Record<string, unknown>;
      const back = parse(specToYaml(spec)) as unknown;
      expect(back).toEqual(JSON.parse(JSON.stringify(spec)));
      const loaded = checkSpecObject(back, spec.id);
      expect(loaded.ok).toBe(true);
      if (!loaded.ok) return;
      expect(loaded.spec.tests.public.map(({ input, output }) => ({ input, output }))).toEqual(row["public_tests"]);
      expect(loaded.spec.tests.hidden.map(({ input, output }) => ({ input, output }))).toEqual(row["hidden_tests"]);
      expect(loaded.spec.multipleAnswers).toBe(row["multiple_answers_hint"]);
      expect(loaded.spec.source?.license).toBe("CC BY 4.0");
    });
    expect(r.specs.filter((s) => s.multipleAnswers === true)).toHaveLength(16);
    expect(r.specs[0]?.title).toBe("1041_E. Tree Reconstruction");
  });
  it("reads limits and the original test layout when the data has them", () => {
    const row = { name: "1/A x", description: "d", public_tests: { input: ["1\n"], output: ["2\n"] }, private_tests: { input: [], output: [] }, time_limit: { seconds: 2, nanos: 500000000 }, memory_limit_bytes: 268435456 };
    const out = importCodeContests(JSON.stringify(row) + "\nnot json\n");
    expect(out.skipped).toEqual([{ id: "line 2", reason: expect.stringContaining("not a JSON object") }]);
    expect(out.specs[0]).toMatchObject({ id: "1-A-x", limits: { timeMs: 2500, memoryMb: 256 }, tests: { public: [{ input: "1\n", output: "2\n" }], hidden: [] } });
  });
  it("honours --limit", () => {
    expect(importCodeContests(readFileSync(CC, "utf8"), { limit: 3 }).specs).toHaveLength(3);
  });
});

describe.runIf(hasSharedData)("HumanEval importer (the real file)", () => {
  let r: HumanEvalImportResult;
  beforeAll(async () => {
    r = await importHumanEval(readFileSync(HE, "utf8"));
  });
  it("gives 164 valid function specs, most with docstring examples as public tests", () => {
    expect(r.skipped).toEqual([]);
    expect(r.specs).toHaveLength(164);
    for (const spec of r.specs) expect(checkSpecObject(spec, spec.id).ok).toBe(true);
    expect(r.withExamples).toBeGreaterThanOrEqual(130);
    expect(r.specs.filter((s) => (s.tests?.public?.length ?? 0) > 0)).toHaveLength(r.withExamples);
  });
  it("parses the signature and keeps the prompt as starter", () => {
    const s = r.specs[0];
    expect(s?.io).toMatchObject({ kind: "function", name: "has_close_elements", params: [{ name: "numbers", type: "List[float]" }, { name: "threshold", type: "float" }], returns: "bool" });
    expect(s?.tests?.public).toEqual([{ args: [[1.0, 2.0, 3.0], 0.5], expected: false }, { args: [[1.0, 2.8, 3.0, 4.0, 5.0, 2.0], 0.3], expected: true }]);
  });
  it("reads `f(x) ➞ y`, `For a = .., the result should be`, doctests with no output (None), and drops examples the solution disagrees with", () => {
    const byId = new Map(r.specs.map((s) => [s.id, s]));
    expect(byId.get("humaneval-72")?.tests?.public?.[0]).toEqual({ args: [[1, 2], 5], expected: false });
    expect(byId.get("humaneval-112")?.tests?.public?.[0]).toEqual({ args: ["abcde", "ae"], expected: ["bcd", false] });
    expect(byId.get("humaneval-12")?.tests?.public?.[0]).toEqual({ args: [[]], expected: null });
    expect(byId.get("humaneval-67")?.tests?.public?.[0]).toEqual({ args: ["5 apples and 6 oranges", 19], expected: 8 });
    // The docstring's median([-10, 4, 6, 1000, 10, 20]) == 15.0 is wrong: only the first example stays.
    expect(byId.get("humaneval-47")?.tests?.public).toEqual([{ args: [[3, 1, 2, 4, 5]], expected: 3 }]);
  });
  it("hidden assert tests pass with the canonical solutions and fail with a wrong one", async () => {
    const python = await resolvePython();
    const rows = readFileSync(HE, "utf8").trim().split("\n").map((l) => JSON.parse(l) as Record<string, string>);
    const payload = r.specs.map((s, i) => ({ code: `${rows[i]?.["prompt"]}${rows[i]?.["canonical_solution"]}`, fn: rows[i]?.["entry_point"], test: s.tests?.hidden?.[0] }));
    const script = `import json, sys
ok = 0
for t in json.load(sys.stdin):
    ns = {}
    exec(t["code"], ns)
    ns["candidate"] = ns[t["fn"]]
    exec(t["test"]["assert"], ns)
    ok += 1
wrong = {}
exec("def add(x, y):\\n    return x - y\\n", wrong)
wrong["candidate"] = wrong["add"]
try:
    exec(json.load(open(sys.argv[1]))["assert"], wrong)
    print(ok, "wrong passed")
except AssertionError:
    print(ok, "wrong failed")
`;
    const dir = mkdtempSync(join(tmpdir(), "he-"));
    writeFileSync(join(dir, "add.json"), JSON.stringify(r.specs[53]?.tests?.hidden?.[0]));
    const run = await execa(python, ["-c", script, join(dir, "add.json")], { input: JSON.stringify(payload), timeout: 120_000 });
    rmSync(dir, { recursive: true });
    expect(run.stdout.trim()).toBe("164 wrong failed");
  });
});

describe.runIf(hasSharedData)("HumanEval hidden checks, graded apart from the program (issue 21)", () => {
  // Every 6th task keeps the suite short; all 164 were checked once this way (issue 21's closing note).
  it("accept every canonical solution and no wrong one, in the sandbox", async () => {
    const r = await importHumanEval(readFileSync(HE, "utf8"));
    const rows = readFileSync(HE, "utf8").trim().split("\n").map((l) => JSON.parse(l) as Record<string, string>);
    const sb = await createSandbox({ workers: 2 });
    try {
      const results = await Promise.all(
        r.specs.flatMap((input, i) => (i % 6 === 0 ? [{ input, i }] : [])).map(async ({ input, i }) => {
          const spec = specFromObject(input, input.id);
          const hidden = spec.tests.hidden;
          const right = await gradeProgram(sb, spec, { language: "python", code: `${rows[i]?.["prompt"]}${rows[i]?.["canonical_solution"]}` }, hidden);
          const wrong = await gradeProgram(sb, spec, { language: "python", code: `${rows[i]?.["prompt"]}    return None\n` }, hidden);
          return { id: spec.id, right: right.outcomes[0]?.verdict, wrong: wrong.outcomes[0]?.verdict, why: right.outcomes[0]?.message };
        }),
      );
      expect(results.filter((x) => x.right !== "accepted")).toEqual([]);
      expect(results.filter((x) => x.wrong === "accepted").map((x) => x.id)).toEqual([]);
    } finally {
      await sb.close();
    }
  }, 900_000);
});

describe("docstring example extraction", () => {
  it("finds doctests, arrows, `should return` and kwargs forms", () => {
    const prompt = `def f(a, b):
    """Adds.
    >>> f(1, 2)
    3
    f(2, 2) ➞ 4
    f(3, 3) should return 6.
    * f([1,
    For a = 1, b = 1, the output should be 2
    Input: a = 0, b = 5
    Output: 5
    >>> round(f(1.5, 2), 1)
    3.5
    """
`;
    expect(extractExampleCandidates(prompt, "f").map((c) => (c.kind === "call" ? [c.callee, c.args, c.value] : [c.assignments, c.value]))).toEqual([
      ["f", "1, 2", "3"],
      ["f", "2, 2", "4"],
      ["f", "3, 3", "6."],
      ["a = 1, b = 1", "2"],
      ["a = 0, b = 5", "5"],
    ]);
  });
});

describe("LiveCodeBench importer (fixture in the release format)", () => {
  const r = importLiveCodeBench(readFileSync("test/fixtures/livecodebench/sample.jsonl", "utf8"));
  it("reads stdin and functional problems, plain-JSON and compressed private tests", () => {
    expect(r.specs.map((s) => s.id)).toEqual(["lcb-abc999_a", "lcb-9001", "lcb-9002"]);
    expect(r.specs[0]).toMatchObject({ io: { kind: "stdio" }, tests: { public: [{ input: "3\n", output: "6\n" }], hidden: [{ input: "0\n", output: "0\n" }, { input: "-7\n", output: "-14\n" }] } });
    expect(r.specs[1]).toMatchObject({
      io: { kind: "function", name: "countEvens", params: [{ name: "nums", type: "List[int]" }], returns: "int" },
      tests: { public: [{ args: [[1, 2, 4]], expected: 2 }], hidden: [{ args: [[]], expected: 0 }, { args: [[2, 2, 2, 7]], expected: 3 }] },
    });
    expect((r.specs[1]?.io as { starter?: string }).starter).toContain("class Solution");
    expect(r.specs[2]).toMatchObject({ io: { name: "addUp", params: [{ name: "a" }, { name: "b" }] }, tests: { public: [{ args: [1, 2], expected: 3 }] } });
  });
  it("never runs a pickle: one that is not a single string is skipped with the reason", () => {
    expect(r.skipped).toEqual([{ id: "lcb-9003", reason: expect.stringMatching(/^private_test_cases: the pickle holds something other than one string/) }]);
    expect(() => readStringPickle(Buffer.from([0x80, 0x04, 0x63]))).toThrow(/opcode 0x63/);
  });
});

describe("writeSpecs", () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "sstar-write-"));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  it("writes one readable <id>.yaml per spec, never overwriting without force", async () => {
    const specs = importCodeContests(readFileSync(CODECONTESTS_SUBSET_FILE, "utf8"), { limit: 2 }).specs;
    const first = await writeSpecs(specs, dir);
    expect(first.written).toHaveLength(2);
    expect(readFileSync(join(dir, `${specs[0]?.id}.yaml`), "utf8")).toContain("statement: |");
    const again = await writeSpecs(specs, dir);
    expect(again.written).toEqual([]);
    expect(again.skipped[0]?.reason).toMatch(/exists \(use --force to overwrite\)$/);
    expect((await writeSpecs(specs, dir, { force: true })).written).toHaveLength(2);
    expect(readdirSync(dir)).toHaveLength(2);
    expect((await loadSpecs([dir])).specs).toHaveLength(2);
  });
});
