import { TranslationError } from '@switchyard/plugin-api';
import type { LlmResponse, ProviderRequest } from '@switchyard/plugin-api';
import { isRecord } from './json-shapes.js';

/**
 * An OpenAI-format answer, passed through as is (the same object) when it has `choices`.
 * Throws `TranslationError` with Kong's message otherwise.
 */
export function translateOpenAiResponse(body: unknown, request: ProviderRequest): LlmResponse {
  if (isRecord(body) && Array.isArray(body.choices)) return body as LlmResponse;
  throw new TranslationError(`'choices' not in ${request.routeType} response`);
}
