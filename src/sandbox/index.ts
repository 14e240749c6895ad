// The sandbox's public surface: what the engine, the action and eval use.
export type * from "./types.ts";
export type { BackendChoice, PooledSandbox, SandboxOptions } from "./pool.ts";
export { createSandbox, chooseBackend, runKey } from "./pool.ts";
export type { BackendReport, InterpreterReport, LimitsReport } from "./detect.ts";
export { detectBackends, detectInterpreters, detectLimits } from "./detect.ts";
export type { GradeResult, TestOutcome } from "./grade.ts";
export { gradeProgram, truncateOutput } from "./grade.ts";
export type { CheckerOutcome } from "./verdict.ts";
export { verdictFor } from "./verdict.ts";
export { languageFromPath } from "./languages/index.ts";
