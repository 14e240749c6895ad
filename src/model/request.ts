// The request body of one chat-completions call: the model, the messages, the sampling settings,
// the token-limit parameter this endpoint takes, the stream's usage option and `n`.

import type { Endpoint, ModelConfig } from "./config.ts";
import { endpointKey, type EndpointMemory } from "./context.ts";
import type { TokenParam } from "./retry.ts";
import type { ChatMessage } from "./types.ts";

/** What varies between the calls of one prompt. */
export interface RequestShape {
  temperature: number | undefined;
  maxTokens: number | undefined;
  /** Completions asked for in this request (`n`); 1 sends no `n`. */
  choices: number;
}

export interface RequestBody {
  body: Record<string, unknown>;
  /** The token-limit parameter sent (meaningful when maxTokens is set). */
  tokenParam: TokenParam;
  /** `stream_options: { include_usage: true }` was sent. */
  usageOption: boolean;
}

/** The token-limit parameter for this endpoint: the configured one, or what it was found to take. */
export function tokenParamFor(config: ModelConfig, memory: EndpointMemory, endpoint: Endpoint): TokenParam {
  const configured = config.tokenParam ?? "auto";
  return configured === "auto" ? (memory.tokenParams.get(endpointKey(endpoint)) ?? "max_completion_tokens") : configured;
}

export function buildRequestBody(config: ModelConfig, memory: EndpointMemory, endpoint: Endpoint, messages: ChatMessage[], shape: RequestShape): RequestBody {
  const tokenParam = tokenParamFor(config, memory, endpoint);
  const body: Record<string, unknown> = { model: endpoint.model, messages };
  if (shape.temperature !== undefined) body.temperature = shape.temperature;
  if (shape.maxTokens !== undefined) body[tokenParam] = shape.maxTokens;
  if (shape.choices > 1) body.n = shape.choices;
  const usageOption = config.stream === true && !memory.noStreamOptions.has(endpointKey(endpoint));
  if (usageOption) body.stream_options = { include_usage: true };
  return { body, tokenParam, usageOption };
}

/** The prompt as the budget estimates it (about 4 characters a token). */
export function promptText(messages: readonly ChatMessage[]): string {
  return messages.map((m) => m.content).join("\n");
}
