import { TranslationError } from '@switchyard/plugin-api';
import type { ProviderRequest, StreamTranslator } from '@switchyard/plugin-api';
import { EVENT_STREAM_TYPE } from '@switchyard/provider-openai-compatible';

/**
 * Translates one Mistral stream (sse frames) to OpenAI chunks. Created per
 * response, so that what it remembers between frames lives in this closure.
 */
export function createMistralStreamTranslator(_request: ProviderRequest): StreamTranslator {
  return {
    contentType: EVENT_STREAM_TYPE,
    translate() {
      throw new TranslationError('the mistral stream translation is not written yet');
    },
  };
}
