// A crash's verdict in one line names the exception, not the traceback's first line.
import { describe, expect, it } from "vitest";
import { messageLine } from "../../src/sandbox/verdict.ts";

describe("messageLine", () => {
  it("Python: the exception, printed last", () => {
    const tail = 'Traceback (most recent call last):\n  File "/work/solution.py", line 2, in <module>\n    print(1 // n)\nZeroDivisionError: integer division or modulo by zero';
    expect(messageLine(`exit code 1: ${tail}`)).toBe("exit code 1: ZeroDivisionError: integer division or modulo by zero");
  });

  it("Node: the error line above the stack frames", () => {
    const tail = "/work/solution.js:3\n  x.foo();\n    ^\n\nTypeError: x.foo is not a function\n    at Object.<anonymous> (/work/solution.js:3:5)\n    at Module._compile (node:internal/modules/cjs/loader:1554:14)";
    expect(messageLine(`exit code 1: ${tail}`)).toBe("exit code 1: TypeError: x.foo is not a function");
  });

  it("C++: what() of the uncaught exception", () => {
    const tail = "terminate called after throwing an instance of 'std::runtime_error'\n  what():  boom";
    expect(messageLine(`killed by SIGABRT: ${tail}`)).toBe("killed by SIGABRT: what():  boom");
  });

  it("no exception line: the last line that is not a stack frame; one line stays as it is", () => {
    expect(messageLine("exit code 2: usage: prog\nprog: error: bad args")).toBe("exit code 2: prog: error: bad args");
    expect(messageLine("wrong answer: expected 6, got 5")).toBe("wrong answer: expected 6, got 5");
  });
});
