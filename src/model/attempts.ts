// The attempt loop of one HTTP request: send, and on a failure ask the pure retry policy
// (retry.ts) whether to resend with another parameter, wait and retry, or give up with one line.

import OpenAI from "openai";
import { setTimeout as sleep } from "node:timers/promises";
import { BadReply, StreamIdle, completeOnce, oneLine, type Completion } from "./completion.ts";
import { describe, endpointKey, type ClientContext, type Target } from "./context.ts";
import type { Endpoint } from "./config.ts";
import { ModelCallAborted, ModelCallError, ModelEndpointError } from "./errors.ts";
import { redact } from "./redact.ts";
import { buildRequestBody, type RequestShape } from "./request.ts";
import { classifyFailure, otherTokenParam, parseRetryAfter, rejectsChoices, rejectsStreamOptions, rejectsTokenParam, retryDelay, type Failure } from "./retry.ts";
import { streamCompletion } from "./stream.ts";
import { ModelConfigError, type CallMeta, type ChatRequest } from "./types.ts";

/** The endpoint refused `n`: the caller asks for the choices one request each (remembered per endpoint). */
export class ChoicesRefused extends Error {}

/** Reduce whatever the openai client threw to plain data for the pure retry policy. */
export function toFailure(error: unknown, nowMs: number): Failure {
  if (error instanceof BadReply) return { kind: error.kind, message: error.message, ...(error.notJson ? { notJson: true } : {}) };
  if (error instanceof StreamIdle) return { kind: "timeout", message: error.message };
  if (error instanceof OpenAI.APIConnectionTimeoutError) return { kind: "timeout", message: "request timed out" };
  if (error instanceof OpenAI.APIConnectionError) {
    const code = connectionCode(error);
    return { kind: "connection", message: `connection failed${code !== undefined ? ` (${code})` : ""}`, ...(code !== undefined ? { code } : {}) };
  }
  if (error instanceof OpenAI.APIError && typeof error.status === "number") {
    const headers = error.headers;
    const retryAfterMs = parseRetryAfter(headers?.get("retry-after"), headers?.get("retry-after-ms"), nowMs);
    const failure: Failure = { kind: "status", status: error.status, message: error.message, param: error.param ?? null };
    if (retryAfterMs !== undefined) failure.retryAfterMs = retryAfterMs;
    return failure;
  }
  if (error instanceof SyntaxError) return { kind: "malformed", message: `reply is not valid JSON (${error.message})` };
  return { kind: "other", message: error instanceof Error ? error.message : String(error) };
}

/**
 * The deepest error code under a failed fetch (fetch -> TypeError "fetch failed" -> the socket's
 * error), or its message when it has none (undici's "bad port").
 */
function connectionCode(error: unknown): string | undefined {
  let found: string | undefined;
  let e = (error as { cause?: unknown }).cause;
  for (let depth = 0; depth < 5 && typeof e === "object" && e !== null; depth++) {
    const { code, message, cause } = e as { code?: unknown; message?: unknown; cause?: unknown };
    if (typeof code === "string" && code !== "") found = code;
    else if (found === undefined && typeof message === "string" && message !== "" && message !== "fetch failed" && (cause === undefined || cause === null)) found = message;
    e = cause;
  }
  return found;
}

function configError(ctx: ClientContext, endpoint: Endpoint, failure: Failure): ModelConfigError {
  const judge = endpoint.role === "judge";
  // Names as the user sets them: environment, CLI flag, action input.
  const keySetting = judge ? "SSTAR_JUDGE_API_KEY (action input judge-api-key)" : "OPENAI_API_KEY (action input api-key)";
  const modelSetting = judge ? "SSTAR_JUDGE_MODEL / --judge-model (action input judge-model)" : "SSTAR_MODEL / --model (action input model)";
  const urlSetting = judge ? "SSTAR_JUDGE_BASE_URL (action input judge-base-url)" : "OPENAI_BASE_URL / --base-url (action input base-url)";
  const said = `HTTP ${failure.status}: ${oneLine(failure.message, 200)}`;
  const text =
    failure.status === 401
      ? `${describe(endpoint)}: the API key was refused (${said}); check ${keySetting}`
      : failure.status === 403
        ? `${describe(endpoint)}: access denied (${said}); check that ${keySetting} may use this model`
        : `${describe(endpoint)}: no such model or route (${said}); check ${modelSetting} and ${urlSetting}`;
  return new ModelConfigError(redact(text, ctx.secrets));
}

export function aborted(ctx: ClientContext, meta: CallMeta, attempts: number): ModelCallAborted {
  const why = ctx.deadline?.aborted === true ? " (the run's deadline passed)" : "";
  return new ModelCallAborted(`the ${meta.stage} call for problem ${meta.problemId} was cancelled${why}`, attempts);
}

/**
 * A refusal the client can answer by resending at once (not a retry): stream_options, the
 * token-limit parameter (once per call), `n` (the caller then asks choice by choice). Says what
 * it changed, or undefined when the failure is not such a refusal.
 */
