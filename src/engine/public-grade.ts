// A program's grade on the public tests: made by execute.ts, memoized per run in context.ts. Its own
// module so that neither of those two imports the other back.
import type { FeedbackTest } from "./prompts.ts";
import type { TestResult } from "./report.ts";

export interface PublicGrade {
  passed: number;
  total: number;
  results: TestResult[];
  feedback: FeedbackTest[];
}
