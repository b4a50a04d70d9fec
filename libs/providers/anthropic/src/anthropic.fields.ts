import type { FinishReason, TokenUsage } from '@switchyard/plugin-api';
import { isRecord } from '@switchyard/provider-openai-compatible';

/** Anthropic's `stop_reason` (Messages and Text Completions) in OpenAI's words. */
const FINISH_REASONS: Readonly<Record<string, FinishReason>> = {
  end_turn: 'stop',
  stop_sequence: 'stop',
  pause_turn: 'stop',
  max_tokens: 'length',
  model_context_window_exceeded: 'length',
  tool_use: 'tool_calls',
  refusal: 'content_filter',
};

/** An Anthropic `stop_reason` as OpenAI's `finish_reason`: `null` when there is none yet, `stop` for one OpenAI has no word for. */
export function anthropicFinishReason(value: unknown): FinishReason | null {
  if (typeof value !== 'string') return null;
  return FINISH_REASONS[value] ?? 'stop';
}

function count(value: unknown): number {
  return typeof value === 'number' ? value : 0;
}

/**
 * Prompt tokens of an Anthropic `usage`: the uncached input plus the cache reads and writes,
 * since OpenAI's `prompt_tokens` counts the whole prompt.
 */
export function anthropicPromptTokens(usage: Readonly<Record<string, unknown>>): number {
  return (
    count(usage.input_tokens) +
    count(usage.cache_read_input_tokens) +
    count(usage.cache_creation_input_tokens)
  );
}

/**
 * An Anthropic `usage` as OpenAI's, `undefined` when absent: cache reads and writes count in
 * `prompt_tokens`, and the reads are `prompt_tokens_details.cached_tokens` (present whenever
 * Anthropic reports its cache).
 */
export function anthropicUsage(value: unknown): TokenUsage | undefined {
  if (!isRecord(value)) return undefined;
  const prompt = anthropicPromptTokens(value);
  const completion = count(value.output_tokens);
  const usage: TokenUsage = {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: prompt + completion,
  };
  if (
    typeof value.cache_read_input_tokens === 'number' ||
    typeof value.cache_creation_input_tokens === 'number'
  )
    usage.prompt_tokens_details = { cached_tokens: count(value.cache_read_input_tokens) };
  return usage;
}
