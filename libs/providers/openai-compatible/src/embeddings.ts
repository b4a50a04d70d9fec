import { TranslationError } from '@switchyard/plugin-api';
import type {
  BufferedRouteTranslation,
  ClientBody,
  ProviderId,
  ProviderRequest,
  TokenUsage,
  TranslatedRequest,
  TranslatedResponse,
} from '@switchyard/plugin-api';
import { isRecord, readOpenAiUsage } from './json-shapes.js';

/**
 * The OpenAI `/v1/embeddings` shapes every embeddings translation reads and writes. The core has
 * checked the client's body (`input` one of OpenAI's four shapes, `dimensions` a positive
 * integer, `encoding_format` `float` or `base64`) before any translation sees it.
 */

/** One vector as OpenAI answers it: floats, or their little-endian float32 bytes in base64. */
export type EncodedEmbedding = number[] | string;

/**
 * A vector as the client asked for it: the floats, or (`base64`) their little-endian float32
 * bytes in base64, which is what OpenAI sends and its SDKs decode.
 */
export function encodeEmbedding(vector: readonly number[], request: ProviderRequest): EncodedEmbedding {
  if (request.encodingFormat !== 'base64') return [...vector];
  const bytes = Buffer.allocUnsafe(vector.length * 4);
  vector.forEach((value, index) => bytes.writeFloatLE(value, index * 4));
  return bytes.toString('base64');
}

/**
 * The texts of an embeddings `input` (a string or a list of strings), for providers that take
 * text only; token-id lists are a `TranslationError` naming the provider.
 */
export function embeddingTexts(body: ClientBody, provider: ProviderId): string[] {
  const { input } = body;
  if (typeof input === 'string') return [input];
  if (Array.isArray(input) && input.every((item) => typeof item === 'string')) return input as string[];
  throw new TranslationError(
    `${provider} embeddings take text input only: send 'input' as a string or a list of strings, not token ids`,
  );
}

/**
 * The text input as the client shaped it, for providers that take a string or a list alike
 * (Mistral, Ollama, Hugging Face's feature extraction): one string stays a string. Token ids
 * are refused as `embeddingTexts` refuses them.
 */
export function embeddingTextInput(body: ClientBody, provider: ProviderId): string | string[] {
  const texts = embeddingTexts(body, provider);
  return typeof body.input === 'string' ? body.input : texts;
}

/** The client's `dimensions`, when it asked for shorter vectors. */
export function requestedDimensions(body: ClientBody): number | undefined {
  return typeof body.dimensions === 'number' ? body.dimensions : undefined;
}

/** A `TranslationError` for a provider (or model) that cannot shorten its vectors. */
export function dimensionsUnsupported(what: string): TranslationError {
  return new TranslationError(`${what} cannot shorten embeddings: remove 'dimensions' from the request`);
}

/** A finite number list, the shape of one vector in every provider's answer. */
export function isVector(value: unknown): value is number[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'number' && Number.isFinite(item));
}

/** What a provider's answer says besides its vectors. */
export interface EmbeddingsAnswerFacts {
  /** The provider's own input token count, when its answer gives one. */
  readonly promptTokens?: number;
  /** The model the provider names, else the request's. */
  readonly model?: string;
  readonly id?: string;
}

/**
 * OpenAI's embeddings answer (`{object: "list", data: [{object: "embedding", index, embedding}],
 * model, usage}`) for the vectors a provider gave, in input order, encoded as the client asked.
 * Without the provider's own count, `usage` is left for the core's estimate: the client's
 * `usage` then carries it as zero, and the log carries the estimate.
 */
export function openAiEmbeddingsAnswer(
  vectors: readonly (readonly number[])[],
  request: ProviderRequest,
  facts: EmbeddingsAnswerFacts = {},
): TranslatedResponse {
  const model = facts.model ?? request.model.name;
  const promptTokens = facts.promptTokens ?? 0;
  const usage: Partial<TokenUsage> | undefined =
    facts.promptTokens === undefined
      ? undefined
      : { prompt_tokens: facts.promptTokens, total_tokens: facts.promptTokens };
  return {
    body: {
      object: 'list',
      data: vectors.map((vector, index) => ({
        object: 'embedding',
        index,
        embedding: encodeEmbedding(vector, request),
      })),
      model,
      usage: { prompt_tokens: promptTokens, total_tokens: promptTokens },
    },
    ...(usage && { usage }),
    model,
    ...(facts.id && { id: facts.id }),
  };
}

/** The answer's float vectors as base64, for an upstream that was asked for floats (Mistral's). */
function withBase64Vectors(data: readonly unknown[], request: ProviderRequest): unknown[] {
  return data.map((item) =>
    isRecord(item) && isVector(item.embedding)
      ? { ...item, embedding: encodeEmbedding(item.embedding, request) }
      : item,
  );
}

/**
 * An OpenAI-format embeddings answer (OpenAI's, Azure's, Mistral's), passed through as is (the
 * same object: its bytes go to the client unchanged) when it has `data`, unless the client wants
 * base64 of vectors that came as floats; Kong's message when it has no `data`.
 */
export function translateOpenAiEmbeddingsResponse(
  body: unknown,
  request: ProviderRequest,
): TranslatedResponse {
  if (!isRecord(body) || !Array.isArray(body.data))
    throw new TranslationError(`'data' not in ${request.routeType} response`);
  const floatsForBase64 =
    request.encodingFormat === 'base64' &&
    body.data.some((item) => isRecord(item) && isVector(item.embedding));
  return {
    body: floatsForBase64 ? { ...body, data: withBase64Vectors(body.data, request) } : body,
    usage: readOpenAiUsage(body.usage),
    ...(typeof body.model === 'string' && body.model !== '' && { model: body.model }),
    ...(typeof body.id === 'string' && body.id !== '' && { id: body.id }),
  };
}

/**
 * The OpenAI embeddings request for an OpenAI-format upstream: the client's fields with the
 * resolved model, and without `stream` (the core refuses `stream: true`; OpenAI refuses the
 * field altogether).
 */
export function translateOpenAiEmbeddingsRequest(
  body: ClientBody,
  request: ProviderRequest,
): TranslatedRequest {
  const { stream: _neverStreamed, ...kept } = body;
  return { body: { ...kept, model: request.model.name } };
}

/** OpenAI's embeddings API, which takes every input shape, `dimensions` and `encoding_format` as they are. */
export const OPENAI_EMBEDDINGS_TRANSLATION: BufferedRouteTranslation = {
  request: translateOpenAiEmbeddingsRequest,
  response: translateOpenAiEmbeddingsResponse,
};
