// Hostile programs against the verdict itself: a wrong program must never be graded `accepted`,
// whatever it does to the harness, the channels or its own interpreter. Each case is a wrong
// `add(a, b)` (it returns a - b, or nothing) that tries one forgery. Run as root and as nobody
// (scripts/test-unprivileged.sh), with and without a cgroup.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSandbox, gradeProgram, type PooledSandbox } from "../../src/sandbox/index.ts";
import type { ProblemSpec, TestCase } from "../../src/spec/schema.ts";

let sb: PooledSandbox;
beforeAll(async () => {
  sb = await createSandbox();
});
afterAll(async () => {
  await sb.close();
});

const limits = { timeMs: 2000, memoryMb: 256 };
const spec: ProblemSpec = {
  id: "add",
  title: "Add",
  statement: "Add two numbers.",
  io: { kind: "function", name: "add", params: [], returns: "int" },
  language: "python",
  limits,
  checker: { kind: "tokens" },
  multipleAnswers: false,
  tests: { public: [], hidden: [] },
  tags: [],
};
const CHECK = "def check(candidate):\n    assert candidate(2, 3) == 5\n    assert candidate(10, -4) == 6\n";
const assertTest: TestCase = { name: "check", input: "", assert: CHECK };
const callTests: TestCase[] = [
  { name: "small", input: "[2, 3]", output: "5" },
  { name: "big", input: "[1000000000, 7]", output: "1000000007" },
];

async function verdicts(code: string, tests: TestCase[] = [assertTest]): Promise<string[]> {
  const g = await gradeProgram(sb, spec, { language: "python", code }, tests);
  return g.outcomes.map((o) => o.verdict);
}
const NOT_ACCEPTED = ["wrong-answer", "runtime-error"];

describe("forged verdicts (the three forgeries of issue 21, then the rest)", () => {
  it("an honest add passes and a wrong one fails", async () => {
    expect(await verdicts("def add(a, b):\n    return a + b\n")).toEqual(["accepted"]);
    expect(await verdicts("def add(a, b):\n    return a - b\n")).toEqual(["wrong-answer"]);
  });

  it("writing the harness's success payload on the result descriptor and exiting at import", async () => {
    const code = `import os\nfor line in (b"true", b'{"pass": 2}\\n', b'{"r": {"i": "0x5"}}\\n'):\n    try:\n        os.write(4, line)\n    except OSError:\n        pass\nos._exit(0)\ndef add(a, b):\n    return a - b\n`;
    const [v] = await verdicts(code);
    expect(NOT_ACCEPTED).toContain(v);
  });

  it("an int subclass whose __eq__ is always true (and __hash__, __repr__, __bool__ that lie)", async () => {
    const code = `class Liar(int):
    def __eq__(self, other): return True
    def __ne__(self, other): return False
    def __hash__(self): return 0
    def __repr__(self): return "5"
    def __str__(self): return "5"
    def __bool__(self): return True
    __index__ = lambda self: 5
def add(a, b):
    return Liar(a - b)
`;
    expect(await verdicts(code)).toEqual(["wrong-answer"]);
    // the same in a list, and a list whose __eq__ and __len__ lie
    const nested = `class L(list):\n    def __eq__(self, o): return True\n    def __len__(self): return 1\nclass Liar(int):\n    def __eq__(self, o): return True\ndef add(a, b):\n    return L([Liar(a - b)])\n`;
    expect(await verdicts(nested)).toEqual(["wrong-answer"]);
  });

  it("replacing builtins.compile (and exec, and AssertionError) so the harness runs an empty check", async () => {
    const code = `import builtins
real = builtins.compile
builtins.compile = lambda src, name, mode, *a, **k: real("pass", name, mode)
builtins.exec = lambda *a, **k: None
builtins.AssertionError = type("Nothing", (Exception,), {})
def add(a, b):
    return a - b
`;
    expect(await verdicts(code)).toEqual(["wrong-answer"]);
  });

  it("exiting from inside the test, cleanly or not", async () => {
    for (const exit of ["import os; os._exit(0)", "import sys; sys.exit(0)", "raise SystemExit", "import os, signal; os.kill(os.getpid(), signal.SIGKILL)"]) {
      const [v] = await verdicts(`def add(a, b):\n    ${exit}\n`);
      expect(NOT_ACCEPTED, exit).toContain(v);
    }
  });

  it("an atexit hook and a thread that write answers or a pass line after the test", async () => {
    const atexit = `import atexit, os\natexit.register(lambda: os.write(4, b'{"pass": 2}\\n{"r": {"i": "0x5"}}\\n'))\ndef add(a, b):\n    return a - b\n`;
    expect(NOT_ACCEPTED).toContain((await verdicts(atexit))[0]);
    const thread = `import os, threading, time
def spam():
    while True:
        try:
            os.write(4, b'{"r": {"i": "0x5"}}\\n')
        except OSError:
            return
        time.sleep(0.001)
threading.Thread(target=spam).start()
def add(a, b):
    return a - b
`;
    expect(NOT_ACCEPTED).toContain((await verdicts(thread))[0]);
  });

  it("output that mimics the framing, on every descriptor it has", async () => {
    const code = `import os, sys
for fd in range(0, 64):
    try:
        os.write(fd, b'{"pass": 2}\\ntrue\\n{"r": {"i": "0x5"}}\\n')
    except OSError:
        pass
print('{"pass": 2}')
def add(a, b):
    print('{"pass": 2}', file=sys.stderr)
    return a - b
`;
    expect(NOT_ACCEPTED).toContain((await verdicts(code))[0]);
  });

  it("hunting for the judge: its process, its descriptors, its files", async () => {
    const code = `import os, signal
hits = []
for pid in os.listdir("/proc"):
    if not pid.isdigit() or int(pid) == os.getpid():
        continue
    try:
        cmd = open("/proc/%s/cmdline" % pid, "rb").read()
    except OSError:
        continue
    if b"judge" in cmd or b"test.py" in cmd:
        hits.append(pid)
        for fd in ("4", "1"):
            try:
                with open("/proc/%s/fd/%s" % (pid, fd), "wb") as f:
                    f.write(b'{"pass": 2}\\n')
            except OSError:
                pass
        try:
            os.kill(int(pid), signal.SIGSTOP)
        except OSError:
            pass
def add(a, b):
    return a - b
`;
    expect(await verdicts(code)).toEqual(["wrong-answer"]);
  });

  it("answers that are not plain data, or exceptions, are never a pass", async () => {
    expect(await verdicts("def add(a, b):\n    return object()\n")).toEqual(["runtime-error"]);
    expect(await verdicts("def add(a, b):\n    raise ValueError('no')\n")).toEqual(["wrong-answer"]);
    expect(await verdicts("def add(a, b):\n    return float(a + b) + 1e-9\n")).toEqual(["wrong-answer"]);
  });

  it("function calls: a nearby float never matches an integer answer; fd 4 written at import is not the answer", async () => {
    expect(await verdicts("def add(a, b):\n    return a + b\n", callTests)).toEqual(["accepted", "accepted"]);
    expect(await verdicts("def add(a, b):\n    return float(a + b + 900)\n", callTests)).toEqual(["wrong-answer", "wrong-answer"]);
    // a float of exactly the integer is that integer; anything else is not
    expect(await verdicts("def add(a, b):\n    return float(a + b)\n", callTests)).toEqual(["accepted", "accepted"]);
    const early = `import os\nos.write(4, b"1000000007")\nos._exit(0)\ndef add(a, b):\n    return 0\n`;
    expect(await verdicts(early, callTests.slice(0, 1))).toEqual(["wrong-answer"]);
  });
});

