// The action's inputs, read into one typed, validated object. Names match action.yml (kebab-case);
// an empty input means "use the default", as GitHub passes unset inputs as empty strings.
import { z } from "zod";
import { parseBudgetText, type Budget, type Prices } from "../model/budget.ts";
import { STRATEGY_NAMES, type StrategyName } from "../engine/select/types.ts";
import { DEADLINE_BOUNDS, formatDuration, MAX_RETRIES_BOUND, parseDuration, TIMEOUT_BOUNDS } from "../model/duration.ts";
import { checkTemplate } from "../github/template.ts";

export const MODES = ["auto", "solve", "publish", "schedule"] as const;
export type Mode = (typeof MODES)[number];

// No "none": without isolation a model-written program could read the runner's token and API key
// (from /proc of its parent, or the checkout's .git/config).
export const SANDBOXES = ["auto", "bwrap", "docker"] as const;

export interface ActionInputs {
  mode: Mode;
  problems: string;
  label: string;
  baseUrl: string | undefined;
  apiKey: string | undefined;
  model: string;
  judgeModel: string | undefined;
  judgeBaseUrl: string | undefined;
  judgeApiKey: string | undefined;
  /** A count, or "auto": adaptive sampling in waves (docs/engine.md). */
  samples: number | "auto";
  /** With samples "auto": the most samples drawn (unset: the engine's default, 16). */
  maxSamples: number | undefined;
  rounds: number;
  selection: StrategyName;
  /** sstar's call bound as a multiple of the default bound (undefined: the default, 1). */
  selectionBudget: number | undefined;
  /** A pick below this confidence is `uncertain`: no pull request, a "needs a human" comment (undefined: the engine's default). */
  minConfidence: number | undefined;
  budget: Budget | undefined;
  /** Stream model replies (server-sent events); the timeout becomes an idle timeout. */
  stream: boolean;
  /** USD per million prompt / completion tokens: what a dollar budget is counted in. */
  prices: Prices | undefined;
  sandbox: (typeof SANDBOXES)[number];
  githubToken: string;
  branchPrefix: string;
  base: string | undefined;
  draft: boolean;
  comment: boolean;
  allowedBots: string[];
  failOnUnsolved: boolean;
  resultDir: string;
  solutionsDir: string;
  baselinePath: string;
  maxDrop: number;
  /** schedule mode: this job evaluates one shard ("i/n") and writes its results, nothing more. */
  shard: string | undefined;
  /** schedule mode: merge these results files (a glob) instead of evaluating. */
  results: string | undefined;
  /** schedule mode: trend file to append to. */
  trend: string | undefined;
  /** schedule mode: re-solve newly failing problems this many times (fresh samples); a pass makes them flaky. */
  confirm: number;
  /** schedule mode: time a calibration program before grading and scale time limits by it. */
  calibrate: boolean;
  /** schedule mode: significance level of McNemar's exact test. */
  alpha: number;
  /** schedule mode: percentage of problems not attempted above which the run is incomplete. */
  maxNotAttempted: number;
  /** Longest wait for one model call (ms); undefined: the client's default. */
  timeoutMs: number | undefined;
  /** Retries of a call after a rate limit, a server error or a timeout; undefined: the default. */
  maxRetries: number | undefined;
  /** The whole run's model calls stop after this long (ms); each problem picks from what it has. */
  deadlineMs: number | undefined;
  /** A cassette (recorded with `sstar ... --record`) that answers every model call: no endpoint, no key. */
  replay: string | undefined;
  // ---- run behaviour and pull-request settings (issue 14) ----
  /** Reply cache folder, relative to the workspace (undefined: "none", no cache). */
  cacheDir: string | undefined;
  /** The job's time limit in minutes (0: none): solving stops early enough to publish what is done. */
  timeoutMinutes: number;
  /** Caps on the limits an issue may set for its programs. */
  maxTimeMs: number;
  maxMemoryMb: number;
  prLabels: string[];
  prReviewers: string[];
  prAssignees: string[];
  /** Templates ({problem}, {id}, {title}, ...); undefined: the built-in text. */
  prTitle: string | undefined;
  commitMessage: string | undefined;
}

