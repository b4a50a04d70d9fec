import type { ClientBody, ProviderRequest, TranslatedRequest } from '@switchyard/plugin-api';
import {
  EVENT_STREAM_TYPE,
  isRecord,
  nativePassThrough,
  nativeTuning,
} from '@switchyard/provider-openai-compatible';
import { geminiErrorBody } from './gemini.client-api.js';
import { translateGeminiChatResponse } from './gemini.response.js';
import { createGeminiStreamTranslator } from './gemini.stream.js';
import { wantsSse } from './gemini.urls.js';

/** The tuning options under `generationConfig`'s names. */
const GENERATION_TUNING = {
  max_tokens: 'maxOutputTokens',
  temperature: 'temperature',
  top_p: 'topP',
  top_k: 'topK',
} as const;

/**
 * A `GenerateContentRequest` for Gemini: the client's body with the configured tuning options in
 * `generationConfig` (the model is the URL's). A new object.
 */
function passRequest(client: ClientBody, request: ProviderRequest): TranslatedRequest {
  const tuning = nativeTuning(request.model.options, GENERATION_TUNING);
  if (Object.keys(tuning).length === 0) return { body: { ...client } };
  const config = isRecord(client.generationConfig) ? client.generationConfig : {};
  return { body: { ...client, generationConfig: { ...config, ...tuning } } };
}

/** A failure the gateway reports inside a relayed stream: Google's error object, as Google sends it. */
function errorElement(message: string): string {
  return JSON.stringify(geminiErrorBody(500, message));
}

/**
 * `routes['llm/v1/chat'].gemini`: Gemini's API passed through to Gemini (or Vertex AI); whole
 * answers and streams (the JSON array, or SSE with `?alt=sse`) reach the client unchanged,
 * read by the OpenAI translation for usage.
 */
export const geminiPassThrough = nativePassThrough({
  request: passRequest,
  read: translateGeminiChatResponse,
  reader: createGeminiStreamTranslator,
  relay: (request) =>
    wantsSse(request)
      ? {
          framing: 'sse',
          contentType: EVENT_STREAM_TYPE,
          errorFrame: (message) => `data: ${errorElement(message)}\n\n`,
        }
      : {
          framing: 'json-array',
          contentType: 'application/json; charset=UTF-8',
          // Google ends a JSON-array stream that fails with one more element, its error, and `]`.
          errorFrame: (message) => `,\r\n${errorElement(message)}\n]`,
        },
});
