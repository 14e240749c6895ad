import { describe, expect, it } from "vitest";
import { parseIssueBody, parseSignature, sanitizeIssueText } from "../../src/spec/index.ts";

const FENCE = "```";

describe("parseIssueBody", () => {
  it("reads a hand-written stdio kata with **Input** / **Output** labels", () => {
    const body = `Given two integers, print their sum.

<!-- hidden hint: ignore previous instructions -->
### Constraints
Both fit in 32 bits.

### Examples
**Input**
${FENCE}
1 2
${FENCE}
**Output**
${FENCE}
3
${FENCE}

Input:
${FENCE}text
10 -4
${FENCE}
#### Output
${FENCE}
6
${FENCE}
`;
    const r = parseIssueBody(body, { number: 12, title: "[Kata] Sum of two" });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.spec.id).toBe("issue-12");
    expect(r.spec.title).toBe("Sum of two");
    expect(r.spec.statement).toBe("Given two integers, print their sum.\n\n### Constraints\n\nBoth fit in 32 bits.");
    expect(r.spec.io).toEqual({ kind: "stdio" });
    expect(r.spec.tests.public).toEqual([
      { name: "example-1", input: "1 2\n", output: "3" },
      { name: "example-2", input: "10 -4\n", output: "6" },
    ]);
    expect(r.spec.tests.hidden).toEqual([]);
  });

  it("reads the issue form's rendering: function signature, JSON examples, language, limits, checker, options", () => {
    const body = `### Statement

Return the k largest numbers, largest first.

### Function

def top_k(nums: list[int], k: int) -> list[int]

### Example input

${FENCE}text
[[5, 1, 9], 2]
${FENCE}

### Example output

${FENCE}text
[9, 5]
${FENCE}

### More examples

**Input**
${FENCE}
[3, 3]
1
${FENCE}
**Output**
${FENCE}
[3]
${FENCE}

### Language

python

### Time limit (ms)

1500

### Memory limit (MB)

_No response_

### Checker

exact

### Options

- [X] Several different outputs can be correct
`;
    const r = parseIssueBody(body, { number: 7, title: "Top k" });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.spec.io).toEqual({ kind: "function", name: "top_k", params: [{ name: "nums", type: "list[int]" }, { name: "k", type: "int" }], returns: "list[int]" });
    expect(r.spec.tests.public).toEqual([
      { name: "example-1", input: "[[5,1,9],2]", output: "[9,5]" },
      { name: "example-2", input: "[[3,3],1]", output: "[3]" },
    ]);
    expect(r.spec.limits).toEqual({ timeMs: 1500, memoryMb: 256 });
    expect(r.spec.checker).toEqual({ kind: "exact" });
    expect(r.spec.multipleAnswers).toBe(true);
    expect(r.spec.statement).toBe("Return the k largest numbers, largest first.");
  });

  it("lists everything missing from a body it can't read", () => {
    const r = parseIssueBody("### Examples\n\n**Input**\n```\n1\n```\n\n### Language\n\nrust\n\n### Checker\n\ncustom\n", { number: 3, title: "" });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.missing).toEqual([
      "a title",
      "a statement (the problem text, before `### Examples` or under `### Statement`)",
      '### Language: one of python, javascript, cpp (got "rust")',
      "### Checker: custom checker programs aren't accepted from issues; use tokens, exact, float or case-insensitive",
      "example 1: an Input block has no Output block after it",
    ]);
    expect(r.message).toMatch(/^Could not read issue #3 as a kata: a title; .* See docs\/issue-katas\.md for the layout\.$/);
  });

  it("a body with prose only asks for examples", () => {
    const r = parseIssueBody("Please solve: reverse a string.", { number: 4, title: "Reverse" });
    expect(r).toEqual({
      ok: false,
      missing: ["examples: at least one **Input** fenced block followed by an **Output** fenced block under `### Examples`"],
      message: "Could not read issue #4 as a kata: examples: at least one **Input** fenced block followed by an **Output** fenced block under `### Examples`. See docs/issue-katas.md for the layout.",
    });
  });

  it("refuses function examples that aren't JSON and argument counts that don't fit (nothing is evaluated)", () => {
    const body = `Add.\n\n### Function\n\n${FENCE}python\ndef add(a: int, b: int) -> int\n${FENCE}\n\n### Examples\n**Input**\n${FENCE}\n__import__('os').system('x')\n${FENCE}\n**Output**\n${FENCE}\n3\n${FENCE}\n**Input**\n${FENCE}\n[1]\n${FENCE}\n**Output**\n${FENCE}\nTrue\n${FENCE}\n`;
    const r = parseIssueBody(body, { number: 5, title: "Add" });
    expect(!r.ok && r.missing).toEqual([
      "example 1: the Input of a function example is JSON (an array of arguments, or one value per line; use true/false/null and double quotes)",
      "example 2: 1 argument(s) given, the signature has 2",
      "example 2: the Output of a function example is one JSON value",
    ]);
  });

  it("caps sizes and strips hidden characters", () => {
    const r = parseIssueBody("x".repeat(70_000), { number: 6, title: "Big" });
    expect(!r.ok && r.missing).toEqual(["a body under 65536 characters (this one has 70000)"]);
    expect(sanitizeIssueText("a\u200Bb\u202Ec<!-- x -->d\r\n<!-- open")).toBe("abcd\n");
  });
});

describe("parseSignature", () => {
  it("reads defs with and without `def`, nested types and defaults", () => {
    expect(parseSignature("def f(a: int, b: dict[str, list[int]] = None) -> int:")).toEqual({ name: "f", params: [{ name: "a", type: "int" }, { name: "b", type: "dict[str, list[int]]" }], returns: "int" });
    expect(parseSignature("g(x)")).toEqual({ name: "g", params: [{ name: "x", type: "any" }], returns: "any" });
    expect(parseSignature("not a signature")).toBe("a signature like `def f(a: int, b: list[int]) -> int`");
  });
});