/** Defaults, the same as action.yml's, for inputs read outside a runner (local runs, tests). */
export const INPUT_DEFAULTS: Record<string, string> = {
  mode: "auto",
  problems: "problems/**/*.yaml",
  label: "kata",
  model: "gpt-4o-mini",
  samples: "8",
  "max-samples": "",
  rounds: "2",
  selection: "sstar",
  "selection-budget": "",
  "min-confidence": "",
  stream: "false",
  sandbox: "auto",
  "branch-prefix": "sstar/",
  draft: "false",
  comment: "true",
  "fail-on-unsolved": "false",
  "result-dir": "sstar-result",
  "solutions-dir": "solutions",
  baseline: "eval/baseline.json",
  trend: "",
  shard: "",
  results: "",
  "max-drop": "5",
  confirm: "0",
  calibrate: "true",
  alpha: "0.05",
  "max-not-attempted": "10",
  // ---- run behaviour and pull-request settings (issue 14) ----
  "cache-dir": ".sstar-cache/model",
  "timeout-minutes": "0",
  "max-time-ms": "10000",
  "max-memory-mb": "1024",
  "pr-labels": "",
  "pr-reviewers": "",
  "pr-assignees": "",
  "pr-title": "",
  "commit-message": "",
};

export class InputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "InputError";
  }
}

const BOOL_TRUE = ["true", "True", "TRUE", "yes", "on", "1"];
const BOOL_FALSE = ["false", "False", "FALSE", "no", "off", "0"];

const boolInput = z.string().transform((v, ctx) => {
  if (BOOL_TRUE.includes(v)) return true;
  if (BOOL_FALSE.includes(v)) return false;
  ctx.addIssue({ code: "custom", message: `must be true or false, got ${JSON.stringify(v)}` });
  return z.NEVER;
});

const intInput = (min: number, max: number) =>
  z.string().transform((v, ctx) => {
    const n = Number(v);
    if (!/^\d+$/.test(v) || n < min || n > max) {
      ctx.addIssue({ code: "custom", message: `must be an integer from ${min} to ${max}, got ${JSON.stringify(v)}` });
      return z.NEVER;
    }
    return n;
  });

const optional = z.string().transform((v) => (v === "" ? undefined : v));

/** A duration ("90s", "10m"; a plain number is seconds) within bounds; empty means "not given". */
const durationInput = (bounds: { min: number; max: number }) =>
  z.string().transform((v, ctx) => {
    if (v === "") return undefined;
    const ms = parseDuration(v);
    if (ms === undefined || ms < bounds.min || ms > bounds.max) {
      ctx.addIssue({ code: "custom", message: `must be a duration from ${formatDuration(bounds.min)} to ${formatDuration(bounds.max)} like 90s or 10m, got ${JSON.stringify(v)}` });
      return z.NEVER;
    }
    return ms;
  });

/** A comma or space separated list of GitHub logins or label names. */
const listInput = (what: "labels" | "logins") =>
  z.string().transform((v, ctx) => {
    const items = (what === "labels" ? v.split(/\s*,\s*/) : v.split(/[\s,]+/)).map((s) => s.trim()).filter((s) => s !== "");
    const bad = items.find((s) => (what === "labels" ? s.length > 50 || /\p{Cc}/u.test(s) : !/^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$/.test(s)));
    if (bad !== undefined) {
      ctx.addIssue({ code: "custom", message: what === "labels" ? `label ${JSON.stringify(bad)} is not a GitHub label name (at most 50 characters)` : `${JSON.stringify(bad)} is not a GitHub login` });
      return z.NEVER;
    }
    return [...new Set(items)];
  });

/** A pull-request title or commit-message template: its placeholders must be known ones. */
const templateInput = optional.transform((v, ctx) => {
  if (v === undefined) return undefined;
  const problem = checkTemplate(v);
  if (problem !== undefined) {
    ctx.addIssue({ code: "custom", message: problem });
    return z.NEVER;
  }
  return v;
});

/** A price in USD per million tokens; empty means "not given". */
const multiplierInput = z.string().transform((v, ctx) => {
  if (v === "") return undefined;
  const n = Number(v);
  if (!/^\d+(\.\d+)?$/.test(v) || n > 20) {
    ctx.addIssue({ code: "custom", message: `must be a number from 0 to 20 (a multiple of the default call bound), like 2, got ${JSON.stringify(v)}` });
    return z.NEVER;
  }
  return n;
});