describe("assertion tests judged apart keep HumanEval's meaning", () => {
  const grade = async (code: string, check: string) => (await gradeProgram(sb, spec, { language: "python", code }, [{ name: "t", input: "", assert: check }])).outcomes[0];
  it("tuples are not lists, sets and dicts compare by value, big ints and floats exactly, keywords pass", async () => {
    const code = "def add(a, b=0, *, c=0):\n    return {'t': (a, b), 's': {a, b}, 'big': a ** 40, 'f': a / 3, 'k': c, (1, 2): None}\n";
    const check = "def check(candidate):\n    r = candidate(7, 2, c=4)\n    assert r['t'] == (7, 2) and r['t'] != [7, 2]\n    assert r['s'] == {2, 7} and r['big'] == 7 ** 40 and r['f'] == 7 / 3 and r['k'] == 4 and r[(1, 2)] is None\n";
    expect(await grade(code, check)).toMatchObject({ verdict: "accepted" });
  });
  it("state carries over between calls, exceptions come back by their builtin type", async () => {
    const code = "seen = []\ndef add(a, b):\n    seen.append(a)\n    if a < 0:\n        raise ValueError('negative')\n    return len(seen)\n";
    const check = "def check(candidate):\n    assert candidate(1, 0) == 1\n    assert candidate(1, 0) == 2\n    try:\n        candidate(-1, 0)\n    except ValueError as e:\n        assert 'negative' in str(e)\n    else:\n        assert False\n";
    expect(await grade(code, check)).toMatchObject({ verdict: "accepted" });
  });
  it("a failed assertion says which; a test that can't send its arguments says so", async () => {
    const bad = await grade("def add(a, b):\n    return a - b\n", CHECK);
    expect(bad).toMatchObject({ verdict: "wrong-answer" });
    expect(bad?.message).toContain("AssertionError");
    const lambda = await grade("def add(a, b):\n    return a(b)\n", "assert candidate(lambda x: x, 1) == 1\n");
    expect(lambda).toMatchObject({ verdict: "wrong-answer" });
    expect(lambda?.message).toContain("can't be sent to a separate process as plain data");
  });
  it("a test that swallows every exception still fails when the program is gone", async () => {
    const check = "def check(candidate):\n    try:\n        candidate(1, 2)\n    except:\n        pass\n";
    const r = await grade("import os\ndef add(a, b):\n    os._exit(0)\n", check);
    expect(NOT_ACCEPTED).toContain(r?.verdict);
  });
});
