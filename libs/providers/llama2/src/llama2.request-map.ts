import { TranslationError } from '@switchyard/plugin-api';
import type { ClientBody, ProviderRequest, TranslatedRequest } from '@switchyard/plugin-api';

/**
 * Llama 2's chat body for an OpenAI chat body (configured options merged): a new object,
 * never the client's. Maps each field Llama 2 accepts and drops the others (the README lists them).
 */
export function translateLlama2ChatRequest(_body: ClientBody, _request: ProviderRequest): TranslatedRequest {
  throw new TranslationError('the llama2 chat request translation is not written yet');
}