const priceInput = z.string().transform((v, ctx) => {
  if (v === "") return undefined;
  const n = Number(v.replace(/^\$/, ""));
  if (!/^\$?\d+(\.\d+)?$/.test(v) || !Number.isFinite(n)) {
    ctx.addIssue({ code: "custom", message: `must be a price in US dollars per million tokens, like 0.15, got ${JSON.stringify(v)}` });
    return z.NEVER;
  }
  return n;
});

const urlInput = optional.refine((v) => v === undefined || /^https?:\/\/[^\s]+$/.test(v), { message: "must be an http(s) URL" });

/** A relative path inside the workspace: no absolute paths, no `..`. */
const relPath = z.string().refine((v) => v !== "" && !v.startsWith("/") && !v.split(/[\\/]/).includes(".."), {
  message: "must be a relative path inside the workspace (no leading / and no ..)",
});

/** `budget` / `budget-per-problem`: see parseBudgetText; the error names the input. */
export function parseBudget(text: string, input = "budget"): Budget | undefined {
  try {
    return parseBudgetText(text, `input "${input}"`);
  } catch (error) {
    throw new InputError((error as Error).message);
  }
}

const schema = z.object({
  mode: z.enum(MODES, { message: `must be one of ${MODES.join(", ")}` }),
  problems: z.string().min(1),
  label: z.string().min(1).max(50),
  "base-url": urlInput,
  "api-key": optional,
  model: z.string().min(1),
  "judge-model": optional,
  "judge-base-url": urlInput,
  "judge-api-key": optional,
  samples: z.string().transform((v, ctx) => {
    if (v === "auto") return "auto" as const;
    if (!/^\d+$/.test(v) || Number(v) < 1 || Number(v) > 64) {
      ctx.addIssue({ code: "custom", message: `must be an integer from 1 to 64, got ${JSON.stringify(v)} (or auto: adaptive sampling)` });
      return z.NEVER;
    }
    return Number(v);
  }),
  "max-samples": z.string().transform((v, ctx) => {
    if (v === "") return undefined;
    if (!/^\d+$/.test(v) || Number(v) < 1 || Number(v) > 64) {
      ctx.addIssue({ code: "custom", message: `must be an integer from 1 to 64, got ${JSON.stringify(v)}` });
      return z.NEVER;
    }
    return Number(v);
  }),
  rounds: intInput(0, 10),
  selection: z.enum(STRATEGY_NAMES as [StrategyName, ...StrategyName[]], { message: `must be one of ${STRATEGY_NAMES.join(", ")}` }),
  "selection-budget": multiplierInput,
  "min-confidence": z.string().transform((v, ctx) => {
    if (v === "") return undefined;
    const n = Number(v);
    if (!/^(0(\.\d+)?|1(\.0+)?)$/.test(v) || n > 1) {
      ctx.addIssue({ code: "custom", message: `must be a number from 0 to 1 (0 never abstains), like 0.5, got ${JSON.stringify(v)}` });
      return z.NEVER;
    }
    return n;
  }),
  budget: z.string(),
  "budget-per-problem": z.string(),
  stream: boolInput,
  "price-input": priceInput,
  "price-output": priceInput,
  "price-cached-input": priceInput,
  sandbox: z.enum(SANDBOXES, {
    message: `must be one of ${SANDBOXES.join(", ")} (the action never runs model-written code without isolation: "none" is for the CLI on your own machine)`,
  }),
  "github-token": z.string(),
  // The prefix becomes part of a branch name: keep it to characters git and shells treat plainly.
  "branch-prefix": z.string().regex(/^[A-Za-z0-9._/-]{0,60}$/, "use letters, digits, '.', '_', '-' and '/' (at most 60)").refine((v) => !v.includes("..") && !v.startsWith("/") && !v.startsWith("-"), {
    message: "must not start with / or -, nor contain ..",
  }),
  base: optional.refine((v) => v === undefined || /^[A-Za-z0-9._/-]{1,200}$/.test(v), { message: "must be a branch name" }),
  draft: boolInput,
  comment: boolInput,
  "allowed-bots": z.string(),
  "fail-on-unsolved": boolInput,
  "result-dir": relPath,
  "solutions-dir": relPath,
  baseline: relPath,
  trend: optional.refine((v) => v === undefined || (!v.startsWith("/") && !v.split(/[\\/]/).includes("..")), { message: "must be a relative path inside the workspace" }),
  shard: optional.refine((v) => v === undefined || /^\d+\/\d+$/.test(v), { message: "must look like i/n, e.g. 2/4" }),
  results: optional,
  timeout: durationInput(TIMEOUT_BOUNDS),
  "max-retries": z.string().transform((v, ctx) => {
    if (v === "") return undefined;
    if (!/^\d+$/.test(v) || Number(v) > MAX_RETRIES_BOUND) {
      ctx.addIssue({ code: "custom", message: `must be an integer from 0 to ${MAX_RETRIES_BOUND}, got ${JSON.stringify(v)}` });
      return z.NEVER;
    }
    return Number(v);
  }),
  deadline: durationInput(DEADLINE_BOUNDS),
  replay: optional.refine((v) => v === undefined || (!v.startsWith("/") && !v.split(/[\\/]/).includes("..")), { message: "must be a relative path inside the workspace (a cassette recorded with --record)" }),
  "max-drop": z.string().transform((v, ctx) => {
    const n = Number(v);
    if (v === "" || !Number.isFinite(n) || n < 0 || n > 100) {
      ctx.addIssue({ code: "custom", message: `must be a percentage from 0 to 100, got ${JSON.stringify(v)}` });
      return z.NEVER;
    }
    return n;
  }),
  confirm: z.string().regex(/^\d{1,2}$/, "must be a whole number of retries from 0 to 99").transform(Number),
  calibrate: boolInput,
  alpha: z.string().transform((v, ctx) => {
    const n = Number(v);
    if (v === "" || !(n > 0 && n < 1)) {
      ctx.addIssue({ code: "custom", message: `must be a probability between 0 and 1 (exclusive), like 0.05, got ${JSON.stringify(v)}` });
      return z.NEVER;
    }
    return n;
  }),
  "max-not-attempted": z.string().transform((v, ctx) => {
    const n = Number(v.replace(/%$/, ""));
    if (v === "" || !Number.isFinite(n) || n < 0 || n > 100) {
      ctx.addIssue({ code: "custom", message: `must be a percentage from 0 to 100, got ${JSON.stringify(v)}` });
      return z.NEVER;
    }
    return n;
  }),
  // ---- run behaviour and pull-request settings (issue 14) ----
  "cache-dir": z.string().refine((v) => v === "none" || (!v.startsWith("/") && !v.split(/[\\/]/).includes("..")), { message: 'must be a relative path inside the workspace, or "none" for no cache' }),
  // Minutes, as the workflow's own timeout-minutes; a fraction ("0.5") is allowed.
  "timeout-minutes": z.string().transform((v, ctx) => {
    const n = Number(v);
    if (!/^\d+(\.\d+)?$/.test(v) || n > 4320) {
      ctx.addIssue({ code: "custom", message: `must be a number of minutes from 0 to 4320 (0: no deadline), got ${JSON.stringify(v)}` });
      return z.NEVER;
    }
    return n;
  }),
  "max-time-ms": intInput(100, 60_000),
  "max-memory-mb": intInput(16, 8192),
  "pr-labels": listInput("labels"),
  "pr-reviewers": listInput("logins"),
  "pr-assignees": listInput("logins"),
  "pr-title": templateInput,
  "commit-message": templateInput,
});

