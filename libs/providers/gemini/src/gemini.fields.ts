import type { FinishReason, TokenUsage } from '@switchyard/plugin-api';
import { isRecord } from '@switchyard/provider-openai-compatible';
import type { JsonRecord } from '@switchyard/provider-openai-compatible';

/** Gemini finish reasons that end a usable answer, in OpenAI's words. */
const OPENAI_FINISH_REASONS: Readonly<Record<string, FinishReason>> = {
  STOP: 'stop',
  MAX_TOKENS: 'length',
  SAFETY: 'content_filter',
  RECITATION: 'content_filter',
  BLOCKLIST: 'content_filter',
  PROHIBITED_CONTENT: 'content_filter',
  SPII: 'content_filter',
  LANGUAGE: 'content_filter',
  IMAGE_SAFETY: 'content_filter',
  IMAGE_PROHIBITED_CONTENT: 'content_filter',
  IMAGE_RECITATION: 'content_filter',
};

/** Gemini finish reasons that mean the generation failed, with Gemini's own explanation. */
const FAILED_GENERATIONS: Readonly<Record<string, string>> = {
  MALFORMED_FUNCTION_CALL: 'the model generated a function call that is not valid',
  UNEXPECTED_TOOL_CALL: 'the model called a tool, but no tool is enabled',
  TOO_MANY_TOOL_CALLS: 'the model called too many tools in a row',
  MISSING_THOUGHT_SIGNATURE: 'a function call in the conversation lacks its thought signature',
};

/** How a Gemini candidate ended: a finish reason in OpenAI's words, or a failure to report. */
export type GeminiFinish =
  | { readonly reason: FinishReason; readonly failure?: undefined }
  | { readonly failure: string; readonly reason?: undefined };

/**
 * A Gemini `finishReason` in OpenAI's words, or the failure it reports. Gemini ends an answer
 * that calls functions with `STOP`: with `callsTools`, that is `tool_calls`, which is what OpenAI
 * clients run the tools on. Safety, recitation, blocklist, prohibited content and personal data
 * stops are `content_filter`, never a silent `stop`; a reason this gateway does not know (`OTHER`)
 * is `stop`, the one OpenAI word for "ended".
 */
export function geminiFinish(value: string, callsTools: boolean, message?: unknown): GeminiFinish {
  const failure = FAILED_GENERATIONS[value];
  if (failure) {
    const detail = typeof message === 'string' && message !== '' ? ` (${message})` : '';
    return { failure: `gemini reported a failed generation (finishReason ${value}): ${failure}${detail}` };
  }
  const reason = OPENAI_FINISH_REASONS[value] ?? 'stop';
  return { reason: callsTools && reason === 'stop' ? 'tool_calls' : reason };
}

/** The refusal an OpenAI client reads when Gemini blocked the prompt or stopped the answer for its content. */
export function blockedRefusal(what: 'prompt' | 'answer', reason: string, message?: unknown): string {
  const detail = typeof message === 'string' && message !== '' ? `: ${message}` : '';
  return `gemini blocked the ${what} (${what === 'prompt' ? 'blockReason' : 'finishReason'} ${reason})${detail}`;
}

function count(value: unknown): number {
  return typeof value === 'number' ? value : 0;
}

/**
 * A Gemini `usageMetadata` as OpenAI's usage, `undefined` when absent. The prompt counts the
 * cached content (`cachedContentTokenCount`, also `prompt_tokens_details.cached_tokens`) and the
 * tool-use prompt; the completion counts the thinking (`thoughtsTokenCount`, also
 * `completion_tokens_details.reasoning_tokens`), as OpenAI counts reasoning tokens.
 */
export function geminiUsage(value: unknown): TokenUsage | undefined {
  if (!isRecord(value)) return undefined;
  const prompt = count(value.promptTokenCount) + count(value.toolUsePromptTokenCount);
  const completion = count(value.candidatesTokenCount) + count(value.thoughtsTokenCount);
  const usage: TokenUsage = {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: prompt + completion,
  };
  if (typeof value.cachedContentTokenCount === 'number')
    usage.prompt_tokens_details = { cached_tokens: value.cachedContentTokenCount };
  if (typeof value.thoughtsTokenCount === 'number')
    usage.completion_tokens_details = { reasoning_tokens: value.thoughtsTokenCount };
  return usage;
}

/**
 * The OpenAI id of the `index`-th tool call of an answer: Gemini's own `functionCall.id` when it
 * gives one, else one derived from the answer's `responseId`, the same in a whole answer and in
 * the stream of that answer, and unique across the turns of a conversation.
 */
export function toolCallId(call: JsonRecord, answerId: string, index: number): string {
  if (typeof call.id === 'string' && call.id !== '') return call.id;
  return `call_${answerId}_${index}`;
}
