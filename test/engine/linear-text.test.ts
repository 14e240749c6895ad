// Model replies and program output are read in time linear in their length: each of these
// inputs made an old regex backtrack polynomially (seconds to hours at 64 KiB). The bound is loose
// (shared CI machines): a regression to quadratic time exceeds it by orders of magnitude.
import { describe, expect, it } from "vitest";
import { compareOutputs } from "../../src/checkers/index.ts";
import { extractCode, stripThinking } from "../../src/model/extract.ts";
import { parseJudgeAnswer } from "../../src/engine/prompts.ts";

const N = 65_536;

function ms(f: () => unknown): number {
  const start = performance.now();
  f();
  return performance.now() - start;
}

describe("linear reading of model replies and program output", () => {
  it("strips thinking from a reply of many unclosed tags, and keeps the old meaning", () => {
    expect(ms(() => stripThinking("<think>".repeat(N / 7)))).toBeLessThan(2000);
    expect(stripThinking("<think>a</think>x<thinking>b</thinking>y<reasoning>c</reasoning>z")).toBe("xyz");
    expect(stripThinking("<think> a <reasoning> b </reasoning> c")).toBe("");
    expect(stripThinking("<think>x</reasoning> y")).toBe(" y");
    expect(stripThinking("pre<THINK>a</think>post")).toBe("prepost");
  });

  it("reads the judge's answer from a reply of `answer` and many spaces", () => {
    expect(ms(() => parseJudgeAnswer(`answer${" ".repeat(N)}x`))).toBeLessThan(2000);
    expect(ms(() => parseJudgeAnswer(`answer:${" *".repeat(N / 2)}x`.repeat(2)))).toBeLessThan(2000);
    expect(parseJudgeAnswer("reasoning...\nANSWER: **Program 2**")).toBe("second");
    expect(parseJudgeAnswer("Answer = [1]")).toBe("first");
    expect(parseJudgeAnswer("answer - output tie")).toBe("tie");
    expect(parseJudgeAnswer("I answered: 1")).toBe("invalid");
  });

  it("compares a program's line of many spaces and one last character", () => {
    const line = `a${" ".repeat(N)}b`;
    expect(ms(() => compareOutputs({ kind: "exact" }, line, line))).toBeLessThan(2000);
    expect(compareOutputs({ kind: "exact" }, "a  \t\nb", "a\nb").ok).toBe(true);
    expect(ms(() => compareOutputs({ kind: "float", absolute: 1e-6, relative: 1e-6 }, `${"1".repeat(N)}x`, "1"))).toBeLessThan(2000);
  });

  it("extracts code from a reply of one long assignment-like line", () => {
    expect(ms(() => extractCode(`a${" ".repeat(N)}x`, "python"))).toBeLessThan(2000);
    expect(ms(() => extractCode("\n".repeat(N) + "x", "python"))).toBeLessThan(2000);
  });
});
