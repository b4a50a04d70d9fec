import type { TokenUsage } from '@switchyard/plugin-api';

/** A parsed JSON object whose members are not known yet. */
export type JsonRecord = Readonly<Record<string, unknown>>;

/** Whether a parsed JSON value is an object (not an array, not null). */
export function isRecord(value: unknown): value is JsonRecord {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The token counts of an OpenAI `usage` object, or `undefined` when it is absent or null.
 * Only the three counts are kept; provider extras (`prompt_tokens_details`, ...) are not.
 */
export function readOpenAiUsage(value: unknown): Partial<TokenUsage> | undefined {
  if (!isRecord(value)) return undefined;
  const usage: Partial<TokenUsage> = {};
  if (typeof value.prompt_tokens === 'number') usage.prompt_tokens = value.prompt_tokens;
  if (typeof value.completion_tokens === 'number') usage.completion_tokens = value.completion_tokens;
  if (typeof value.total_tokens === 'number') usage.total_tokens = value.total_tokens;
  return usage;
}
