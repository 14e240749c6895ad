// Whether a problem was attempted at all. A problem is `not-attempted` when the infrastructure kept
// S* from running it (the endpoint unreachable, the key refused, the budget spent, the deadline
// passed, the sandbox broken, the run interrupted); such problems say nothing about the model and
// are left out of every rate. One failed call among many (a 500 on one of 8 samples) is the model's
// weather, not an outage: the problem still counts as attempted.
//
// The facts come from the real errors the model client, the sandbox and the engine threw, reduced
// to plain data (errorFacts); the decision is one pure function (classifyAttempt).
import { JUDGE_STAGES, type Stage } from "../model/types.ts";

export const NOT_ATTEMPTED_CAUSES = ["endpoint-unreachable", "authentication", "budget-exhausted", "deadline", "sandbox-unavailable", "interrupted"] as const;
export type NotAttemptedCause = (typeof NOT_ATTEMPTED_CAUSES)[number];

/** What a person reads for each cause (logs, summaries, the "run incomplete" comment). */
export const CAUSE_TEXT: Record<NotAttemptedCause, string> = {
  "endpoint-unreachable": "model endpoint unreachable",
  authentication: "model endpoint refused the credentials",
  "budget-exhausted": "model budget exhausted",
  deadline: "evaluation deadline reached",
  "sandbox-unavailable": "sandbox unavailable",
  interrupted: "run interrupted",
};

/** An error reduced to what classification reads. */
export interface ErrorFacts {
  /** The error class's name: ModelCallError, ModelConfigError, BudgetExceededError, ModelCallAborted, ... */
  name: string;
  /** First line of the message. */
  message: string;
  /** HTTP status, when the error carries one. */
  status?: number;
  /** A system error code (ECONNREFUSED, ...) on the error or its cause. */
  code?: string;
  /** A failure kind, when the error carries one (connection, timeout, unreachable, ...). */
  kind?: string;
}

export function errorFacts(error: unknown): ErrorFacts {
  if (!(error instanceof Error)) return { name: "Error", message: String(error).split("\n")[0] ?? "" };
  const e = error as Error & { status?: unknown; code?: unknown; kind?: unknown; cause?: { code?: unknown } };
  const facts: ErrorFacts = { name: e.name || e.constructor.name, message: e.message.split("\n")[0] ?? "" };
  if (typeof e.status === "number") facts.status = e.status;
  const code = typeof e.code === "string" ? e.code : typeof e.cause?.code === "string" ? e.cause.code : undefined;
  if (code !== undefined) facts.code = code;
  if (typeof e.kind === "string") facts.kind = e.kind;
  return facts;
}

/** One model call of a problem: it returned, or it threw. */
export interface CallRecord {
  stage: Stage;
  error?: ErrorFacts;
}

export interface AttemptFacts {
  calls: readonly CallRecord[];
  /** Errors the sandbox threw (a program's own failure is a verdict, never a throw). */
  sandboxErrors: readonly ErrorFacts[];
  /** solve() itself threw. */
  thrown?: ErrorFacts;
  /** The engine's stop reason (report.stopped): "aborted", "budget exhausted: ...". */
  stopped?: string;
  /** The evaluation's signal was aborted while the problem ran or before it started. */
  interrupted: boolean;
  /** The evaluation's deadline passed while the problem ran or before it started. */
  deadline: boolean;
}

export interface NotAttempted {
  cause: NotAttemptedCause;
  /** One line: what failed, as the component that failed said it. */
  detail: string;
}

const UNREACHABLE_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH", "ETIMEDOUT", "EPIPE", "UND_ERR_CONNECT_TIMEOUT", "UND_ERR_SOCKET"]);
const UNREACHABLE_KINDS = new Set(["connection", "timeout", "unreachable", "endpoint-unreachable", "network"]);
// The model client's own words for a request that never got an answer (src/model/client.ts).
const UNREACHABLE_TEXT = /connection failed|connection refused|nothing is listening|no such host|TLS|request timed out|no data for [\d.]+s|unreachable|ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ECONNRESET|EHOSTUNREACH/i;
const AUTH_TEXT = /HTTP 40[13]\b|API key was refused|access denied/i;

