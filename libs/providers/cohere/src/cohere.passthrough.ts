import type { ClientBody, ProviderRequest, TranslatedRequest } from '@switchyard/plugin-api';
import { nativePassThrough, nativeTuning } from '@switchyard/provider-openai-compatible';
import { translateCohereChatResponse } from './cohere.response.js';
import { createCohereStreamTranslator } from './cohere.stream.js';

/** The tuning options under Cohere's chat names. */
const CHAT_TUNING = { max_tokens: 'max_tokens', temperature: 'temperature', top_p: 'p', top_k: 'k' } as const;

/**
 * A v1 chat request for Cohere: the client's body with the resolved model, the configured tuning
 * options and the streaming decision. A new object.
 */
function passRequest(client: ClientBody, request: ProviderRequest): TranslatedRequest {
  return {
    body: {
      ...client,
      ...nativeTuning(request.model.options, CHAT_TUNING),
      model: request.model.name,
      stream: request.stream,
    },
  };
}

/**
 * `routes['llm/v1/chat'].cohere`: Cohere's v1 chat passed through to Cohere; whole answers and
 * NDJSON streams reach the client unchanged, read by the OpenAI translation for the billed usage.
 */
export const cohereChatPassThrough = nativePassThrough({
  request: passRequest,
  read: translateCohereChatResponse,
  reader: createCohereStreamTranslator,
  relay: () => ({
    contentType: 'application/stream+json',
    // Cohere's own last line of a failed stream.
    errorFrame: (message) =>
      `${JSON.stringify({ is_finished: true, event_type: 'stream-error', finish_reason: 'ERROR', err: message })}\n`,
  }),
});
