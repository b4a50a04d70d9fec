import type { IncomingHttpHeaders } from 'node:http';

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

/** The `content-encoding` of an upstream response. */
export function contentEncodingOf(headers: Readonly<Record<string, string | string[]>>): BodyEncoding {
  const value = single(headers['content-encoding'])?.trim().toLowerCase();
  if (!value || value === 'identity') return IDENTITY;
  if (value === 'gzip' || value === 'x-gzip') return GZIP;
  return { kind: 'other', name: value };
}

/** The media type of an upstream response, without parameters, lower case (`''` when absent). */
export function mediaTypeOf(headers: Readonly<Record<string, string | string[]>>): string {
  const value = single(headers['content-type']) ?? '';
  const semicolon = value.indexOf(';');
  return (semicolon === -1 ? value : value.slice(0, semicolon)).trim().toLowerCase();
}
