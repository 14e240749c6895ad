// Progress of one solve run as plain data: a reducer over ProgressEvents and the one-line text per
// stage that the CLI shows (rewritten in place on a terminal, printed as lines otherwise).
import type { ProgressEvent } from "./context.ts";

export type ProgressStage = "generate" | "select" | "done";

export interface ProgressState {
  stage: ProgressStage;
  samplesDone: number;
  samplesTotal: number;
  /** Samples passing every public test so far. */
  samplesPassing: number;
  /** Debugging rounds run so far (all samples). */
  debugRounds: number;
  inputs: number | null;
  kept: number | null;
  clusters: number | null;
  matchesDone: number;
  judgeCalls: number;
  /** Adaptive sampling: "wave 2 of 3". */
  wave?: string;
  stopped?: string;
  status?: string;
  selected?: number | null;
}

export function initialProgress(samplesTotal: number): ProgressState {
  return {
    stage: "generate",
    samplesDone: 0,
    samplesTotal,
    samplesPassing: 0,
    debugRounds: 0,
    inputs: null,
    kept: null,
    clusters: null,
    matchesDone: 0,
    judgeCalls: 0,
  };
}

export function reduceProgress(state: ProgressState, event: ProgressEvent): ProgressState {
  switch (event.type) {
    case "round":
      return event.round > 0 ? { ...state, debugRounds: state.debugRounds + 1 } : state;
    case "sample-done":
      return {
        ...state,
        samplesDone: event.done,
        samplesPassing: state.samplesPassing + (event.total > 0 && event.passed === event.total ? 1 : 0),
      };
    case "synthesized":
      return { ...state, inputs: event.inputs };
    case "wave":
      return { ...state, samplesTotal: event.samples, wave: `wave ${event.wave} of ${event.of}` };
    case "wave-decision":
      return state;
    case "judge-call":
      return { ...state, stage: "select", judgeCalls: event.calls };
    case "stopped":
      return { ...state, stopped: event.reason };
    case "done":
      return { ...state, stage: "done", status: event.status, selected: event.selectedSample };
    case "selection": {
      const e = event.event;
      const s = { ...state, stage: "select" as const };
      if (e.type === "filtered") return { ...s, kept: e.kept.length };
      if (e.type === "inputs") return { ...s, inputs: e.kept };
      if (e.type === "clustered") return { ...s, clusters: e.clusters };
      if (e.type === "match-finished") return { ...s, matchesDone: s.matchesDone + 1 };
      if (e.type === "selected") return { ...s, selected: e.sample };
      return s;
    }
  }
}

/** "1 cluster", "2 clusters". */
export function count(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** The line shown for the current stage. */
export function progressLine(id: string, s: ProgressState): string {
  const stop = s.stopped ? ` (stopped: ${s.stopped})` : "";
  const samples = `${s.samplesDone}/${s.samplesTotal} samples done`;
  if (s.stage === "generate") {
    return `${id}: generate+debug${s.wave !== undefined ? ` (${s.wave})` : ""}: ${samples}, ${s.samplesPassing} pass the public tests, ${count(s.debugRounds, "debugging round")}${stop}`;
  }
  const selection = [
    s.kept !== null ? count(s.kept, "candidate") : null,
    s.inputs !== null ? count(s.inputs, "input") : null,
    s.clusters !== null ? count(s.clusters, "cluster") : null,
    count(s.matchesDone, "match", "matches"),
    count(s.judgeCalls, "judge call"),
  ].filter((p) => p !== null);
  if (s.stage === "select") {
    // Selection may start while the last samples are still being debugged: they keep counting here.
    return `${id}: select: ${[...(s.samplesDone < s.samplesTotal ? [samples] : []), ...selection].join(", ")}${stop}`;
  }
  const picked = s.selected !== undefined && s.selected !== null ? `, selected sample ${s.selected}` : "";
  return `${id}: ${s.status ?? "done"}${picked} (${[samples, ...selection.slice(-2)].join(", ")})${stop}`;
}

/** Events worth a line of their own when the output is not a terminal (logs stay short). */
export function isMilestone(event: ProgressEvent): boolean {
  if (event.type === "sample-done" || event.type === "synthesized" || event.type === "wave" || event.type === "stopped" || event.type === "done") return true;
  if (event.type === "selection") return ["filtered", "clustered", "match-finished", "selected"].includes(event.event.type);
  return false;
}
