import type { FinishReason, TokenUsage } from '@switchyard/plugin-api';
import { isRecord } from '@switchyard/provider-openai-compatible';
import type { JsonRecord } from '@switchyard/provider-openai-compatible';

/** Cohere finish reasons that end a usable answer, in OpenAI's words. */
const OPENAI_FINISH_REASONS: Readonly<Record<string, FinishReason>> = {
  COMPLETE: 'stop',
  STOP_SEQUENCE: 'stop',
  MAX_TOKENS: 'length',
  // Cohere: "the reply was cut off because the model reached the maximum number of tokens for
  // its context length": a cut-off answer, which is OpenAI's `length`, not a failed one.
  ERROR_LIMIT: 'length',
  TOOL_CALL: 'tool_calls',
  ERROR_TOXIC: 'content_filter',
};

/** Cohere finish reasons that mean the generation failed, with Cohere's own explanation. */
const FAILED_GENERATIONS: Readonly<Record<string, string>> = {
  ERROR: 'something went wrong when generating the reply',
  USER_CANCEL: 'the generation was cancelled',
  TIMEOUT: 'the generation timed out',
};

/** How a Cohere answer ended: a finish reason in OpenAI's words, or a failure to report. */
export type CohereFinish =
  | { readonly reason: FinishReason; readonly failure?: undefined }
  | { readonly failure: string; readonly reason?: undefined };

/**
 * A Cohere `finish_reason` in OpenAI's words, or the failure it reports (`ERROR`, `USER_CANCEL`,
 * `TIMEOUT`). `stop` when Cohere gives none (Kong's fixed value) or one this gateway does not
 * know. v1 ends an answer that calls tools with `COMPLETE`: with `callsTools`, that is
 * `tool_calls`, which is what OpenAI clients run the tools on.
 */
export function cohereFinish(value: unknown, callsTools = false): CohereFinish {
  const failure = typeof value === 'string' ? FAILED_GENERATIONS[value] : undefined;
  if (failure)
    return { failure: `cohere reported a failed generation (finish_reason ${String(value)}): ${failure}` };
  const reason = (typeof value === 'string' && OPENAI_FINISH_REASONS[value]) || 'stop';
  return { reason: callsTools && reason === 'stop' ? 'tool_calls' : reason };
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
