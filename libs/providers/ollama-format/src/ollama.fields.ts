import type { FinishReason, TokenUsage } from '@switchyard/plugin-api';
import { nowInSeconds } from '@switchyard/provider-openai-compatible';
import type { JsonRecord } from '@switchyard/provider-openai-compatible';

/**
 * The id of an Ollama answer. Ollama gives answers none; its `created_at` (RFC 3339 with
 * micro- or nanoseconds) names the answer, so its digits make an id that is the same wherever
 * the answer is read and differs from one answer to the next (`chatcmpl-20231212141343416799`).
 */
export function ollamaAnswerId(createdAt: unknown): string {
  const digits = typeof createdAt === 'string' ? createdAt.replace(/\D/g, '') : '';
  return `chatcmpl-${digits || String(Date.now())}`;
}

/** OpenAI's `created` (Unix seconds) of an Ollama `created_at`; now when it is absent or unreadable. */
export function createdSeconds(createdAt: unknown): number {
  const ms = typeof createdAt === 'string' ? Date.parse(createdAt) : Number.NaN;
  return Number.isNaN(ms) ? nowInSeconds() : Math.floor(ms / 1000);
}

/** The token counts an Ollama answer reports, for the gateway's analytics. */
export interface OllamaUsage {
  /**
   * OpenAI's usage for the client: Ollama leaves `prompt_eval_count` out when it read the whole
   * prompt from its cache, which counts as 0 here, as in Kong.
   */
  readonly client: TokenUsage;
  /** The counts Ollama reported, and only those: a missing prompt count is estimated by the gateway. */
  readonly reported: Partial<TokenUsage>;
}

/** The usage of a closing answer or `done` frame (`prompt_eval_count`, `eval_count`). */
export function ollamaUsage(answer: JsonRecord): OllamaUsage {
  const prompt = typeof answer.prompt_eval_count === 'number' ? answer.prompt_eval_count : undefined;
  const completion = typeof answer.eval_count === 'number' ? answer.eval_count : undefined;
  const client = {
    prompt_tokens: prompt ?? 0,
    completion_tokens: completion ?? 0,
    total_tokens: (prompt ?? 0) + (completion ?? 0),
  };
  const reported: Partial<TokenUsage> = {};
  if (prompt !== undefined) reported.prompt_tokens = prompt;
  if (completion !== undefined) reported.completion_tokens = completion;
  if (prompt !== undefined && completion !== undefined) reported.total_tokens = prompt + completion;
  return { client, reported };
}

/**
 * The finish reason of an Ollama answer in OpenAI's words: `tool_calls` when it calls tools
 * (Ollama then says `stop`), `length` for `done_reason: length`, else `stop` (Ollama's `stop`,
 * and `load`/`unload`, which end an answer that generated nothing).
 */
export function ollamaFinishReason(answer: JsonRecord, callsTools: boolean): FinishReason {
  if (callsTools) return 'tool_calls';
  return answer.done_reason === 'length' ? 'length' : 'stop';
}

/** The model an answer names, else the one the request resolved. */
export function answerModel(answer: JsonRecord, requested: string): string {
  return typeof answer.model === 'string' && answer.model !== '' ? answer.model : requested;
}
