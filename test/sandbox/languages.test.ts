// Each language under each I/O contract, run for real in the sandbox the machine offers.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSandbox, gradeProgram, type PooledSandbox } from "../../src/sandbox/index.ts";
import type { IoContract, ProblemSpec } from "../../src/spec/schema.ts";

let sb: PooledSandbox;
beforeAll(async () => {
  sb = await createSandbox();
});
afterAll(async () => {
  await sb.close();
});

const limits = { timeMs: 2000, memoryMb: 256 };
const stdio: IoContract = { kind: "stdio" };
const fn = (name: string): IoContract => ({ kind: "function", name, params: [], returns: "any" });

describe("stdin/stdout", () => {
  it("python", async () => {
    const r = await sb.run({ program: { language: "python", code: "a, b = map(int, input().split())\nprint(a + b)" }, io: stdio, input: "2 40\n", limits });
    expect(r).toMatchObject({ status: "ok", output: "42\n", exitCode: 0 });
    expect(r.memoryKb).toBeGreaterThan(0);
  });
  it("javascript", async () => {
    const r = await sb.run({ program: { language: "javascript", code: "const [a, b] = require('fs').readFileSync(0, 'utf8').trim().split(' ').map(BigInt); console.log(String(a * b));" }, io: stdio, input: "123456789123456789 1000", limits });
    expect(r).toMatchObject({ status: "ok", output: "123456789123456789000\n" });
  });
  it("c++: compiled once, the binary reused across inputs", async () => {
    const code = "#include <iostream>\nint main(){ long long a, b; std::cin >> a >> b; std::cout << a * b << '\\n'; }";
    const [x, y] = await Promise.all([
      sb.run({ program: { language: "cpp", code }, io: stdio, input: "6 7", limits }),
      sb.run({ program: { language: "cpp", code }, io: stdio, input: "1000000 1000000", limits }),
    ]);
    expect(x).toMatchObject({ status: "ok", output: "42\n" });
    expect(y).toMatchObject({ status: "ok", output: "1000000000000\n" });
  });
  it("c++ compile errors are compile-error for every run, with the compiler's message", async () => {
    const code = "int main() { return undefined_name; }";
    const [x, y] = await Promise.all([1, 2].map((i) => sb.run({ program: { language: "cpp", code }, io: stdio, input: String(i), limits })));
    expect(x?.status).toBe("compile-error");
    expect(y?.status).toBe("compile-error");
    expect(x?.stderrTail).toContain("undefined_name");
  });
  it("runtime errors carry the stderr tail", async () => {
    const r = await sb.run({ program: { language: "python", code: "print(1 // 0)" }, io: stdio, input: "", limits });
    expect(r).toMatchObject({ status: "runtime-error", exitCode: 1 });
    expect(r.stderrTail).toContain("ZeroDivisionError");
  });
  it("identical requests run once and are answered from the cache", async () => {
    const req = { program: { language: "python" as const, code: "import random\nprint(random.random())" }, io: stdio, input: "", limits };
    const first = await sb.run(req);
    const second = await sb.run(req);
    expect(second.cached).toBe(true);
    expect(second.output).toBe(first.output);
  });
});

describe("function calls", () => {
  it("python: return value as JSON on its own channel; prints don't corrupt it; tuples become lists", async () => {
    const code = "def pair(a, b):\n    print('debug noise')\n    return (a + b, {'k': [a]}, None)\n";
    const r = await sb.run({ program: { language: "python", code }, io: fn("pair"), input: "[1, 2]", limits });
    expect(r.status).toBe("ok");
    expect(JSON.parse(r.output)).toEqual([3, { k: [1] }, null]);
    expect(r.stderrTail).toContain("debug noise");
  });
  it("python: class Solution methods and non-JSON values by repr", async () => {
    const code = "class Solution:\n    def twoSum(self, nums, target):\n        return {1, 2} if target else complex(1, 2)\n";
    const r = await sb.run({ program: { language: "python", code }, io: fn("twoSum"), input: "[[2, 7], 9]", limits });
    expect(JSON.parse(r.output)).toEqual([1, 2]);
    const c = await sb.run({ program: { language: "python", code }, io: fn("twoSum"), input: "[[2, 7], 0]", limits });
    expect(JSON.parse(c.output)).toBe("(1+2j)");
  });
  it("python: assertion tests (HumanEval check(candidate)) pass when nothing is raised", async () => {
    const code = "def add(a, b):\n    return a + b\n";
    const check = "def check(candidate):\n    assert candidate(2, 3) == 5\n    assert candidate(-1, 1) == 0\n";
    const good = await sb.run({ program: { language: "python", code }, io: fn("add"), input: "", assert: check, limits });
    expect(good).toMatchObject({ status: "ok", judged: { passed: true } });
    const bad = await sb.run({ program: { language: "python", code: "def add(a, b):\n    return a - b\n" }, io: fn("add"), input: "", assert: check, limits });
    // the program ran cleanly; the judge (the test code, in its own sandbox) says the assertion failed
    expect(bad.status).toBe("ok");
    expect(bad.judged?.passed).toBe(false);
    expect(bad.judged?.message).toContain("AssertionError");
    // an explicit call is not run twice, and top-level asserts work too
    const explicit = await sb.run({ program: { language: "python", code }, io: fn("add"), input: "", assert: `${check}\ncheck(candidate)\nassert candidate(1, 1) == 2\n`, limits });
    expect(explicit).toMatchObject({ status: "ok", judged: { passed: true, message: "" }, output: "all assertions held (3 calls)" });
  });
  it("python: a missing function is a runtime error that says so", async () => {
    const r = await sb.run({ program: { language: "python", code: "def other(): pass" }, io: fn("wanted"), input: "[]", limits });
    expect(r.status).toBe("runtime-error");
    expect(r.stderrTail).toContain("no function or Solution method named 'wanted'");
  });
  it("javascript: plain functions, module.exports and class Solution", async () => {
    const plain = await sb.run({ program: { language: "javascript", code: "function sum(xs) { console.log('noise'); return xs.reduce((a, b) => a + b, 0); }" }, io: fn("sum"), input: "[[1, 2, 3]]", limits });
    expect(plain).toMatchObject({ status: "ok", output: "6" });
    const exported = await sb.run({ program: { language: "javascript", code: "module.exports = { twice: (x) => new Set([x, x * 2]) };" }, io: fn("twice"), input: "[4]", limits });
    expect(JSON.parse(exported.output)).toEqual([4, 8]);
    const cls = await sb.run({ program: { language: "javascript", code: "class Solution { rev(s) { return s.split('').reverse().join(''); } }" }, io: fn("rev"), input: '["abc"]', limits });
    expect(cls.output).toBe('"cba"');
  });
  it("c++: free functions and Solution methods, parameter types from the signature", async () => {
    const free = "#include <vector>\n#include <string>\nstd::vector<std::string> rep(std::string s, int n) { return std::vector<std::string>(n, s); }";
    const r = await sb.run({ program: { language: "cpp", code: free }, io: fn("rep"), input: '["ab", 3]', limits });
    expect(r.status).toBe("ok");
    expect(JSON.parse(r.output)).toEqual(["ab", "ab", "ab"]);
    const method = "#include <bits/stdc++.h>\nusing namespace std;\nclass Solution { public: double mean(vector<int>& xs) { return accumulate(xs.begin(), xs.end(), 0.0) / xs.size(); } };";
    const m = await sb.run({ program: { language: "cpp", code: method }, io: fn("mean"), input: "[[1, 2, 4]]", limits });
    expect(m.status).toBe("ok");
    expect(JSON.parse(m.output)).toBeCloseTo(7 / 3, 9);
  });
});

