import { TranslationError } from '@switchyard/plugin-api';
import type { ProviderRequest, TranslatedResponse } from '@switchyard/plugin-api';

/**
 * A Mistral chat answer as an OpenAI `chat.completion`, with its usage, model, id and finish
 * reasons. Throws `TranslationError` with Kong's message for a body that is no answer.
 */
export function translateMistralChatResponse(_body: unknown, _request: ProviderRequest): TranslatedResponse {
  throw new TranslationError('the mistral chat answer translation is not written yet');
}
