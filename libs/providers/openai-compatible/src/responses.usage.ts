import type { FinishReason, TokenUsage } from '@switchyard/plugin-api';
import { isRecord } from './json-shapes.js';

/** The Responses API's `usage` object. */
export interface ResponsesUsage {
  readonly input_tokens: number;
  readonly input_tokens_details: { readonly cached_tokens: number };
  readonly output_tokens: number;
  readonly output_tokens_details: { readonly reasoning_tokens: number };
  readonly total_tokens: number;
}

/**
 * A Responses `usage` object (`input_tokens`, `output_tokens`, their details) in chat's words,
 * as the gateway's analytics read every answer; `undefined` when it is absent or null.
 */
export function readResponsesUsage(value: unknown): Partial<TokenUsage> | undefined {
  if (!isRecord(value)) return undefined;
  const usage: Partial<TokenUsage> = {};
  if (typeof value.input_tokens === 'number') usage.prompt_tokens = value.input_tokens;
  if (typeof value.output_tokens === 'number') usage.completion_tokens = value.output_tokens;
  if (typeof value.total_tokens === 'number') usage.total_tokens = value.total_tokens;
  const cached = isRecord(value.input_tokens_details) ? value.input_tokens_details.cached_tokens : undefined;
  if (typeof cached === 'number') usage.prompt_tokens_details = { cached_tokens: cached };
  const reasoning = isRecord(value.output_tokens_details)
    ? value.output_tokens_details.reasoning_tokens
    : undefined;
  if (typeof reasoning === 'number') usage.completion_tokens_details = { reasoning_tokens: reasoning };
  return usage;
}

/** Chat's usage in the Responses API's words (zeros for counts the provider gave none of). */
export function responsesUsageOf(usage: Partial<TokenUsage> | undefined): ResponsesUsage {
  const input = usage?.prompt_tokens ?? 0;
  const output = usage?.completion_tokens ?? 0;
  return {
    input_tokens: input,
    input_tokens_details: { cached_tokens: usage?.prompt_tokens_details?.cached_tokens ?? 0 },
    output_tokens: output,
    output_tokens_details: { reasoning_tokens: usage?.completion_tokens_details?.reasoning_tokens ?? 0 },
    total_tokens: usage?.total_tokens ?? input + output,
  };
}

/** A response's `status` and `incomplete_details`, from chat's finish reason. */
export interface ResponsesOutcome {
  readonly status: 'completed' | 'incomplete';
  readonly incomplete_details: { readonly reason: 'max_output_tokens' | 'content_filter' } | null;
}

/** How a chat answer that finished for `reason` ends as a response. */
export function responsesOutcomeOf(reason: FinishReason | null | undefined): ResponsesOutcome {
  if (reason === 'length')
    return { status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' } };
  if (reason === 'content_filter')
    return { status: 'incomplete', incomplete_details: { reason: 'content_filter' } };
  return { status: 'completed', incomplete_details: null };
}

/**
 * Chat's finish reason for a response (its `status`, `incomplete_details` and whether it called
 * functions), for the analytics and the GenAI span.
 */
export function finishReasonOfResponse(
  response: Readonly<Record<string, unknown>>,
): FinishReason | undefined {
  const details = isRecord(response.incomplete_details) ? response.incomplete_details : undefined;
  if (response.status === 'incomplete')
    return details?.reason === 'content_filter' ? 'content_filter' : 'length';
  if (response.status !== 'completed') return undefined;
  const output = Array.isArray(response.output) ? response.output : [];
  return output.some((item) => isRecord(item) && item.type === 'function_call') ? 'tool_calls' : 'stop';
}
