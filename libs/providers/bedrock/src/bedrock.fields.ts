import type { FinishReason, TokenUsage } from '@switchyard/plugin-api';
import { isRecord } from '@switchyard/provider-openai-compatible';

/** Converse's `stopReason` in OpenAI's words. */
const FINISH_REASONS: Readonly<Record<string, FinishReason>> = {
  end_turn: 'stop',
  stop_sequence: 'stop',
  max_tokens: 'length',
  model_context_window_exceeded: 'length',
  tool_use: 'tool_calls',
  guardrail_intervened: 'content_filter',
  content_filtered: 'content_filter',
};

/** A Converse `stopReason` as OpenAI's `finish_reason`: `stop` for one OpenAI has no word for. */
export function bedrockFinishReason(value: unknown): FinishReason {
  return (typeof value === 'string' && FINISH_REASONS[value]) || 'stop';
}

function count(value: unknown): number {
  return typeof value === 'number' ? value : 0;
}

/**
 * A Converse `usage` as OpenAI's, `undefined` when absent: the prompt counts the uncached input
 * plus the cache reads and writes (OpenAI's `prompt_tokens` is the whole prompt), and the reads
 * are `prompt_tokens_details.cached_tokens` when Bedrock reports its cache.
 */
export function bedrockUsage(value: unknown): TokenUsage | undefined {
  if (!isRecord(value)) return undefined;
  const cacheRead = value.cacheReadInputTokens;
  const prompt = count(value.inputTokens) + count(cacheRead) + count(value.cacheWriteInputTokens);
  const completion = count(value.outputTokens);
  const usage: TokenUsage = {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: prompt + completion,
  };
  if (typeof cacheRead === 'number' || typeof value.cacheWriteInputTokens === 'number')
    usage.prompt_tokens_details = { cached_tokens: count(cacheRead) };
  return usage;
}
