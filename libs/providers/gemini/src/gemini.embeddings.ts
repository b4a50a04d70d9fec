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
import { vertexLocation } from './gemini.urls.js';

/**
 * The Gemini API's `:batchEmbedContents` body (a request per text, each naming the model as
 * `models/{model}`, `dimensions` as `outputDimensionality`), or Vertex AI's `:predict` body
 * (an instance per text, `dimensions` as `parameters.outputDimensionality`) when
 * `model.options.gemini` is set. Text input only.
 */
function translateGeminiEmbeddingsRequest(body: ClientBody, request: ProviderRequest): TranslatedRequest {
  const texts = embeddingTexts(body, 'gemini');
  const dimensions = requestedDimensions(body);
  const shortened = dimensions !== undefined && { outputDimensionality: dimensions };
  if (vertexLocation(request.model.options))
    return {
      body: {
        instances: texts.map((content) => ({ content })),
        ...(shortened && { parameters: shortened }),
      },
    };
  const model = `models/${request.model.name.replace(/^models\//, '')}`;
  return {
    body: {
      requests: texts.map((text) => ({ model, content: { parts: [{ text }] }, ...shortened })),
    },
  };
}

/** The vector of one `{values}` (Gemini's `embeddings[]`, Vertex AI's `predictions[].embeddings`). */
function valuesOf(embedding: unknown): number[] | undefined {
  return isRecord(embedding) && isVector(embedding.values) ? embedding.values : undefined;
}

/** The vectors of an answer, and its token count when it gives one. */
interface TranslatedVectors {
  readonly vectors: readonly number[][];
  /** The answer's own count (Vertex AI's); the Gemini API gives none, which leaves the core's estimate. */
  readonly promptTokens?: number;
}

/**
 * Vertex AI's answer: each prediction's `embeddings.values`, and the sum of their
 * `statistics.token_count` as the prompt tokens.
 */
function readVertexPredictions(body: Record<string, unknown>): TranslatedVectors | undefined {
  if (!Array.isArray(body.predictions)) return undefined;
  const vectors: number[][] = [];
  let tokens = 0;
  for (const prediction of body.predictions) {
    const embeddings = isRecord(prediction) ? prediction.embeddings : undefined;
    const values = valuesOf(embeddings);
    if (!values) return undefined;
    vectors.push(values);
    const statistics = isRecord(embeddings) ? embeddings.statistics : undefined;
    if (isRecord(statistics) && typeof statistics.token_count === 'number') tokens += statistics.token_count;
  }
  return { vectors, promptTokens: tokens };
}

/** The Gemini API's answer: `embeddings[].values`, without token counts. */
function readGeminiEmbeddings(body: Record<string, unknown>): TranslatedVectors | undefined {
  if (!Array.isArray(body.embeddings)) return undefined;
  const vectors = body.embeddings.map(valuesOf);
  return vectors.every((vector) => vector !== undefined) ? { vectors: vectors as number[][] } : undefined;
}

/** The Gemini API's or Vertex AI's answer (as the config names the API) as OpenAI's. */
function translateGeminiEmbeddingsResponse(body: unknown, request: ProviderRequest): TranslatedResponse {
  const vertex = vertexLocation(request.model.options) !== undefined;
  const read = isRecord(body)
    ? vertex
      ? readVertexPredictions(body)
      : readGeminiEmbeddings(body)
    : undefined;
  if (!read)
    throw new TranslationError(
      `'${vertex ? 'predictions' : 'embeddings'}' not in gemini://llm/v1/embeddings response`,
    );
  return openAiEmbeddingsAnswer(read.vectors, request, {
    ...(read.promptTokens !== undefined && { promptTokens: read.promptTokens }),
  });
}

/** Gemini's embeddings, on the Gemini API or Vertex AI, for OpenAI-format clients. */
export const GEMINI_EMBEDDINGS: BufferedRouteTranslation = {
  request: translateGeminiEmbeddingsRequest,
  response: translateGeminiEmbeddingsResponse,
};
