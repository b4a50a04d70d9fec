import { GatewayError, TranslationError } from '@switchyard/plugin-api';
import type { ProviderRequest, ResponseHead } from '@switchyard/plugin-api';
import { contentEncodingOf } from './content-encoding.js';
import { gunzipWithin, InflateLimitError } from './gzip-codec.js';
import type { MaybePromise } from './authenticated.js';

/** A whole answer as read: its head and its body bytes, as they came. */
export interface AnswerMessage extends ResponseHead {
  readonly body: Buffer;
}

/** An answer in a content encoding the gateway does not decode (only gzip is). */
export class UndecodableEncodingError extends Error {
  constructor(readonly encoding: string) {
    super(`the upstream answered with content-encoding '${encoding}', which the gateway cannot decode`);
    this.name = 'UndecodableEncodingError';
  }
}

/**
 * The body as the upstream sent it, decoded, at most `limit` bytes: at once when it came
 * uncompressed, later when it must be inflated. Throws `UndecodableEncodingError` for an encoding
 * the gateway cannot decode; the inflation rejects with `InflateLimitError` past `limit`.
 */
export function decodedBody(response: AnswerMessage, limit: number): MaybePromise<Buffer> {
  const encoding = contentEncodingOf(response.headers);
  if (encoding.kind === 'identity') return response.body;
  if (encoding.kind === 'gzip') return gunzipWithin(response.body, limit);
  throw new UndecodableEncodingError(encoding.name);
}

/**
 * A buffered answer's body, decoded within `limit` bytes (`ProxyLimits.maxResponseBodyBytes`),
 * for a plugin that reads whatever the upstream answered: a body that inflates past the limit,
 * in an encoding the gateway cannot decode, or corrupt, is a 502 naming the `label`led upstream.
 */
export async function readableAnswerBody(
  response: AnswerMessage,
  limit: number,
  label: string,
): Promise<Buffer> {
  try {
    return await decodedBody(response, limit);
  } catch (error) {
    if (error instanceof InflateLimitError) {
      throw new GatewayError(
        502,
        `the ${label} upstream's answer ${error.message} (PROXY_MAX_RESPONSE_BODY_BYTES); the gateway stopped reading it`,
      );
    }
    if (error instanceof UndecodableEncodingError) {
      throw new GatewayError(
        502,
        `the ${label} upstream answered with content-encoding '${error.encoding}', which the gateway cannot decode`,
      );
    }
    // What remains is zlib's: a body that says gzip and is not.
    throw new GatewayError(
      502,
      `the ${label} upstream's gzip answer cannot be inflated: ${(error as Error).message}`,
    );
  }
}

/**
 * A provider's whole answer as JSON; a body that is not JSON is a `TranslationError` in Kong's
 * openai driver's words.
 */
export function parseAnswer(raw: Buffer, request: ProviderRequest): unknown {
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch {
    throw new TranslationError(`failed to decode ${request.routeType} response`);
  }
}
