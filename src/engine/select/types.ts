// Public types of the selection stage. The engine codes against exactly these; keep them stable.
import type { z } from "zod";
import type {
  baselineSchema,
  clusterSchema,
  matchSchema,
  selectionSchema,
  synthesizedInputSchema,
} from "../report.ts";

export type StrategyName = "sstar" | "sstar-reference" | "first" | "majority";
export const STRATEGY_NAMES: readonly StrategyName[] = ["sstar", "sstar-reference", "first", "majority"];

export interface CandidateInfo {
  /** Sample index (stable across the run; the report names candidates by it). */
  index: number;
  code: string;
  publicPassed: number;
  publicTotal: number;
}

export interface SelInput {
  id: string;
  input: string;
  origin: "synthesized" | "separating" | "public";
}

/** One execution result. ok=false: error/timeout etc.; `output` then holds the status. */
export interface Cell {
  ok: boolean;
  output: string;
  /** A large output kept as a digest (see engine/output-digest.ts): its first characters, for display. */
  head?: string;
}

export interface JudgeQuestion {
  inputs: { input: string; firstOutput: string; secondOutput: string }[];
  firstCode: string;
  secondCode: string;
  /** Judge from the code alone (the reference's fallback round-robin); `inputs` is then empty. */
  codeOnly?: boolean;
  /** Code-only: the two programs gave the same results on this many inputs (sstar's code review). */
  agreedInputs?: number;
}

export interface JudgeAnswer {
  choice: "first" | "second" | "tie" | "invalid";
  reasoning?: string;
}

export type SelectionEvent =
  | { type: "filtered"; kept: number[]; fallback?: string }
  | { type: "inputs"; kept: number; dropped: number }
  | { type: "clustered"; clusters: number }
  | { type: "separate"; a: number; b: number; inputs: number }
  | { type: "match-started"; a: string; b: string }
  | { type: "match-finished"; a: string; b: string; winner: "a" | "b" | "tie" }
  | { type: "selected"; sample: number | null; reason: string };

export interface SelectionEnv {
  /** Cells per candidate index, aligned with `inputs`. */
  execute(candidates: CandidateInfo[], inputs: SelInput[]): Promise<Map<number, Cell[]>>;
  /** Model-proposed inputs that may separate two programs (inputs only). One model call. */
  separate(a: CandidateInfo, b: CandidateInfo): Promise<string[]>;
  /** One judge call. */
  judge(question: JudgeQuestion): Promise<JudgeAnswer>;
  /** The problem's checker, used for clustering: are two outputs the same answer? */
  equivalent(x: string, y: string): boolean;
  /** Progress. */
  onEvent?(event: SelectionEvent): void;
  /** True once the run was interrupted: no more matches, probes or late joins; pick from the evidence so far. */
  stopped?(): boolean;
}

export interface SelectOptions {
  /** Distinguishing inputs shown per match (sstar). Default 3. */
  maxInputsPerMatch?: number;
  /** Cap on `separate` calls (sstar-reference: the reference has none, default unlimited; sstar: within the call budget). */
  maxSeparateCalls?: number;
  /**
   * sstar: total selection model calls (separate + judge) allowed, as a function of the number
   * of clusters. Default budgetMultiplier x max(15, 3 x (clusters - 1)), rounded down.
   */
  callBudget?: (clusters: number) => number;
  /** sstar: the call bound as a multiple of the default bound (CLI `--selection-budget`). Default 1. */
  budgetMultiplier?: number;
  /** sstar: selection calls the caller already spent (e.g. the input-synthesis call); subtracted from the budget. Default 0. */
  reservedCalls?: number;
  /** sstar: an input on which at least this share of candidates errors is suspect (not clustered on). */
  suspectErrorShare?: number;
  /** sstar: prior factor exp(-errorPenalty) per trusted input where the cluster errors while most candidates ran. */
  errorPenalty?: number;
  /**
   * sstar: when every candidate agrees on every usable input but their code differs, spend one
   * `separate` call probing for a hidden difference. Default true. False turns probing off
   * altogether: no cluster is probed (every call goes to matches).
   */
  probeAgreeing?: boolean;
  /**
   * sstar: when the chosen cluster holds programs with different code that no input told apart,
   * spend what is left of the budget on code-only judge matches among them (the reference's
   * code-only fallback, scheduled and combined like cluster matches). Default true.
   */
  codeReview?: boolean;
  /** sstar: stop spending extra judge calls once the leader's posterior reaches this. */
  confidence?: number;
  /**
   * Candidates still being debugged when selection starts (resolves once every sample is done).
   * sstar starts on the given candidates when at least two pass every public
   * test, and the late ones join after its first schedule has run: a late candidate whose outputs
   * match a cluster joins it, a new output vector makes a new cluster that plays under the same
   * budget. Every other strategy, or too few early candidates, waits for them and selects as if
   * they had all been given at once. See docs/engine.md.
   */
  late?: Promise<CandidateInfo[]>;
  /** sstar with `late`: how many samples are still pending (2 calls per pending one are held back for their clusters). */
  latePending?: number;
}

export type Selection = z.infer<typeof selectionSchema>;
export type SynthesizedInput = z.infer<typeof synthesizedInputSchema>;
export type Cluster = z.infer<typeof clusterSchema>;
export type Match = z.infer<typeof matchSchema>;
export type Baseline = z.infer<typeof baselineSchema>;

export interface SelectionTrace {
  selection: Selection;
  /** Every input that was executed (public excluded), dropped ones with the reason. */
  inputs: SynthesizedInput[];
  clusters: Cluster[];
  matches: Match[];
  /** `first` and `majority`, always computed from the same executions. */
  baselines: Baseline[];
  /** Selection model calls this strategy made. */
  calls: { separate: number; judge: number };
}
