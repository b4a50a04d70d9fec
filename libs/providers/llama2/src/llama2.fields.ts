import type { FinishReason, TokenUsage } from '@switchyard/plugin-api';
import { isRecord } from '@switchyard/provider-openai-compatible';

/**
 * A text-generation server's `details.finish_reason` in OpenAI's words: `length` for `length`,
 * `stop` for `eos_token` and `stop_sequence` (and when it gives none).
 */
export function rawFinishReason(details: unknown): FinishReason {
  return isRecord(details) && details.finish_reason === 'length' ? 'length' : 'stop';
}

/**
 * The completion tokens `details` reports (`generated_tokens`). The server reports no prompt
 * count: the gateway estimates it.
 */
export function rawUsage(details: unknown): Partial<TokenUsage> | undefined {
  return isRecord(details) && typeof details.generated_tokens === 'number'
    ? { completion_tokens: details.generated_tokens }
    : undefined;
}

/** The id the gateway gives an answer of a server that gives none: the time it was translated. */
export function rawAnswerId(): string {
  return `chatcmpl-${Date.now()}`;
}
