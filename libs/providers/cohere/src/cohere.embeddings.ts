import { TranslationError } from '@switchyard/plugin-api';
import type {
  BufferedRouteTranslation,
  ClientBody,
  ProviderRequest,
  TranslatedRequest,
  TranslatedResponse,
} from '@switchyard/plugin-api';
import {
  embeddingTexts,
  isRecord,
  isVector,
  openAiEmbeddingsAnswer,
  requestedDimensions,
} from '@switchyard/provider-openai-compatible';

/**
 * Cohere's `input_type`, which its v3 and later models require: the client's own (a Cohere field
 * an OpenAI client sends as an extra body member, such as `search_query`), else
 * `search_document`, the one for texts stored to be searched.
 */
const DEFAULT_INPUT_TYPE = 'search_document';

/**
 * Cohere's `POST /v2/embed` body: the texts (no token ids), the `input_type`, float vectors
 * (`embedding_types`; the answer's translation encodes base64), and `dimensions` as
 * `output_dimension` (embed-v4.0's 256, 512, 1024 or 1536).
 */
function translateCohereEmbedRequest(body: ClientBody, request: ProviderRequest): TranslatedRequest {
  const dimensions = requestedDimensions(body);
  return {
    body: {
      model: request.model.name,
      texts: embeddingTexts(body, 'cohere'),
      input_type: typeof body.input_type === 'string' ? body.input_type : DEFAULT_INPUT_TYPE,
      embedding_types: ['float'],
      ...(dimensions !== undefined && { output_dimension: dimensions }),
    },
  };
}

/** Cohere's v2 answer (`embeddings.float`, `meta.billed_units.input_tokens`) as OpenAI's. */
function translateCohereEmbedResponse(body: unknown, request: ProviderRequest): TranslatedResponse {
  const embeddings = isRecord(body) && isRecord(body.embeddings) ? body.embeddings.float : undefined;
  if (!isRecord(body) || !Array.isArray(embeddings) || !embeddings.every(isVector))
    throw new TranslationError("'embeddings.float' not in cohere://llm/v1/embeddings response");
  const billed = isRecord(body.meta) && isRecord(body.meta.billed_units) ? body.meta.billed_units : {};
  return openAiEmbeddingsAnswer(embeddings, request, {
    ...(typeof billed.input_tokens === 'number' && { promptTokens: billed.input_tokens }),
    ...(typeof body.id === 'string' && { id: body.id }),
  });
}

/** Cohere's v2 embed API for OpenAI-format clients. */
export const COHERE_EMBEDDINGS: BufferedRouteTranslation = {
  request: translateCohereEmbedRequest,
  response: translateCohereEmbedResponse,
};
