// What one action run gives back (outputs, failure, what it did) and the runner it writes through
// (`ActionIO`): shared by the router, every mode's handler and the schedule mode.
import type { PublishOutcome } from "../github/publish.ts";
import { COST_OUTPUT_NAMES, costOutputs, noSpend } from "./cost.ts";
import type { Refusal } from "../github/text.ts";
import type { GroupSink } from "./progress.ts";
import type { ProblemResult } from "./results.ts";
import type { Target } from "./route.ts";

export interface ActionIO extends GroupSink {
  warning(line: string, file?: string): void;
  error(line: string, file?: string): void;
  setSecret(secret: string): void;
  appendSummary(markdown: string): Promise<void>;
}

/** Outputs only schedule mode sets (empty in the other modes). */
export const SCHEDULE_OUTPUT_NAMES = ["pass-rate", "pass-rate-low", "pass-rate-high", "baseline-pass-rate", "p-value", "regression", "incomplete", "issue-number", "results", "html-report", "html-report-url"] as const;
export type ScheduleOutputs = Record<(typeof SCHEDULE_OUTPUT_NAMES)[number], string>;

export function emptyScheduleOutputs(): ScheduleOutputs {
  return {
    "pass-rate": "",
    "pass-rate-low": "",
    "pass-rate-high": "",
    "baseline-pass-rate": "",
    "p-value": "",
    regression: "",
    incomplete: "",
    "issue-number": "",
    results: "",
    "html-report": "",
    "html-report-url": "",
  };
}

export const OUTPUT_NAMES = [
  "solved",
  "selected-path",
  "branch",
  "commit-sha",
  "pull-request-number",
  "pull-request-url",
  "report-path",
  "pull-request-operation",
  ...SCHEDULE_OUTPUT_NAMES,
  ...COST_OUTPUT_NAMES,
] as const;
export type Outputs = Record<(typeof OUTPUT_NAMES)[number], string>;

export interface ActionResult {
  outputs: Outputs;
  /** Set when the step should fail: one line. */
  failure?: string;
  /** What the run did, for logs and tests. */
  target: Target["kind"];
  published: PublishOutcome[];
  refusals: Refusal[];
  /** Per problem, what the `results` output holds. */
  results: ProblemResult[];
  /** Why the run stopped before it finished (a signal, the deadline), if it did. */
  stopped?: string;
}

/** How the run can be stopped from outside: the entry aborts `signal` on SIGINT/SIGTERM. */
export interface RunControl {
  /** Aborted to stop solving; its reason (a string) says why, e.g. "SIGTERM". */
  signal?: AbortSignal;
}

export function emptyResult(reportPath: string): ActionResult {
  return {
    outputs: { ...emptyScheduleOutputs(), ...costOutputs(noSpend()), solved: "false", "selected-path": "", branch: "", "commit-sha": "", "pull-request-number": "", "pull-request-url": "", "report-path": reportPath, results: "[]", "pull-request-operation": "" },
    target: "skip",
    published: [],
    refusals: [],
    results: [],
  };
}
