import { promisify } from 'node:util';
import { gunzip, gzip } from 'node:zlib';

const gunzipAsync = promisify(gunzip);
const gzipAsync = promisify(gzip);

/** A gzip body that inflates past the limit it was read with. */
export class InflateLimitError extends Error {
  constructor(readonly limit: number) {
    super(`inflates to more than ${limit} bytes`);
    this.name = 'InflateLimitError';
  }
}

/**
 * Inflates a gzip body (all its members) on zlib's thread pool, never on the event loop, and
 * stops at `limit` bytes: a body inflating past it is an `InflateLimitError`, having cost at most
 * `limit` bytes of memory. A body that is not gzip rejects with zlib's error.
 */
export async function gunzipWithin(body: Buffer, limit: number): Promise<Buffer> {
  try {
    return await gunzipAsync(body, { maxOutputLength: limit });
  } catch (error) {
    if ((error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') throw new InflateLimitError(limit);
    throw error;
  }
}

/** Gzips a body on zlib's thread pool. */
export function gzipBody(body: Buffer): Promise<Buffer> {
  return gzipAsync(body);
}
