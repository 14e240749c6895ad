// The solve report: everything one run did and why it selected what it selected.
// The engine produces it; src/report renders it; the JSON Schema is written to
// schemas/solve-report.schema.json by the build.
import { z } from "zod";

export const REPORT_VERSION = 1;

// A report can come back from an untrusted place (the two-job workflow's publish step reads one
// that the solve job wrote after running model code), and its short fields are rendered in
// Markdown outside code fences: they are held to tight shapes, not free text.
const strategySchema = z.enum(["sstar", "sstar-reference", "first", "majority"]);
const clusterIdSchema = z.string().regex(/^[A-Za-z0-9_-]{1,40}$/, "a cluster or sample id: letters, digits, '_' or '-'");
const languageNameSchema = z.enum(["python", "javascript", "cpp"]);

const verdictSchema = z.enum([
  "accepted",
  "wrong-answer",
  "time-limit",
  "memory-limit",
  "runtime-error",
  "compile-error",
  "output-limit",
]);

export const testResultSchema = z.object({
  test: z.string().describe("test name"),
  verdict: verdictSchema,
  timeMs: z.number(),
  /** Actual output, cut to a few KiB with a marker. */
  output: z.string().optional(),
  message: z.string().optional().describe("checker message or error tail"),
});
export type TestResult = z.infer<typeof testResultSchema>;

export const roundSchema = z.object({
  round: z.number().int().describe("0 = first generation, 1.. = debugging rounds"),
  code: z.string(),
  /** Model reply had no code, was cut off, or the call failed. */
  note: z.string().optional(),
  publicResults: z.array(testResultSchema),
  publicPassed: z.number().int(),
  publicTotal: z.number().int(),
});

export const sampleSchema = z.object({
  index: z.number().int(),
  rounds: z.array(roundSchema),
  /** Code of the last round: the sample's candidate. */
  finalCode: z.string(),
  publicPassed: z.number().int(),
  publicTotal: z.number().int(),
});
export type SampleTrace = z.infer<typeof sampleSchema>;

export const synthesizedInputSchema = z.object({
  id: z.string(),
  input: z.string(),
  origin: z.enum(["synthesized", "separating", "public"]),
  /** Dropped inputs are kept in the report with the reason (e.g. every candidate errored). */
  dropped: z.string().optional(),
});

export const clusterSchema = z.object({
  id: clusterIdSchema,
  members: z.array(z.number().int()).describe("sample indices"),
  representative: z.number().int(),
  /** Output per input id (cut), as the representative produced it. */
  outputs: z.record(z.string(), z.string()),
});
export type ClusterTrace = z.infer<typeof clusterSchema>;

export const judgeVoteSchema = z.object({
  order: z.enum(["ab", "ba"]).describe("which cluster was shown first"),
  choice: z.enum(["a", "b", "tie", "invalid"]).describe("the vote, mapped back to the clusters' own names"),
  reasoning: z.string().optional(),
});

export const matchSchema = z.object({
  a: clusterIdSchema.describe("cluster id, or s<index> for a match between samples (code review, sstar-reference)"),
  b: clusterIdSchema.describe("cluster id, or s<index> for a match between samples (code review, sstar-reference)"),
  inputs: z.array(z.object({ inputId: z.string(), input: z.string(), outputA: z.string(), outputB: z.string() })),
  votes: z.array(judgeVoteSchema),
  winner: z.enum(["a", "b", "tie"]),
  note: z.string().optional(),
});
export type MatchTrace = z.infer<typeof matchSchema>;

export const stageUsageSchema = z.object({
  calls: z.number().int(),
  /** HTTP requests the calls took (one request may ask for several choices); absent in older reports. */
  requests: z.number().int().optional(),
  /** HTTP attempts beyond the first (429, 5xx, timeouts); absent in older reports. */
  retries: z.number().int().optional(),
  cachedCalls: z.number().int(),
  promptTokens: z.number().int(),
  /** Of the prompt tokens, those the provider's prompt cache served (absent in reports written before they were read). */
  cachedPromptTokens: z.number().int().optional(),
  completionTokens: z.number().int(),
  /** Calls that failed after the client's retries (not counted in `calls`). */
  failedCalls: z.number().int().optional(),
  costUsd: z.number(),
  wallMs: z.number().optional(),
});

const count = z.number().int().min(0);
export const pickEvidenceSchema = z.object({
  candidates: count.describe("candidates drawn that hold a program"),
  kept: count.describe("candidates selection kept (every public test passed, or the best pass rate with `fallback`)"),
  fallback: z.boolean().describe("no candidate passed every public test"),
  clusterSizes: z.array(count).describe("sizes of the kept candidates' clusters"),
  chosenSize: count.describe("size of the chosen cluster"),
  posterior: z.number().min(0).max(1).describe("the chosen cluster's posterior (sizes, errors, judge votes)"),
  votesFor: count.describe("decisive judge votes for the chosen cluster"),
  votesAgainst: count.describe("decisive judge votes against the chosen cluster"),
  matches: count.describe("cluster matches played"),
  splitMatches: count.describe("cluster matches whose verdict was split or tied"),
  distinctPrograms: count.describe("distinct programs in the chosen cluster"),
  trusted: count.describe("synthesized inputs clustered on"),
  suspect: count.describe("synthesized inputs dropped as suspect"),
  chosenErrors: count.describe("trusted inputs on which the chosen cluster errors"),
});

