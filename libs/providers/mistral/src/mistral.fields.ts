import type { FinishReason, TokenUsage } from '@switchyard/plugin-api';
import { isRecord, readOpenAiUsage } from '@switchyard/provider-openai-compatible';

/** Mistral's finish reasons that end a usable answer, in OpenAI's words. */
const OPENAI_FINISH_REASONS: Readonly<Record<string, FinishReason>> = {
  stop: 'stop',
  length: 'length',
  // The context window was full: cut off, as OpenAI's `length`.
  model_length: 'length',
  tool_calls: 'tool_calls',
};

/** How a Mistral answer ended: a finish reason in OpenAI's words, or the failure it reports. */
export type MistralFinish =
  | { readonly reason: FinishReason; readonly failure?: undefined }
  | { readonly failure: string; readonly reason?: undefined };

/**
 * A Mistral `finish_reason` in OpenAI's words, or the failure Mistral's `error` reports: a
 * failed generation is no finished answer, never a silent `stop`.
 */
export function mistralFinish(value: string): MistralFinish {
  if (value === 'error') return { failure: 'mistral reported a failed generation (finish_reason error)' };
  return { reason: OPENAI_FINISH_REASONS[value] ?? 'stop' };
}

/**
 * The token counts of a Mistral `usage` (OpenAI's counts, with the cached prompt tokens in
 * `prompt_tokens_details` or Mistral's `num_cached_tokens`), or `undefined` without the counts.
 */
export function mistralUsage(value: unknown): TokenUsage | undefined {
  const usage = readOpenAiUsage(value);
  if (usage?.prompt_tokens === undefined || usage.completion_tokens === undefined) return undefined;
  const counts: TokenUsage = {
    prompt_tokens: usage.prompt_tokens,
    completion_tokens: usage.completion_tokens,
    total_tokens: usage.total_tokens ?? usage.prompt_tokens + usage.completion_tokens,
  };
  const cached =
    usage.prompt_tokens_details?.cached_tokens ??
    (isRecord(value) && typeof value.num_cached_tokens === 'number' ? value.num_cached_tokens : undefined);
  if (cached !== undefined) counts.prompt_tokens_details = { cached_tokens: cached };
  if (usage.completion_tokens_details) counts.completion_tokens_details = usage.completion_tokens_details;
  return counts;
}

/**
 * The text of a Mistral `content`: a string as is, the `text` chunks of a chunk list joined (a
 * reasoning model's `thinking` chunks are left out), `null` for none.
 */
export function mistralText(content: unknown): string | null {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return null;
  return content
    .flatMap((chunk: unknown) =>
      isRecord(chunk) && chunk.type === 'text' && typeof chunk.text === 'string' ? [chunk.text] : [],
    )
    .join('');
}

/** A tool call's `arguments` as the JSON text OpenAI sends (Mistral's may be an object). */
export function argumentsText(value: unknown): string {
  if (typeof value === 'string') return value;
  return value === undefined ? '' : JSON.stringify(value);
}
