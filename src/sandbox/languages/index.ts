// What to write, compile and run for each language and I/O contract. Pure: paths inside the
// sandbox are given by the backend (`box` holds the program's files, `bin` its compiled binary).
import type { IoContract, Language } from "../../spec/schema.ts";
import type { Program } from "../types.ts";
import type { EnforcedLimits } from "../limits.ts";
import { cppHarness } from "./harness-cpp.ts";
import { JAVASCRIPT_HARNESS } from "./harness-javascript.ts";
import { PYTHON_HARNESS } from "./harness-python.ts";
import { PYTHON_JUDGE } from "./harness-python-judge.ts";

export const EXTENSIONS: Record<Language, string> = { python: "py", javascript: "js", cpp: "cpp" };

/** Language from a file name's extension, or undefined. */
export function languageFromPath(path: string): Language | undefined {
  const ext = path.toLowerCase().split(".").pop() ?? "";
  if (ext === "py") return "python";
  if (ext === "js" || ext === "cjs" || ext === "mjs") return "javascript";
  if (["cpp", "cc", "cxx", "c++"].includes(ext)) return "cpp";
  return undefined;
}

export interface ProgramFiles {
  /** File name → content, written once per program into its own directory. */
  files: Record<string, string>;
  /** The source file g++ compiles (C++ only). */
  compileSource?: string;
}

export function programFiles(program: Program, io: IoContract): ProgramFiles {
  switch (program.language) {
    case "python":
      return { files: io.kind === "function" ? { "solution.py": program.code, "harness.py": PYTHON_HARNESS } : { "solution.py": program.code } };
    case "javascript":
      return { files: io.kind === "function" ? { "solution.js": program.code, "harness.js": JAVASCRIPT_HARNESS } : { "solution.js": program.code } };
    case "cpp":
      if (io.kind === "function") {
        const isMethod = !new RegExp(`(^|[\\s*&])${io.name}\\s*\\(`, "m").test(program.code.replace(/class\s+Solution[\s\S]*/, ""));
        return { files: { "solution.cpp": program.code, "main.cpp": cppHarness(io.name, isMethod) }, compileSource: "main.cpp" };
      }
      return { files: { "solution.cpp": program.code }, compileSource: "solution.cpp" };
  }
}

/** The judge of an assertion test: its own program, run in a sandbox apart from the candidate's. */
export function judgeFiles(testCode: string): ProgramFiles {
  return { files: { "judge.py": PYTHON_JUDGE, "test.py": testCode } };
}

/** The judge's command line: the test code and the name `candidate` stands for. */
export function judgeArgv(interpreter: string, box: string, name: string): string[] {
  return [interpreter, "-u", "-B", `${box}/judge.py`, `${box}/test.py`, name];
}

export const CXX_FLAGS = ["-O2", "-std=c++17", "-pipe", "-w"];

export function compileArgv(cxx: string, box: string, source: string, bin: string): string[] {
  return [cxx, ...CXX_FLAGS, "-o", `${bin}/program`, `${box}/${source}`];
}

export interface RunArgvOptions {
  language: Language;
  io: IoContract;
  /** Function problems: answer the calls of an assertion test's judge (stdin) instead of one call. Python only. */
  assert: boolean;
  interpreter: string;
  box: string;
  bin: string;
  limits: EnforcedLimits;
  /** Arguments after the program (custom checkers' file paths). */
  extraArgs?: string[];
}

export function runArgv(o: RunArgvOptions): string[] {
  return [...programArgv(o), ...(o.extraArgs ?? [])];
}

function programArgv(o: RunArgvOptions): string[] {
  const fn = o.io.kind === "function" ? o.io.name : undefined;
  if (o.assert && o.language !== "python") throw new Error(`sandbox: assertion tests run only for Python programs, not ${o.language}`);
  switch (o.language) {
    case "python":
      // -u: output reaches us even when the program is killed; -B: no .pyc writes into the read-only box.
      return fn === undefined
        ? [o.interpreter, "-u", "-B", `${o.box}/solution.py`]
        : [o.interpreter, "-u", "-B", `${o.box}/harness.py`, `${o.box}/solution.py`, fn, o.assert ? "serve" : "call"];
    case "javascript": {
      const heapMb = Math.max(16, Math.floor(o.limits.memoryKb / 1024));
      // V8 must hit its own stack limit (a RangeError) before the thread stack runs out (SIGSEGV).
      const stackKb = Math.floor((o.limits.stackBytes / 1024) * 0.8);
      const flags = [`--max-old-space-size=${heapMb}`, `--stack-size=${stackKb}`];
      return fn === undefined
        ? [o.interpreter, ...flags, `${o.box}/solution.js`]
        : [o.interpreter, ...flags, `${o.box}/harness.js`, `${o.box}/solution.js`, fn];
    }
    case "cpp":
      return [`${o.bin}/program`];
  }
}

/** The environment inside the sandbox: a fixed allow-list, never the caller's. */
export function sandboxEnv(home: string): Record<string, string> {
  return {
    PATH: "/usr/local/bin:/usr/bin:/bin",
    LANG: "C.UTF-8",
    LC_ALL: "C.UTF-8",
    HOME: home,
    TMPDIR: home,
    PYTHONHASHSEED: "0",
    PYTHONDONTWRITEBYTECODE: "1",
    // No user site-packages: nothing a run could plant in $HOME is imported by a later one.
    PYTHONNOUSERSITE: "1",
    PYTHONIOENCODING: "utf-8",
  };
}
