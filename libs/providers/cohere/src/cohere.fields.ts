import type { FinishReason, TokenUsage } from '@switchyard/plugin-api';
import { isRecord } from '@switchyard/provider-openai-compatible';
import type { JsonRecord } from '@switchyard/provider-openai-compatible';

/** Cohere finish reasons that have an OpenAI name; any other is lowercased. */
const OPENAI_FINISH_REASONS: Readonly<Record<string, FinishReason>> = {
  COMPLETE: 'stop',
  STOP_SEQUENCE: 'stop',
  MAX_TOKENS: 'length',
  TOOL_CALL: 'tool_calls',
  ERROR_TOXIC: 'content_filter',
};

/** A Cohere `finish_reason` in OpenAI's words; `stop` when Cohere gives none (Kong's fixed value). */
export function cohereFinishReason(value: unknown): FinishReason {
  if (typeof value !== 'string') return 'stop';
  return OPENAI_FINISH_REASONS[value] ?? value.toLowerCase();
}

/**
 * Token counts from the `billed_units` of a holder: `meta` in v1 answers and stream ends,
 * `usage` in v2 answers. `undefined` when there are none.
 */
export function billedUsage(holder: unknown): TokenUsage | undefined {
  if (!isRecord(holder) || !isRecord(holder.billed_units)) return undefined;
  const { input_tokens, output_tokens } = holder.billed_units;
  const prompt = typeof input_tokens === 'number' ? input_tokens : 0;
  const completion = typeof output_tokens === 'number' ? output_tokens : 0;
  return { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion };
}

/**
 * The id of an answer: v1 chat's `generation_id` (Kong's choice, and what `stream-start` names),
 * else the `id` of generate and v2 answers, else v1's `response_id`.
 */
export function cohereAnswerId(answer: JsonRecord): string {
  const id = answer.generation_id ?? answer.id ?? answer.response_id;
  return typeof id === 'string' ? id : '';
}
