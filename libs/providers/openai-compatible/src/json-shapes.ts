import type { TokenUsage } from '@switchyard/plugin-api';

/** A parsed JSON object whose members are not known yet. */
export type JsonRecord = Readonly<Record<string, unknown>>;

/** Whether a parsed JSON value is an object (not an array, not null). */
export function isRecord(value: unknown): value is JsonRecord {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The token counts of an OpenAI `usage` object, or `undefined` when it is absent or null: the
 * three counts, and the cached prompt and reasoning tokens when it gives them.
 */
export function readOpenAiUsage(value: unknown): Partial<TokenUsage> | undefined {
  if (!isRecord(value)) return undefined;
  const usage: Partial<TokenUsage> = {};
  if (typeof value.prompt_tokens === 'number') usage.prompt_tokens = value.prompt_tokens;
  if (typeof value.completion_tokens === 'number') usage.completion_tokens = value.completion_tokens;
  if (typeof value.total_tokens === 'number') usage.total_tokens = value.total_tokens;
  const cached = isRecord(value.prompt_tokens_details)
    ? value.prompt_tokens_details.cached_tokens
    : undefined;
  if (typeof cached === 'number') usage.prompt_tokens_details = { cached_tokens: cached };
  const reasoning = isRecord(value.completion_tokens_details)
    ? value.completion_tokens_details.reasoning_tokens
    : undefined;
  if (typeof reasoning === 'number') usage.completion_tokens_details = { reasoning_tokens: reasoning };
  return usage;
}