describe("gradeProgram", () => {
  const spec = (over: Partial<ProblemSpec> = {}): ProblemSpec => ({
    id: "sum",
    title: "Sum",
    statement: "Add two numbers.",
    io: { kind: "stdio" },
    language: "python",
    limits,
    checker: { kind: "tokens" },
    multipleAnswers: false,
    tests: { public: [], hidden: [] },
    tags: [],
    ...over,
  });
  const tests = [
    { name: "small", input: "1 2", output: "3" },
    { name: "big", input: "99999999999999999999 1", output: "100000000000000000000" },
    { name: "neg", input: "-5 2", output: "-3" },
  ];
  it("grades each test with verdict, time and memory", async () => {
    const g = await gradeProgram(sb, spec(), { language: "python", code: "print(sum(map(int, input().split())))" }, tests);
    expect(g).toMatchObject({ passed: 3, total: 3, allPassed: true });
    expect(g.outcomes.map((o) => o.test)).toEqual(["small", "big", "neg"]);
    expect(g.outcomes[0]).toMatchObject({ verdict: "accepted", output: "3\n", expected: "3" });
  });
  it("reports wrong answers with the checker's message and can stop at the first failure", async () => {
    const wrong = { language: "python" as const, code: "a, b = map(int, input().split())\nprint(a + b if a > 0 else 0)" };
    const all = await gradeProgram(sb, spec(), wrong, tests);
    expect(all.passed).toBe(2);
    expect(all.outcomes[2]).toMatchObject({ verdict: "wrong-answer", message: 'token 1 differs: expected "-3", got "0"' });
    const stop = await gradeProgram(sb, spec(), { language: "python", code: "print(0)" }, tests, { stopOnFirstFailure: true });
    expect(stop.allPassed).toBe(false);
    expect(stop.outcomes.at(-1)?.verdict).toBe("wrong-answer");
  });
  it("runs custom checkers in the sandbox (testlib order: input, output, answer)", async () => {
    const checker = "import sys\ninp, out, ans = (open(p).read().split() for p in sys.argv[1:4])\nn = int(inp[0])\nxs = list(map(int, out))\nif sorted(xs) != list(range(1, n + 1)):\n    print('not a permutation'); sys.exit(1)\nprint('ok')\n";
    const s = spec({ checker: { kind: "custom", language: "python", program: checker }, multipleAnswers: true });
    const perm = [{ name: "p", input: "3", output: "1 2 3" }];
    const any = await gradeProgram(sb, s, { language: "python", code: "n = int(input())\nprint(*range(n, 0, -1))" }, perm);
    expect(any.outcomes[0]).toMatchObject({ verdict: "accepted" });
    const bad = await gradeProgram(sb, s, { language: "python", code: "print(1, 1, 1)" }, perm);
    expect(bad.outcomes[0]).toMatchObject({ verdict: "wrong-answer", message: "not a permutation" });
  });
  it("function problems compare JSON values", async () => {
    const s = spec({ io: fn("half") });
    const g = await gradeProgram(sb, s, { language: "python", code: "def half(x):\n    return x / 2" }, [
      { name: "a", input: "[3]", output: "1.5" },
      { name: "b", input: "[1]", output: "0.5000000001" },
      { name: "c", input: "[4]", output: "3" },
    ]);
    expect(g.outcomes.map((o) => o.verdict)).toEqual(["accepted", "accepted", "wrong-answer"]);
  });
});