type CallClass = "aborted" | "budget" | "auth" | "endpoint-config" | "unreachable" | "server" | "sample";

/** What one failed call says about the infrastructure. */
export function classifyError(e: ErrorFacts): CallClass {
  if (e.name === "ModelCallAborted" || e.name === "AbortError" || (e.name === "RunStopped" && /^aborted/.test(e.message))) return "aborted";
  if (e.name === "BudgetExceededError" || e.kind === "budget") return "budget";
  if (e.status === 401 || e.status === 403 || e.kind === "auth" || e.kind === "authentication") return "auth";
  // ModelEndpointError (the client gave up on the endpoint at once) and ReplayMissError are config errors too.
  const config = ["ModelConfigError", "OfflineCacheMissError", "ModelEndpointError", "ReplayMissError"].includes(e.name);
  if (config && AUTH_TEXT.test(e.message)) return "auth";
  if ((e.code !== undefined && UNREACHABLE_CODES.has(e.code)) || (e.kind !== undefined && UNREACHABLE_KINDS.has(e.kind)) || /Unreachable|ConnectionError/.test(e.name)) return "unreachable";
  // No such model or route, or an offline replay without the reply: the endpoint as configured cannot answer.
  if (e.name === "ModelEndpointError" && UNREACHABLE_TEXT.test(e.message)) return "unreachable";
  if (config) return "endpoint-config";
  if (e.status === undefined && UNREACHABLE_TEXT.test(e.message)) return "unreachable";
  if (e.status !== undefined && (e.status >= 500 || e.status === 429)) return "server";
  return "sample";
}

function endpointOf(stage: Stage): "main" | "judge" {
  return JUDGE_STAGES.includes(stage) ? "judge" : "main";
}

/**
 * Why the problem was not attempted, or null when it was (whatever the model made of it). Checked
 * in order: deadline, interrupted, budget, credentials, sandbox, then endpoints: none of the
 * problem's calls answered (refused, timed out, or 5xx after every retry), or every call to one
 * endpoint (main or judge) failed to connect.
 */
export function classifyAttempt(f: AttemptFacts): NotAttempted | null {
  const failures = f.calls.flatMap((c) => (c.error ? [{ stage: c.stage, error: c.error, kind: classifyError(c.error) }] : []));
  if (f.thrown) failures.push({ stage: "generate", error: f.thrown, kind: classifyError(f.thrown) });
  const first = (kind: CallClass): ErrorFacts | undefined => failures.find((x) => x.kind === kind)?.error;

  if (f.deadline) return { cause: "deadline", detail: "the evaluation's deadline passed before this problem finished" };
  const aborted = first("aborted");
  if (f.interrupted || f.stopped === "aborted" || aborted) return { cause: "interrupted", detail: aborted?.message ?? "the run was stopped before this problem finished" };
  const budget = first("budget");
  if (budget || f.stopped?.startsWith("budget")) return { cause: "budget-exhausted", detail: budget?.message ?? f.stopped ?? "model budget exhausted" };
  const auth = first("auth");
  if (auth) return { cause: "authentication", detail: auth.message };
  const sandbox = f.sandboxErrors[0];
  if (sandbox) return { cause: "sandbox-unavailable", detail: sandbox.message };
  const config = first("endpoint-config");
  if (config) return { cause: "endpoint-unreachable", detail: config.message };
  // Nothing answered at all, and the calls failed for want of a server (refused, timed out, 5xx
  // after every retry): an outage, not the model.
  const answered = (endpoint?: "main" | "judge"): boolean => f.calls.some((c) => c.error === undefined && (endpoint === undefined || endpointOf(c.stage) === endpoint));
  const down = failures.find((x) => x.kind === "unreachable" || x.kind === "server");
  if (!answered() && down) return { cause: "endpoint-unreachable", detail: down.error.message };
  // A judge endpoint of its own that no call reached, while the main one answered.
  for (const endpoint of ["main", "judge"] as const) {
    const refused = failures.find((x) => endpointOf(x.stage) === endpoint && x.kind === "unreachable");
    if (refused && !answered(endpoint)) return { cause: "endpoint-unreachable", detail: refused.error.message };
  }
  return null;
}
