// Progress in the Actions log: one collapsible group per problem and stage, one line per finished
// sample and per finished match. The text is a pure function of the engine's progress events.
import type { ProgressEvent } from "../engine/index.ts";

export type LogStage = "generate and debug" | "select" | "result";

/** The stage an event belongs to and its log line (undefined: not worth a line). */
export function progressLine(event: ProgressEvent): { stage: LogStage; line?: string } {
  switch (event.type) {
    case "round":
      return { stage: "generate and debug" };
    case "sample-done": {
      const mark = event.total > 0 && event.passed === event.total ? "pass" : "fail";
      return { stage: "generate and debug", line: `sample ${event.sample} finished: public tests ${event.passed}/${event.total} (${mark}) [${event.done}/${event.of}]` };
    }
    case "synthesized":
      return { stage: "select", line: `synthesized ${event.inputs} test inputs${event.rejected > 0 ? ` (${event.rejected} rejected)` : ""}` };
    case "judge-call":
      return { stage: "select" };
    case "stopped":
      return { stage: "result", line: `stopped early: ${event.reason}` };
    case "done":
      return { stage: "result", line: `done: ${event.status}${event.selectedSample !== null ? `, selected sample ${event.selectedSample}` : ""}` };
    case "selection": {
      const e = event.event;
      switch (e.type) {
        case "filtered":
          return { stage: "select", line: `candidates kept after public tests: ${e.kept.length}${e.fallback !== undefined ? ` (fallback: ${e.fallback})` : ""}` };
        case "inputs":
          return { stage: "select", line: `inputs kept: ${e.kept}, dropped: ${e.dropped}` };
        case "clustered":
          return { stage: "select", line: `output clusters: ${e.clusters}` };
        case "separate":
          return { stage: "select", line: `asked for inputs separating samples ${e.a} and ${e.b}: ${e.inputs}` };
        case "match-started":
          return { stage: "select" };
        case "match-finished":
          return { stage: "select", line: `match ${e.a} vs ${e.b}: ${e.winner === "tie" ? "tie" : `${e.winner === "a" ? e.a : e.b} wins`}` };
        case "selected":
          return { stage: "select", line: `selected: ${e.sample === null ? "nothing" : `sample ${e.sample}`} (${e.reason})` };
      }
    }
  }
  return { stage: "result" };
}

export interface GroupSink {
  startGroup(name: string): void;
  endGroup(): void;
  info(line: string): void;
}

/** Opens `<problem> · <stage>` groups as the stage changes (Actions groups do not nest). */
export class ProgressLog {
  private open: string | undefined;
  constructor(
    private readonly sink: GroupSink,
    private readonly problem: string,
  ) {}

  stage(stage: LogStage | "publish"): void {
    const name = `${this.problem} · ${stage}`;
    if (this.open === name) return;
    this.close();
    this.sink.startGroup(name);
    this.open = name;
  }

  event(event: ProgressEvent): void {
    const { stage, line } = progressLine(event);
    this.stage(stage);
    if (line !== undefined) this.sink.info(line);
  }

  close(): void {
    if (this.open !== undefined) this.sink.endGroup();
    this.open = undefined;
  }
}
