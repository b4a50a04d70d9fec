import { GatewayError } from '@switchyard/plugin-api';
import type { ClientBody, EmbeddingEncoding } from '@switchyard/plugin-api';

/** OpenAI's limit on the inputs of one embeddings request. */
export const MAX_EMBEDDING_INPUTS = 2048;

/** The 400 for a body without a usable `input`. */
export const NO_VALID_INPUT =
  "request body doesn't contain valid input: 'input' must be a non-empty string, a list of non-empty strings, or a list of token ids (integers) or of such lists";

const ENCODINGS: readonly EmbeddingEncoding[] = ['float', 'base64'];

function isTokenId(value: unknown): boolean {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0;
}

function isTokenList(value: unknown): boolean {
  return Array.isArray(value) && value.length > 0 && value.every(isTokenId);
}

function isText(value: unknown): boolean {
  return typeof value === 'string' && value !== '';
}

/**
 * Whether `input` is one of OpenAI's four shapes: a string, a list of strings, a list of token
 * ids, a list of token-id lists. Empty strings and lists are refused, as OpenAI refuses them.
 */
function isValidInput(input: unknown): boolean {
  if (isText(input)) return true;
  if (!Array.isArray(input) || input.length === 0) return false;
  return input.every(isText) || input.every(isTokenId) || input.every(isTokenList);
}

function fail(message: string): never {
  throw new GatewayError(400, message);
}

/**
 * Checks an OpenAI embeddings body (`{model, input, dimensions?, encoding_format?, user?}`) and
 * returns the encoding the client wants (`float` unless it asks for `base64`). Each problem is a
 * 400 naming the field. Embeddings are never streamed: `stream: true` is a 400 (a `false` one is
 * accepted and never sent upstream), whatever `response_streaming` says.
 */
export function checkEmbeddingsRequest(body: ClientBody): EmbeddingEncoding {
  const { input, dimensions, encoding_format: encoding, user } = body;
  if (!isValidInput(input)) fail(NO_VALID_INPUT);
  if (Array.isArray(input) && input.length > MAX_EMBEDDING_INPUTS)
    fail(`'input' has ${input.length} items; an embeddings request takes at most ${MAX_EMBEDDING_INPUTS}`);
  if (dimensions !== undefined && dimensions !== null) {
    if (typeof dimensions !== 'number' || !Number.isInteger(dimensions) || dimensions < 1)
      fail(`'dimensions' must be a positive integer, not ${JSON.stringify(dimensions)}`);
  }
  if (encoding !== undefined && encoding !== null && !ENCODINGS.includes(encoding as EmbeddingEncoding))
    fail(`'encoding_format' must be 'float' or 'base64', not ${JSON.stringify(encoding)}`);
  if (user !== undefined && user !== null && typeof user !== 'string')
    fail(`'user' must be a string, not ${JSON.stringify(user)}`);
  if (body.stream === true)
    fail("llm/v1/embeddings answers are never streamed: remove 'stream' from the request");
  return encoding === 'base64' ? 'base64' : 'float';
}