export const INPUT_NAMES = Object.keys(schema.shape) as (keyof typeof schema.shape)[];

/**
 * Reads every input through `get` (core.getInput in the action) and validates it. Throws
 * InputError with one line naming the input and what to do.
 */
export function readInputs(get: (name: string) => string): ActionInputs {
  const raw: Record<string, string> = {};
  for (const name of INPUT_NAMES) {
    const value = get(name).trim();
    raw[name] = value === "" ? (INPUT_DEFAULTS[name] ?? "") : value;
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const name = String(issue.path[0] ?? "?");
    throw new InputError(`input "${name}": ${issue.message}`);
  }
  const v = parsed.data;
  if (v.mode !== "publish" && v.mode !== "schedule" && v.replay === undefined && v["api-key"] === undefined && v["base-url"] !== undefined && !isLocal(v["base-url"])) {
    // Checked here so the message names the input; the model client checks the rest.
    throw new InputError(`input "api-key": required for ${v["base-url"]} (pass \${{ secrets.OPENAI_API_KEY }})`);
  }
  if (v["max-samples"] !== undefined && v.samples !== "auto") {
    throw new InputError(`input "max-samples": needs samples: auto (with samples: ${v.samples}, ${v.samples} programs are drawn)`);
  }
  const perProblem = parseBudget(v["budget-per-problem"], "budget-per-problem");
  const runBudget = parseBudget(v.budget);
  const budget = perProblem !== undefined ? { ...runBudget, perProblem } : runBudget;
  const prices = readPrices(v["price-input"], v["price-output"], v["price-cached-input"]);
  for (const [input, b] of [["budget", runBudget], ["budget-per-problem", perProblem]] as const) {
    if (b?.costUsd !== undefined && prices === undefined) {
      // The model client can only count dollars from token prices; fail before anything runs.
      throw new InputError(`input "${input}": a dollar budget needs the model's prices: set price-input and price-output (USD per million prompt / completion tokens), or use ${input}: calls=400`);
    }
  }
  return {
    mode: v.mode,
    problems: v.problems,
    label: v.label,
    baseUrl: v["base-url"],
    apiKey: v["api-key"],
    model: v.model,
    judgeModel: v["judge-model"],
    judgeBaseUrl: v["judge-base-url"],
    judgeApiKey: v["judge-api-key"],
    samples: v.samples,
    maxSamples: v["max-samples"],
    rounds: v.rounds,
    selection: v.selection,
    selectionBudget: v["selection-budget"],
    minConfidence: v["min-confidence"],
    budget,
    stream: v.stream,
    prices,
    sandbox: v.sandbox,
    githubToken: v["github-token"],
    branchPrefix: v["branch-prefix"],
    base: v.base,
    draft: v.draft,
    comment: v.comment,
    allowedBots: v["allowed-bots"]
      .split(/[\s,]+/)
      .map((s) => s.trim().toLowerCase())
      .filter((s) => s !== ""),
    failOnUnsolved: v["fail-on-unsolved"],
    resultDir: v["result-dir"],
    solutionsDir: v["solutions-dir"],
    baselinePath: v.baseline,
    maxDrop: v["max-drop"],
    shard: v.shard,
    results: v.results,
    trend: v.trend,
    confirm: v.confirm,
    calibrate: v.calibrate,
    alpha: v.alpha,
    maxNotAttempted: v["max-not-attempted"],
    timeoutMs: v.timeout,
    maxRetries: v["max-retries"],
    deadlineMs: v.deadline,
    replay: v.replay,
    // ---- run behaviour and pull-request settings (issue 14) ----
    cacheDir: v["cache-dir"] === "none" ? undefined : v["cache-dir"],
    timeoutMinutes: v["timeout-minutes"],
    maxTimeMs: v["max-time-ms"],
    maxMemoryMb: v["max-memory-mb"],
    prLabels: v["pr-labels"],
    prReviewers: v["pr-reviewers"],
    prAssignees: v["pr-assignees"],
    prTitle: v["pr-title"],
    commitMessage: v["commit-message"],
  };
}

function readPrices(input: number | undefined, output: number | undefined, cachedInput: number | undefined): Prices | undefined {
  if (input === undefined && output === undefined) {
    if (cachedInput !== undefined) throw new InputError(`input "price-cached-input": needs price-input and price-output (USD per million prompt / completion tokens)`);
    return undefined;
  }
  if (input === undefined || output === undefined) {
    throw new InputError(`input "${input === undefined ? "price-input" : "price-output"}": give both price-input and price-output (USD per million prompt / completion tokens)`);
  }
  return { inputPerMTok: input, outputPerMTok: output, ...(cachedInput !== undefined ? { cachedInputPerMTok: cachedInput } : {}) };
}

function isLocal(url: string): boolean {
  try {
    const host = new URL(url).hostname;
    return host === "localhost" || host.startsWith("127.") || host === "[::1]" || host.endsWith(".local");
  } catch {
    return false;
  }
}

/** The secrets among the inputs, for core.setSecret and redact(). */
export function inputSecrets(inputs: ActionInputs): string[] {
  // Shorter values would mask ordinary text in every log line (as redact() also assumes).
  return [inputs.githubToken, inputs.apiKey ?? "", inputs.judgeApiKey ?? ""].filter((s) => s.length >= 4);
}
