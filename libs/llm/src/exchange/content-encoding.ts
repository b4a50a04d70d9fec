import type { IncomingHttpHeaders } from 'node:http';
import { GatewayError } from '@switchyard/plugin-api';

/** How a body is encoded: not at all, gzip, or something the gateway does not decode. */
export type BodyEncoding =
  | { readonly kind: 'identity' }
  | { readonly kind: 'gzip' }
  | { readonly kind: 'other'; readonly name: string };

const IDENTITY: BodyEncoding = { kind: 'identity' };
const GZIP: BodyEncoding = { kind: 'gzip' };

/** Kong's test (`%f[%a]gzip%f[%A]`): `gzip` as a whole word anywhere in `Accept-Encoding`. */
const GZIP_WORD = /(?<![a-z])gzip(?![a-z])/i;

/** Whether the client accepts a gzipped answer. */
export function acceptsGzip(headers: IncomingHttpHeaders): boolean {
  const value = headers['accept-encoding'];
  return value !== undefined && GZIP_WORD.test(Array.isArray(value) ? value.join(',') : value);
}

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(',') : value;
}

type Headers = Readonly<Record<string, string | string[] | undefined>>;

/** The `content-encoding` of a message (an upstream response, a client request). */
export function contentEncodingOf(headers: Headers): BodyEncoding {
  const value = single(headers['content-encoding'])?.trim().toLowerCase();
  if (!value || value === 'identity') return IDENTITY;
  if (value === 'gzip' || value === 'x-gzip') return GZIP;
  return { kind: 'other', name: value };
}

/**
 * A client body the plugin reads must come uncompressed: any `Content-Encoding` is a 415. (The
 * gateway does not inflate request bodies: one place less for a zip bomb, and no client needs it.)
 */
export function checkRequestBodyEncoding(headers: IncomingHttpHeaders): void {
  if (contentEncodingOf(headers).kind === 'identity') return;
  throw new GatewayError(
    415,
    `request bodies with Content-Encoding '${single(headers['content-encoding'])}' are not supported; send the body uncompressed`,
  );
}

/** The media type of an upstream response, without parameters, lower case (`''` when absent). */
export function mediaTypeOf(headers: Headers): string {
  const value = single(headers['content-type']) ?? '';
  const semicolon = value.indexOf(';');
  return (semicolon === -1 ? value : value.slice(0, semicolon)).trim().toLowerCase();
}
