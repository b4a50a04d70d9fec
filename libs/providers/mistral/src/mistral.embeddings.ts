import type {
  BufferedRouteTranslation,
  ClientBody,
  ProviderRequest,
  TranslatedRequest,
} from '@switchyard/plugin-api';
import {
  embeddingTextInput,
  requestedDimensions,
  translateOpenAiEmbeddingsResponse,
} from '@switchyard/provider-openai-compatible';

/**
 * Mistral's `POST /v1/embeddings` body: text input only (a string stays a string), `dimensions`
 * as Mistral's `output_dimension` (which its codestral-embed models take), and nothing else:
 * Mistral refuses fields it does not know (`user`), and vectors are asked for as floats, which
 * the answer's translation encodes when the client wants base64.
 */
function translateMistralEmbeddingsRequest(body: ClientBody, request: ProviderRequest): TranslatedRequest {
  const dimensions = requestedDimensions(body);
  return {
    body: {
      model: request.model.name,
      input: embeddingTextInput(body, 'mistral'),
      ...(dimensions !== undefined && { output_dimension: dimensions }),
    },
  };
}

/** Mistral's embeddings API: OpenAI's answer shape, OpenAI's request with Mistral's field names. */
export const MISTRAL_EMBEDDINGS: BufferedRouteTranslation = {
  request: translateMistralEmbeddingsRequest,
  response: translateOpenAiEmbeddingsResponse,
};
