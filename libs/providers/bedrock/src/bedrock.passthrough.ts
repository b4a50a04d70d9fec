import type { ClientBody, ProviderRequest, TranslatedRequest } from '@switchyard/plugin-api';
import { isRecord, nativePassThrough, nativeTuning } from '@switchyard/provider-openai-compatible';
import { eventStreamException } from './bedrock.event-stream.js';
import { translateBedrockChatResponse } from './bedrock.response.js';
import { createBedrockStreamTranslator } from './bedrock.stream.js';

/** The tuning options under `inferenceConfig`'s names (Converse takes no `top_k`: a model field). */
const INFERENCE_TUNING = { max_tokens: 'maxTokens', temperature: 'temperature', top_p: 'topP' } as const;

/**
 * A Converse request for Bedrock: the client's body with the configured tuning options in
 * `inferenceConfig` (the model is the URL's). A new object; the authenticator signs it.
 */
function passRequest(client: ClientBody, request: ProviderRequest): TranslatedRequest {
  const tuning = nativeTuning(request.model.options, INFERENCE_TUNING);
  if (Object.keys(tuning).length === 0) return { body: { ...client } };
  const config = isRecord(client.inferenceConfig) ? client.inferenceConfig : {};
  return { body: { ...client, inferenceConfig: { ...config, ...tuning } } };
}

/**
 * `routes['llm/v1/chat'].bedrock`: Bedrock's Converse API passed through to Bedrock; whole
 * answers and event streams reach the client unchanged, read by the OpenAI translation for usage.
 */
export const bedrockConversePassThrough = nativePassThrough({
  request: passRequest,
  read: translateBedrockChatResponse,
  reader: createBedrockStreamTranslator,
  relay: () => ({
    contentType: 'application/vnd.amazon.eventstream',
    errorFrame: (message) => eventStreamException(message),
  }),
});
