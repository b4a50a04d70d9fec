import { TranslationError } from '@switchyard/plugin-api';
import type { ClientBody, ProviderRequest, TranslatedRequest } from '@switchyard/plugin-api';

/**
 * Hugging Face's chat body for an OpenAI chat body (configured options merged): a new object,
 * never the client's. Maps each field Hugging Face accepts and drops the others (the README lists them).
 */
export function translateHuggingfaceChatRequest(
  _body: ClientBody,
  _request: ProviderRequest,
): TranslatedRequest {
  throw new TranslationError('the huggingface chat request translation is not written yet');
}
