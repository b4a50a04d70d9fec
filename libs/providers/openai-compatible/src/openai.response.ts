import { TranslationError } from '@switchyard/plugin-api';
import type { FinishReason, ProviderRequest, TranslatedResponse } from '@switchyard/plugin-api';
import { isRecord, readOpenAiUsage } from './json-shapes.js';

/** The finish reasons of an answer's choices, as far as they are OpenAI's. */
function finishReasonsOf(choices: readonly unknown[]): FinishReason[] {
  const reasons: FinishReason[] = [];
  for (const choice of choices) {
    if (isRecord(choice) && typeof choice.finish_reason === 'string')
      reasons.push(choice.finish_reason as FinishReason);
  }
  return reasons;
}

/**
 * An OpenAI-format answer, passed through as is (the same object, so its bytes go to the client
 * unchanged) when it has `choices`, with what the gateway reads of it. Throws
 * `TranslationError` with Kong's message otherwise.
 */
export function translateOpenAiResponse(body: unknown, request: ProviderRequest): TranslatedResponse {
  if (!isRecord(body) || !Array.isArray(body.choices))
    throw new TranslationError(`'choices' not in ${request.routeType} response`);
  return {
    body,
    usage: readOpenAiUsage(body.usage),
    ...(typeof body.model === 'string' && body.model !== '' && { model: body.model }),
    ...(typeof body.id === 'string' && body.id !== '' && { id: body.id }),
    finishReasons: finishReasonsOf(body.choices),
  };
}
