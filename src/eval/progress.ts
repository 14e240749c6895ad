// One human-readable line per evaluation progress event (CLI stderr, action log).
import type { EvalProgress } from "./evaluate.ts";
import { CAUSE_TEXT } from "./outcome.ts";
import { count } from "../engine/progress.ts";

/** The line to log for an event, or null for events not worth a line. */
export function evalProgressLine(event: EvalProgress): string | null {
  switch (event.type) {
    case "start": {
      const shard = event.shard ? ` (shard ${event.shard.index}/${event.shard.count})` : "";
      const resumed = event.resumed > 0 ? `, ${event.resumed} already done (resumed)` : "";
      const skipped = event.skipped > 0 ? `, ${event.skipped} skipped without hidden tests` : "";
      return `evaluating ${count(event.problems, "problem")}${shard}${resumed}${skipped}`;
    }
    case "problem-done": {
      const r = event.result;
      const s = r.selected;
      if (r.outcome === "not-attempted") return `[${event.done}/${event.of}] ${r.id}: not attempted, ${r.notAttempted ? CAUSE_TEXT[r.notAttempted.cause] : "unknown cause"} (${r.notAttempted?.detail ?? r.error ?? ""})`;
      const verdict = s.sample === null ? `no program${r.error ? ` (${r.error})` : ""}` : `${s.passed ? "passes" : "fails"}: hidden ${s.hiddenPassed}/${s.hiddenTotal} passed`;
      const oracle = r.oracle.passed ? `oracle ${r.oracle.passing}/${r.oracle.candidates}` : "oracle none";
      return `[${event.done}/${event.of}] ${r.id}: ${verdict}, ${oracle}, ${r.usage.calls} calls, ${((r.wallMs + r.gradeMs) / 1000).toFixed(1)} s`;
    }
    case "confirm-done": {
      const passedOn = event.runs.findIndex((r) => r.outcome === "passed");
      return passedOn >= 0
        ? `confirm ${event.id}: passed on retry ${passedOn + 1} of ${event.of}: flaky, not counted as a regression`
        : `confirm ${event.id}: failed on ${event.runs.length} ${event.runs.length === 1 ? "retry" : "retries"} too`;
    }
    case "stopped":
      return `stopped (${event.reason}): the results so far are kept; rerun the same command to resume`;
    default:
      return null;
  }
}
