// `sstar grade <spec> <program-file>`: run a program on a problem's tests in the sandbox, print a
// verdict line per test and a summary. Exit 0 only when every selected test passes; 1 when some
// fail; 2 for usage errors (bad flags, unreadable files, unknown language).
import { readFile } from "node:fs/promises";
import { Option, type Command } from "commander";
import { createSandbox, gradeProgram, languageFromPath, type GradeResult, type TestOutcome } from "../../sandbox/index.ts";
import { formatSpecError, loadSpecFile, SpecLoadError } from "../../spec/index.ts";
import type { Language, ProblemSpec, TestCase } from "../../spec/schema.ts";
import { messageLine } from "../../sandbox/verdict.ts";
import { errorLine, sandboxOption, type SandboxChoice } from "../options.ts";

export type TestSelection = "public" | "hidden" | "all";

export function selectTests(spec: ProblemSpec, which: TestSelection): TestCase[] {
  if (which === "public") return spec.tests.public;
  if (which === "hidden") return spec.tests.hidden;
  return [...spec.tests.public, ...spec.tests.hidden];
}

/** The program's language: from its file extension, else the spec's. */
export function programLanguage(file: string, spec: ProblemSpec): Language {
  return languageFromPath(file) ?? spec.language;
}

export function outcomeLine(o: TestOutcome): string {
  const mem = o.memoryKb === null ? "" : `, ${(o.memoryKb / 1024).toFixed(1)} MiB`;
  const why = o.verdict === "accepted" || o.message === undefined ? "" : `: ${messageLine(o.message)}`;
  return `${o.verdict === "accepted" ? "ok  " : "FAIL"} ${o.test}: ${o.verdict} (${o.timeMs} ms${mem})${why}`;
}

const WHICH: Record<TestSelection, string> = { public: "public", hidden: "hidden", all: "public and hidden" };

/** "p: PASS, all 3 tests passed (public and hidden)" or "p: FAIL, 3 of 23 tests failed (3 wrong-answer), 20 passed (...)". */
export function summaryLine(spec: ProblemSpec, g: GradeResult, which: TestSelection): string {
  const counts = new Map<string, number>();
  for (const o of g.outcomes) if (o.verdict !== "accepted") counts.set(o.verdict, (counts.get(o.verdict) ?? 0) + 1);
  const failed = g.total - g.passed;
  if (failed === 0) return `${spec.id}: PASS, all ${g.total} test${g.total === 1 ? "" : "s"} passed (${WHICH[which]})`;
  const failures = [...counts].map(([v, n]) => `${n} ${v}`).join(", ");
  return `${spec.id}: FAIL, ${failed} of ${g.total} test${g.total === 1 ? "" : "s"} failed (${failures}), ${g.passed} passed (${WHICH[which]})`;
}

interface GradeFlags {
  tests: TestSelection;
  json?: boolean;
  sandbox: SandboxChoice;
}

export function registerGrade(program: Command): void {
  program
    .command("grade")
    .description("run a program on a problem's tests in the sandbox and print the verdicts")
    .argument("<spec>", "problem spec (YAML)")
    .argument("<program-file>", "the program (.py, .js or .cpp; else the spec's language)")
    .addOption(new Option("--tests <which>", "which tests to run").choices(["public", "hidden", "all"]).default("all"))
    .option("--json", "print the grade result as JSON")
    .addOption(sandboxOption())
    .action(async (specPath: string, programPath: string, flags: GradeFlags) => {
      const err = errorLine("grade");
      let spec: ProblemSpec;
      try {
        spec = await loadSpecFile(specPath);
      } catch (e) {
        if (e instanceof SpecLoadError) for (const line of e.errors.map(formatSpecError)) err(line);
        else err(`${specPath}: ${(e as Error).message}`);
        process.exitCode = 2;
        return;
      }
      let code: string;
      try {
        code = await readFile(programPath, "utf8");
      } catch (e) {
        err(`${programPath}: can't read the program (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
        process.exitCode = 2;
        return;
      }
      const tests = selectTests(spec, flags.tests);
      if (tests.length === 0) {
        err(`${specPath}: the spec has no ${flags.tests === "all" ? "" : `${flags.tests} `}tests to grade with (try --tests all)`);
        process.exitCode = 2;
        return;
      }
      let sandbox;
      try {
        sandbox = await createSandbox({ backend: flags.sandbox, log: (line) => process.stderr.write(`${line}\n`) });
      } catch (e) {
        err((e as Error).message);
        process.exitCode = 2;
        return;
      }
      try {
        const result = await gradeProgram(sandbox, spec, { language: programLanguage(programPath, spec), code }, tests);
        if (flags.json === true) {
          process.stdout.write(`${JSON.stringify({ spec: spec.id, program: programPath, tests: flags.tests, backend: sandbox.backend, ...result }, null, 2)}\n`);
        } else {
          for (const o of result.outcomes) process.stdout.write(`${outcomeLine(o)}\n`);
          process.stdout.write(`${summaryLine(spec, result, flags.tests)}\n`);
        }
        process.exitCode = result.allPassed ? 0 : 1;
      } finally {
        await sandbox.close();
      }
    });
}
