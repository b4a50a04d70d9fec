import { nestFormFields } from '@switchyard/config';
import type { FastifyInstance } from 'fastify';
import { AdminHttpError } from './admin-http.error.js';

/** The largest Admin API body accepted, in bytes (Kong's nginx `client_max_body_size` is similar). */
export const ADMIN_BODY_LIMIT = 1024 * 1024;

/**
 * An Admin API request body, decoded once by content type. A JSON body is typed already; a form
 * body (urlencoded or multipart) is nested but still strings, to be typed by the entity's schema.
 */
export type DecodedBody =
  | { readonly kind: 'json'; readonly value: unknown }
  | { readonly kind: 'form'; readonly value: Record<string, unknown> }
  | { readonly kind: 'none' };

const DECODED = Symbol('decoded-body');

function decoded(body: DecodedBody): DecodedBody & { [DECODED]: true } {
  return { ...body, [DECODED]: true };
}

/** The decoded body of a request, whatever parser ran (none for a bodiless request). */
export function bodyOf(request: { body?: unknown; isMultipart?: () => boolean }): DecodedBody {
  const body = request.body as (DecodedBody & { [DECODED]?: true }) | Record<string, unknown> | undefined;
  if (body === undefined || body === null) return { kind: 'none' };
  if ((body as { [DECODED]?: true })[DECODED]) return body as DecodedBody;
  // @fastify/multipart attaches the fields as `{ name: value | value[] }`.
  const pairs: [string, string][] = [];
  for (const [key, value] of Object.entries(body as Record<string, unknown>)) {
    for (const item of Array.isArray(value) ? value : [value]) pairs.push([key, String(item)]);
  }
  return { kind: 'form', value: nestFormFields(pairs) };
}

/**
 * Replaces Fastify's body parsers with Kong's: JSON (with Kong's "Cannot parse JSON body"),
 * urlencoded forms decoded by Kong's key rules, and multipart forms (fields only, no files).
 * Any other content type is a 415 that lists the accepted ones.
 */
export async function registerKongBodyParsers(fastify: FastifyInstance): Promise<void> {
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, text, done) => {
    if ((text as string).trim() === '') return done(null, decoded({ kind: 'none' }));
    try {
      done(null, decoded({ kind: 'json', value: JSON.parse(text as string) }));
    } catch {
      done(new AdminHttpError(400, 'Cannot parse JSON body'), undefined);
    }
  });
  fastify.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string' },
    (_request, text, done) => {
      done(null, decoded({ kind: 'form', value: nestFormFields(new URLSearchParams(text as string)) }));
    },
  );
  const { default: multipart } = await import('@fastify/multipart');
  await fastify.register(multipart, {
    attachFieldsToBody: 'keyValues',
    limits: { fileSize: ADMIN_BODY_LIMIT, fieldSize: ADMIN_BODY_LIMIT, files: 0 },
  });
  fastify.addContentTypeParser('*', (request, _payload, done) => {
    done(
      new AdminHttpError(
        415,
        `Unsupported Content-Type '${request.headers['content-type']}': send application/json, application/x-www-form-urlencoded or multipart/form-data`,
      ),
      undefined,
    );
  });
}
