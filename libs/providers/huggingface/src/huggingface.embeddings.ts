import { TranslationError } from '@switchyard/plugin-api';
import type {
  BufferedRouteTranslation,
  ClientBody,
  ProviderRequest,
  TranslatedRequest,
  TranslatedResponse,
} from '@switchyard/plugin-api';
import {
  dimensionsUnsupported,
  embeddingTextInput,
  isVector,
  OPENAI_EMBEDDINGS_TRANSLATION,
  openAiEmbeddingsAnswer,
  requestedDimensions,
} from '@switchyard/provider-openai-compatible';
import { flagHeaders, huggingfaceFlags } from './huggingface.fields.js';

/**
 * The feature-extraction pipeline's body (the Inference API's, and a text-embeddings-inference
 * server's `/embed`): the text or texts as `inputs`, the client's `normalize` and `truncate`
 * (fields of that API) passed on; `use_cache` and `wait_for_model` as headers. It cannot
 * shorten vectors, so `dimensions` is refused.
 */
function translateFeatureExtractionRequest(body: ClientBody, request: ProviderRequest): TranslatedRequest {
  const inputs = embeddingTextInput(body, 'huggingface');
  if (requestedDimensions(body) !== undefined) throw dimensionsUnsupported('the feature-extraction pipeline');
  return {
    body: {
      inputs,
      ...(typeof body.normalize === 'boolean' && { normalize: body.normalize }),
      ...(typeof body.truncate === 'boolean' && { truncate: body.truncate }),
    },
    headers: flagHeaders(huggingfaceFlags(request.model.options)),
  };
}

/**
 * The pipeline's answer: one vector for one text (the Inference API's), or a vector per text (a
 * list input, and text-embeddings-inference's for any input). Token-level vectors (a model
 * without pooling) are no sentence embedding: a `TranslationError`. No token counts.
 */
function translateFeatureExtractionResponse(body: unknown, request: ProviderRequest): TranslatedResponse {
  if (isVector(body)) return openAiEmbeddingsAnswer([body], request);
  if (Array.isArray(body) && body.every(isVector)) return openAiEmbeddingsAnswer(body, request);
  throw new TranslationError(
    'huggingface://llm/v1/embeddings response is no list of sentence vectors (a model without pooling answers a vector per token)',
  );
}

const FEATURE_EXTRACTION: BufferedRouteTranslation = {
  request: translateFeatureExtractionRequest,
  response: translateFeatureExtractionResponse,
};

/** A configured upstream that speaks OpenAI's embeddings API (the router's, a TEI server's `/v1/embeddings`). */
const OPENAI_EMBEDDINGS_PATH = /\/v1\/embeddings\/?$/;

/** Which API a request's upstream speaks: OpenAI's at a `/v1/embeddings` `upstream_url`, else feature extraction. */
function apiOf(request: ProviderRequest): BufferedRouteTranslation {
  const configured = request.model.options.upstream_url;
  return configured && OPENAI_EMBEDDINGS_PATH.test(new URL(configured).pathname)
    ? OPENAI_EMBEDDINGS_TRANSLATION
    : FEATURE_EXTRACTION;
}

/**
 * Hugging Face embeddings: the feature-extraction pipeline (the Inference API's
 * `/pipeline/feature-extraction/{model}`, or the `upstream_url` of a router or TEI endpoint), or
 * OpenAI's embeddings API when `upstream_url` ends in `/v1/embeddings`.
 */
export const HUGGINGFACE_EMBEDDINGS: BufferedRouteTranslation = {
  request: (body, request) => apiOf(request).request(body, request),
  response: (body, request) => apiOf(request).response(body, request),
};