function adjustedAfterRefusal(ctx: ClientContext, endpoint: Endpoint, failure: Failure, sent: ReturnType<typeof buildRequestBody>, shape: RequestShape, switched: boolean): "stream-options" | "token-param" | undefined {
  const key = endpointKey(endpoint);
  if (shape.choices > 1 && rejectsChoices(failure)) {
    ctx.memory.oneChoice.add(key);
    ctx.log(`model: ${describe(endpoint)} refused n=${shape.choices}; asking one request per sample from now on`);
    throw new ChoicesRefused(failure.message);
  }
  if (sent.usageOption && rejectsStreamOptions(failure)) {
    ctx.memory.noStreamOptions.add(key);
    ctx.log(`model: ${describe(endpoint)} refused stream_options; streaming without usage from now on (tokens are estimated)`);
    return "stream-options";
  }
  if ((ctx.config.tokenParam ?? "auto") === "auto" && shape.maxTokens !== undefined && !switched && rejectsTokenParam(failure, sent.tokenParam)) {
    ctx.memory.tokenParams.set(key, otherTokenParam(sent.tokenParam));
    ctx.log(`model: ${describe(endpoint)} refused ${sent.tokenParam}; sending ${otherTokenParam(sent.tokenParam)} from now on`);
    return "token-param";
  }
  return undefined;
}

/** The error a failure ends the call with, or undefined when it is worth another attempt. */
function finalError(ctx: ClientContext, endpoint: Endpoint, failure: Failure, meta: CallMeta, retries: number): Error | undefined {
  const what = `${meta.stage} call for problem ${meta.problemId}`;
  const action = classifyFailure(failure, ctx.memory.answered.has(endpoint.baseUrl));
  const said = `${failure.status !== undefined ? `HTTP ${failure.status}: ` : ""}${oneLine(failure.message, 200)}`;
  if (action.action === "config") return ctx.memory.markDead(endpoint, configError(ctx, endpoint, failure));
  if (action.action === "endpoint") {
    const urlSetting = endpoint.role === "judge" ? "--judge-base-url / SSTAR_JUDGE_BASE_URL (action input judge-base-url)" : "--base-url / OPENAI_BASE_URL (action input base-url)";
    return ctx.memory.markDead(endpoint, new ModelEndpointError(redact(`model endpoint ${endpoint.baseUrl}: ${action.what}; check ${urlSetting}`, ctx.secrets), endpoint.baseUrl));
  }
  if (action.action === "fail") return new ModelCallError(redact(`${describe(endpoint)} refused a ${what} (${said})`, ctx.secrets), failure.status, retries + 1);
  if (retries >= ctx.policy.maxRetries) {
    return new ModelCallError(
      redact(`${describe(endpoint)} failed a ${what} after ${retries + 1} attempts (last: ${said}); the server may be down or overloaded`, ctx.secrets),
      failure.status,
      retries + 1,
    );
  }
  return undefined;
}

/** Sends one request until it succeeds or the retry policy gives up; counts the retries. */
export async function sendWithRetries(ctx: ClientContext, target: Target, request: ChatRequest, meta: CallMeta, shape: RequestShape): Promise<{ completion: Completion; retries: number }> {
  const { endpoint, openai } = target;
  let switched = false;
  let retries = 0;
  for (;;) {
    const sent = buildRequestBody(ctx.config, ctx.memory, endpoint, request.messages, shape);
    try {
      const completion =
        ctx.config.stream === true ? await streamCompletion(openai, sent.body, ctx.timeoutMs, request.signal) : await completeOnce(openai, sent.body, request.signal);
      ctx.memory.answered.add(endpoint.baseUrl);
      return { completion, retries };
    } catch (error) {
      if (request.signal?.aborted === true) throw aborted(ctx, meta, retries + 1);
      const failure = toFailure(error, Date.now());
      const adjusted = adjustedAfterRefusal(ctx, endpoint, failure, sent, shape, switched);
      if (adjusted === "token-param") switched = true;
      if (adjusted !== undefined) continue;
      const final = finalError(ctx, endpoint, failure, meta, retries);
      if (final !== undefined) throw final;
      const delay = retryDelay(retries, failure.retryAfterMs, ctx.policy, Math.random());
      retries++;
      const said = `${failure.status !== undefined ? `HTTP ${failure.status}: ` : ""}${oneLine(failure.message, 200)}`;
      ctx.log(`model: ${said} from ${describe(endpoint)} on a ${meta.stage} call for problem ${meta.problemId}; retry ${retries}/${ctx.policy.maxRetries} in ${(delay / 1000).toFixed(1)}s`);
      try {
        await sleep(delay, undefined, request.signal !== undefined ? { signal: request.signal } : undefined);
      } catch {
        throw aborted(ctx, meta, retries);
      }
    }
  }
}
