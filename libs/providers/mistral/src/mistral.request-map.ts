import { TranslationError } from '@switchyard/plugin-api';
import type { ClientBody, ProviderRequest, TranslatedRequest } from '@switchyard/plugin-api';

/**
 * Mistral's chat body for an OpenAI chat body (configured options merged): a new object,
 * never the client's. Maps each field Mistral accepts and drops the others (the README lists them).
 */
export function translateMistralChatRequest(_body: ClientBody, _request: ProviderRequest): TranslatedRequest {
  throw new TranslationError('the mistral chat request translation is not written yet');
}
