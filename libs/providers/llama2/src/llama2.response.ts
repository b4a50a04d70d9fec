import { TranslationError } from '@switchyard/plugin-api';
import type { LlmResponse, ProviderRequest, TokenUsage, TranslatedResponse } from '@switchyard/plugin-api';
import { isRecord, nowInSeconds, readOpenAiUsage } from '@switchyard/provider-openai-compatible';
import type { JsonRecord } from '@switchyard/provider-openai-compatible';
import { rawAnswerId, rawFinishReason, rawUsage } from './llama2.fields.js';

/**
 * The one generation of an answer: TGI's `[{generated_text, details}]` (`POST /`), Kong's
 * `{data: [{generated_text}]}`, or TGI's `{generated_text, details}` (`POST /generate`).
 * Kong's messages for what is none of these.
 */
function generation(body: unknown): JsonRecord {
  const list = Array.isArray(body)
    ? body
    : isRecord(body) && Array.isArray(body.data)
      ? body.data
      : isRecord(body) && 'generated_text' in body
        ? [body]
        : undefined;
  if (!list || list.length !== 1 || !isRecord(list[0]))
    throw new TranslationError('cannot parse response from llama2 endpoint');
  if (typeof list[0].generated_text !== 'string')
    throw new TranslationError('response data is empty from llama2 endpoint');
  return list[0];
}

/**
 * A text-generation server's answer as OpenAI's `chat.completion` or `text_completion`: the
 * text after the last `[/INST]` (a server may return the prompt with the answer), trimmed, as
 * Kong; the finish reason from `details`; a `usage` the server gives passed on (Kong), else the
 * completion tokens of `details` for the gateway's analytics.
 */
export function translateLlama2RawResponse(body: unknown, request: ProviderRequest): TranslatedResponse {
  const answer = generation(body);
  const text = (answer.generated_text as string).split('[/INST]').at(-1)!.trim();
  const finishReason = rawFinishReason(answer.details);
  const given = isRecord(body) ? readOpenAiUsage(body.usage) : undefined;
  const envelope = { id: rawAnswerId(), created: nowInSeconds(), model: request.model.name };
  const counted = given?.prompt_tokens !== undefined && given.completion_tokens !== undefined;
  const usage = counted
    ? { usage: { ...given, total_tokens: given.prompt_tokens! + given.completion_tokens! } as TokenUsage }
    : {};
  const completion: LlmResponse =
    request.routeType === 'llm/v1/chat'
      ? {
          ...envelope,
          object: 'chat.completion',
          choices: [{ index: 0, message: { role: 'assistant', content: text }, finish_reason: finishReason }],
          ...usage,
        }
      : {
          ...envelope,
          object: 'text_completion',
          choices: [{ index: 0, text, finish_reason: finishReason }],
          ...usage,
        };
  return {
    body: completion,
    usage: given ?? rawUsage(answer.details),
    model: completion.model,
    id: completion.id,
    finishReasons: [finishReason],
  };
}
