import type { MockRoute, ProviderErrorReply } from './mock-provider-definition.js';

/** The length of a mock vector when the request asks for no other. */
export const MOCK_EMBEDDING_DIMENSIONS = 16;

/** What the mock needs from an embeddings request body to build its reply. */
export interface MockEmbeddingsInput {
  /** The model to echo, for providers whose replies name one. */
  readonly model?: string;
  /**
   * One entry per input, in order: its text (a token-id list as its ids joined by spaces), from
   * which its vector is derived and its tokens counted (a token per word).
   */
  readonly texts: readonly string[];
  /** The vector length asked for, if any ({@link MOCK_EMBEDDING_DIMENSIONS} otherwise). */
  readonly dimensions?: number;
  /** The parsed request body, for provider-specific fields (`encoding_format`, `embedding_types`). */
  readonly body: Readonly<Record<string, unknown>>;
}

/**
 * A provider's embeddings API on the mock server: the server routes (`operation: 'embeddings'`),
 * authorizes and answers; the API reads its body, refusing what the provider refuses, and shapes
 * its reply around the vectors the server derives from the inputs.
 */
export interface MockEmbeddingsApi {
  read(route: MockRoute, body: unknown): MockEmbeddingsInput | ProviderErrorReply;
  /**
   * The provider's answer for `vectors` (one per input, in order) and `tokens` (the words of all
   * inputs: the mock's count).
   */
  respond(
    route: MockRoute,
    input: MockEmbeddingsInput,
    vectors: readonly (readonly number[])[],
    tokens: number,
  ): unknown;
}

/** FNV-1a over the text's UTF-16 code units: a stable seed per input. */
function seedOf(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return hash >>> 0;
}

/**
 * The mock's vector for a text: `dimensions` values in (-1, 1) that depend on the text only, each
 * a float32 value (so that the floats and the base64 float32 bytes of one vector decode to the
 * very same numbers, as with a real provider).
 */
export function mockEmbedding(text: string, dimensions: number): number[] {
  const seed = seedOf(text);
  return Array.from({ length: dimensions }, (_, index) => Math.fround(Math.sin(seed + index * 1.7)));
}

/** The little-endian float32 bytes of a vector, in base64 (what OpenAI sends for `encoding_format: base64`). */
export function base64Embedding(vector: readonly number[]): string {
  const bytes = Buffer.alloc(vector.length * 4);
  vector.forEach((value, index) => bytes.writeFloatLE(value, index * 4));
  return bytes.toString('base64');
}

/** A list of strings, or `undefined` when the value is anything else. */
export function asStringList(value: unknown): string[] | undefined {
  return Array.isArray(value) && value.every((item) => typeof item === 'string')
    ? (value as string[])
    : undefined;
}

/** The first member of `body` that `fields` does not list. */
export function unknownField(
  body: Readonly<Record<string, unknown>>,
  fields: ReadonlySet<string>,
): string | undefined {
  return Object.keys(body).find((field) => !fields.has(field));
}
