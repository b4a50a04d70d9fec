import {
  INPUT_LIMITS,
  findInputProblem,
  inputProblemFields,
  nestFormFields,
  schemaViolation,
  tooManyFormFields,
  typeEntityForm,
  type EntityDefinition,
} from '@switchyard/config';
import type { FastifyInstance, FastifyRequest } from 'fastify';
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

const NO_BODY: DecodedBody = { kind: 'none' };

const MAX_UTF8_BYTES_PER_CHARACTER = 4;

/**
 * The decoded body of a request (none for a bodiless request), checked against `INPUT_LIMITS`:
 * nesting, sizes, keys that reach a prototype, and strings the store cannot hold (NUL, unpaired
 * surrogates) are Kong's schema violation (400) naming the field.
 */
export function bodyOf(request: { body?: unknown }): DecodedBody {
  const body = (request.body as DecodedBody | undefined) ?? NO_BODY;
  if (body.kind === 'none') return body;
  const problem = findInputProblem(body.value);
  if (problem) throw schemaViolation(inputProblemFields(problem));
  return body;
}

/**
 * The body as an entity's input object: a form's values typed by the entity's schema, a JSON
 * object as it is, nothing as `{}`; any other JSON is Kong's schema violation (400).
 */
export function entityInput(definition: EntityDefinition, body: DecodedBody): Record<string, unknown> {
  if (body.kind === 'none') return {};
  if (body.kind === 'form') return typeEntityForm(definition, body.value);
  if (body.value !== null && typeof body.value === 'object' && !Array.isArray(body.value)) {
    return { ...(body.value as Record<string, unknown>) };
  }
  throw schemaViolation({ '@entity': ['expected a JSON object as the request body'] });
}

/**
 * Replaces Fastify's body parsers with Kong's: JSON (with Kong's "Cannot parse JSON body"),
 * urlencoded and multipart forms decoded by Kong's key rules (multipart: fields only, no
 * files). Any other content type is a 415 that lists the accepted ones. Every parser leaves a
 * `DecodedBody` on `request.body`.
 */
export async function registerKongBodyParsers(fastify: FastifyInstance): Promise<void> {
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, text, done) => {
    if ((text as string).trim() === '') return done(null, NO_BODY);
    try {
      done(null, { kind: 'json', value: JSON.parse(text as string) });
    } catch {
      done(new AdminHttpError(400, 'Cannot parse JSON body'), undefined);
    }
  });
  fastify.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string' },
    (_request, text, done) => {
      try {
        done(null, { kind: 'form', value: nestFormFields(new URLSearchParams(text as string)) });
      } catch (error) {
        done(error as Error, undefined);
      }
    },
  );
  const { default: multipart } = await import('@fastify/multipart');
  await fastify.register(multipart, {
    // Multipart is streamed, outside Fastify's body limit: these bound it instead. One over the
    // decoder's own limits, so that the decoder sees the excess and says what it is (a value cut
    // at `fieldSize` bytes is still longer than `maxStringLength` characters, and is refused).
    limits: {
      fileSize: 0,
      files: 0,
      fields: INPUT_LIMITS.maxFormFields + 1,
      fieldSize: MAX_UTF8_BYTES_PER_CHARACTER * INPUT_LIMITS.maxStringLength + 1,
      fieldNameSize: INPUT_LIMITS.maxFormKeyLength + 1,
    },
  });
  fastify.addHook('preValidation', async (request) => {
    if (!request.isMultipart()) return;
    request.body = { kind: 'form', value: nestFormFields(await multipartFields(request)) };
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

/** A multipart body's fields in order; a malformed body, too many fields or a file is a 400 saying so. */
async function multipartFields(request: FastifyRequest): Promise<[string, string][]> {
  const fields: [string, string][] = [];
  try {
    // `files: 0` makes a file part an FST_FILES_LIMIT error before it gets here.
    for await (const part of request.parts())
      fields.push([part.fieldname, String((part as { value?: unknown }).value)]);
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code === 'FST_FIELDS_LIMIT' || code === 'FST_PARTS_LIMIT') throw tooManyFormFields();
    if (code === 'FST_FILES_LIMIT')
      throw new AdminHttpError(400, 'the Admin API takes form fields, not files');
    // busboy's errors (a truncated or malformed body) are the client's.
    throw new AdminHttpError(400, `Cannot parse multipart body: ${(error as Error).message}`);
  }
  return fields;
}