export const selectionSchema = z.object({
  strategy: strategySchema,
  selectedSample: z.number().int().nullable(),
  selectedCluster: clusterIdSchema.nullable(),
  /** One or two sentences: why this candidate. */
  reason: z.string(),
  fallback: z.string().optional().describe("set when no candidate passed the public tests"),
  confidence: z
    .number()
    .min(0)
    .max(1)
    .optional()
    .describe("sstar: the calibrated probability that the selected program is correct (docs/selection.md, Confidence); other strategies: the winning cluster's share of the kept candidates"),
  evidence: pickEvidenceSchema.optional().describe("sstar: what the confidence was computed from"),
});

export const baselineSchema = z.object({
  strategy: strategySchema,
  selectedSample: z.number().int().nullable(),
});

export const samplingSchema = z.object({
  mode: z.literal("auto"),
  maxSamples: z.number().int().describe("the bound on the samples drawn (--max-samples)"),
  waves: z.array(z.number().int()).describe("planned wave sizes"),
  wavesDrawn: z.number().int(),
  drawn: z.number().int().describe("samples drawn in all"),
  stoppedEarly: z.boolean().describe("the stop rule ended sampling before the last wave"),
  reason: z.string().describe("the stop rule's verdict in one line"),
});
export type SamplingTrace = z.infer<typeof samplingSchema>;

export const solveReportSchema = z.object({
  version: z.literal(REPORT_VERSION),
  problem: z.object({ id: z.string(), title: z.string(), language: languageNameSchema, io: z.enum(["stdio", "function"]) }),
  settings: z.object({
    model: z.string(),
    judgeModel: z.string(),
    samples: z.number().int().describe("samples drawn (with samples: auto, see `sampling`)"),
    rounds: z.number().int(),
    selection: strategySchema,
    temperature: z.number(),
    sandbox: z.string(),
    replay: z.boolean().describe("answers came from a local replay model, not a live one"),
    cassette: z.string().optional().describe("replies were replayed from this cassette file (--replay): no model was called for them"),
  }),
  status: z
    .enum(["solved", "uncertain", "unsolved", "error"])
    .describe("solved: a candidate passing every public test was selected with confidence at least minConfidence; uncertain: the same, below minConfidence (no pull request)"),
  minConfidence: z.number().min(0).max(1).optional().describe("the confidence below which a pick passing the public tests is `uncertain` (--min-confidence)"),
  error: z.string().optional(),
  stopped: z.string().optional().describe("why the run stopped early (budget exhausted, aborted); the report holds what it had by then"),
  interrupted: z
    .object({
      by: z.string().describe("what interrupted the run: an interrupt signal (Ctrl-C, SIGTERM) or the deadline"),
      during: z.enum(["sampling", "selection"]).describe("sampling: generation and debugging; selection: running candidates and judging"),
      samplesDone: z.number().int(),
      samples: z.number().int(),
      judgeCalls: z.number().int().describe("judge calls asked before the interrupt"),
      pickedBy: z.enum(["posterior", "majority", "first"]).nullable().describe("how the pick was made from the evidence gathered so far; null: nothing to pick from"),
    })
    .optional()
    .describe("set when the run was interrupted: no model call was made after it, the pick uses what was gathered by then"),
  sampling: samplingSchema.optional().describe("adaptive sampling (samples: auto): how many samples were drawn, after which wave it stopped, and why"),
  synthesisNote: z.string().optional().describe("why input synthesis produced no inputs, when it did not"),
  samples: z.array(sampleSchema),
  inputs: z.array(synthesizedInputSchema),
  clusters: z.array(clusterSchema),
  matches: z.array(matchSchema),
  selection: selectionSchema,
  baselines: z.array(baselineSchema).describe("other strategies' picks from the same samples, at no extra cost"),
  selected: z
    .object({ sample: z.number().int(), code: z.string(), publicPassed: z.number().int(), publicTotal: z.number().int() })
    .nullable(),
  /** Present when hidden tests were run (evaluation); never shown to the model. */
  hidden: z.object({ passed: z.number().int(), total: z.number().int() }).optional(),
  usage: z.object({
    total: stageUsageSchema,
    byStage: z.record(z.string(), stageUsageSchema),
    costNote: z.string().optional().describe("why the cost is not known (no prices set, usage unreadable): the dollar figures are then not a cost"),
  }),
  timings: z.object({ totalMs: z.number(), byStageMs: z.record(z.string(), z.number()) }),
  startedAt: z.string(),
});
export type SolveReport = z.infer<typeof solveReportSchema>;
