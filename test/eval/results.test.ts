import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { gradableSpecs, resumeConflict, settingsOf } from "../../src/eval/evaluate.ts";
import { specHash } from "../../src/eval/hash.ts";
import { evalResultsJsonSchema, evalResultsJsonSchemaText, parseEvalResults, summarize } from "../../src/eval/results.ts";
import type { ProblemSpec } from "../../src/spec/schema.ts";
import { config, problem, results } from "./helpers.ts";

const base = { samples: 8, rounds: 2, selection: "sstar" as const, temperature: 0.7, modelName: "m", judgeModelName: "j", sandboxName: "bwrap" };

function spec(id: string, hidden = 1): ProblemSpec {
  return {
    id,
    title: id,
    statement: "s",
    io: { kind: "stdio" },
    language: "python",
    limits: { timeMs: 2000, memoryMb: 256 },
    checker: { kind: "tokens" },
    multipleAnswers: false,
    tests: { public: [], hidden: Array.from({ length: hidden }, (_, i) => ({ name: `h${i}`, input: "1", output: "1" })) },
    tags: [],
  };
}

describe("results file", () => {
  it("has a JSON Schema, committed up to date (run `npm run schemas` after changing src/eval/results.ts)", () => {
    const schema = evalResultsJsonSchema() as { required?: string[] };
    expect(schema.required).toEqual(expect.arrayContaining(["kind", "version", "config", "problems", "summary"]));
    expect(readFileSync("schemas/eval-results.schema.json", "utf8")).toBe(evalResultsJsonSchemaText());
  });

  it("parses its own output and refuses other files with one line naming the file", () => {
    const r = results([problem({ id: "a" })], config(["a"]));
    expect(parseEvalResults(JSON.parse(JSON.stringify(r)), "r.json")).toEqual(r);
    expect(() => parseEvalResults({ kind: "other" }, "x.json")).toThrow(/^x\.json: not an sstar evaluation results file/);
    expect(() => parseEvalResults({ ...r, version: 9 }, "x.json")).toThrow(/^x\.json: results version 9 is not supported/);
    expect(() => parseEvalResults({ ...r, problems: [{ id: 1 }] }, "x.json")).toThrow(/^x\.json: invalid results at problems\.0\./);
  });

  it("reads a version 1 file (a baseline committed before outcomes) with outcomes from the grades", () => {
    const r = results([problem({ id: "a" }), problem({ id: "b", passed: false })], config(["a", "b"]));
    const v1 = JSON.parse(JSON.stringify({ ...r, version: 1 })) as { problems: Record<string, unknown>[]; summary: Record<string, unknown> };
    for (const p of v1.problems) delete p.outcome;
    for (const k of ["graded", "notAttempted", "notAttemptedByCause", "flaky"]) delete v1.summary[k];
    const read = parseEvalResults(v1, "old.json");
    expect(read.version).toBe(2);
    expect(read.problems.map((p) => p.outcome)).toEqual(["passed", "failed"]);
    expect(read.summary).toMatchObject({ problems: 2, graded: 2, solved: 1, notAttempted: 0, solveRate: 0.5 });
  });

  it("recomputes the summary: not-attempted problems are out of every rate, flaky ones counted", () => {
    const r = results([problem({ id: "a" }), problem({ id: "b", passed: false, confirm: [true] }), problem({ id: "c", notAttempted: "deadline" })], config(["a", "b", "c"]));
    const forged = { ...r, summary: { ...r.summary, solved: 3 } };
    expect(parseEvalResults(JSON.parse(JSON.stringify(forged)), "r.json").summary).toMatchObject({
      problems: 3,
      graded: 2,
      notAttempted: 1,
      notAttemptedByCause: { deadline: 1 },
      flaky: 1,
      solved: 1,
      solveRate: 0.5,
    });
    // The retries' spending counts: 3 x 0.01 + 0.001.
    expect(r.summary.usage.costUsd).toBeCloseTo(0.021, 6);
    expect(r.summary.usage.calls).toBe(23);
  });
});

describe("evaluation configuration", () => {
  it("records result-changing settings with defaults filled, never labels or callbacks", () => {
    const s = settingsOf({ ...base, onProgress: () => {} });
    expect(s).toEqual({ samples: 8, rounds: 2, selection: "sstar", temperature: 0.7, synthesizeCount: 10, judgeTemperature: 0, replay: false, maxTokens: null });
    expect(settingsOf({ ...base, synthesizeCount: 10 })).toEqual(s);
  });

  it("hashes specs by content, not by file path", () => {
    expect(specHash({ ...spec("a"), path: "x/a.yaml" })).toBe(specHash(spec("a")));
    expect(specHash(spec("a", 2))).not.toBe(specHash(spec("a")));
  });

  it("skips specs without hidden tests with a reason, and refuses duplicate ids", () => {
    const g = gradableSpecs([spec("b"), spec("a", 0), spec("c")]);
    expect(g.specs.map((s) => s.id)).toEqual(["b", "c"]);
    expect(g.skipped).toEqual([{ id: "a", reason: expect.stringContaining("no hidden tests") }]);
    expect(() => gradableSpecs([spec("a"), spec("a")])).toThrow(/"a" appears twice/);
  });

  it("resumes only results of the same model, settings and shard", () => {
    const prev = results([problem({ id: "a" })], config(["a"]));
    expect(resumeConflict(prev, config(["a"]))).toBeNull();
    expect(resumeConflict(prev, config(["a", "b"]))).toBeNull(); // spec set changes are handled per problem
    expect(resumeConflict(prev, config(["a"], { model: "other" }))).toMatch(/^config\.model differs/);
    expect(resumeConflict(prev, config(["a"], { shard: { index: 1, count: 2, problems: ["a"] } }))).toBe("it holds the whole set, this run is shard 1/2");
  });
});

describe("coverage and precision (--min-confidence)", () => {
  it("counts the answered problems (status solved) and those of them whose pick passes; an uncertain pick is still graded", () => {
    const problems = [
      problem({ id: "a", passed: true }),
      problem({ id: "b", passed: false }),
      { ...problem({ id: "c", passed: true }), status: "uncertain" as const, confidence: 0.3 },
      { ...problem({ id: "d", passed: false }), status: "uncertain" as const, confidence: 0.2 },
    ];
    const s = summarize(problems);
    expect(s).toMatchObject({ graded: 4, solved: 2, solveRate: 0.5, answered: 2, answeredPassed: 1 });
  });
});
