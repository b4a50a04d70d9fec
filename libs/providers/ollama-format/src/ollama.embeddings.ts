import { TranslationError } from '@switchyard/plugin-api';
import type {
  BufferedRouteTranslation,
  ClientBody,
  ProviderRequest,
  TranslatedRequest,
  TranslatedResponse,
} from '@switchyard/plugin-api';
import {
  embeddingTextInput,
  isRecord,
  isVector,
  openAiEmbeddingsAnswer,
  requestedDimensions,
} from '@switchyard/provider-openai-compatible';

/**
 * An Ollama server's `POST /api/embed` body: the model, the text or texts as `input` (no token
 * ids), `dimensions` as it is.
 */
function translateOllamaEmbedRequest(body: ClientBody, request: ProviderRequest): TranslatedRequest {
  const dimensions = requestedDimensions(body);
  return {
    body: {
      model: request.model.name,
      input: embeddingTextInput(body, request.model.provider),
      ...(dimensions !== undefined && { dimensions }),
    },
  };
}

/** Ollama's answer (`embeddings`, `prompt_eval_count`) as OpenAI's. */
function translateOllamaEmbedResponse(body: unknown, request: ProviderRequest): TranslatedResponse {
  if (!isRecord(body) || !Array.isArray(body.embeddings) || !body.embeddings.every(isVector))
    throw new TranslationError(`'embeddings' not in ${request.model.provider}://llm/v1/embeddings response`);
  return openAiEmbeddingsAnswer(body.embeddings, request, {
    ...(typeof body.prompt_eval_count === 'number' && { promptTokens: body.prompt_eval_count }),
    ...(typeof body.model === 'string' && body.model !== '' && { model: body.model }),
  });
}

/** An Ollama server's embeddings API (`/api/embed`) for OpenAI-format clients. */
export const OLLAMA_EMBEDDINGS: BufferedRouteTranslation = {
  request: translateOllamaEmbedRequest,
  response: translateOllamaEmbedResponse,
};
