import { GatewayMessageError, type RequestContext } from '@switchyard/plugin-api';

/**
 * The top-level fields of a request body, as Kong's `kong.request.get_body` reads them: a JSON
 * object's members or an `application/x-www-form-urlencoded` form's fields. Any other body
 * (another media type, a multipart form, JSON that is not an object, a compressed body) has
 * none, as Kong's key-auth treats a body it cannot read.
 */
export interface BodyFields {
  /** The field's value: a string, a list (a form field given twice), or any JSON value. */
  get(name: string): unknown;
  /** Whether the field is present. */
  has(name: string): boolean;
  /** The body without the field, serialized again in its own media type. */
  without(name: string): string;
}

const NO_FIELDS: BodyFields = {
  get: () => undefined,
  has: () => false,
  without: () => '',
};

function mediaType(ctx: RequestContext): string {
  const header = ctx.request.headers['content-type'] ?? '';
  return header.split(';', 1)[0]!.trim().toLowerCase();
}

function isCompressed(ctx: RequestContext): boolean {
  const encoding = ctx.request.headers['content-encoding'];
  return encoding !== undefined && encoding.trim().toLowerCase() !== 'identity';
}

function bodyText(ctx: RequestContext): string {
  const body = ctx.upstream.body;
  return typeof body === 'string' ? body : body.toString('utf8');
}

function jsonFields(text: string): BodyFields {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return NO_FIELDS;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return NO_FIELDS;
  const object = value as Record<string, unknown>;
  return {
    get: (name) => (Object.hasOwn(object, name) ? object[name] : undefined),
    has: (name) => Object.hasOwn(object, name),
    without(name) {
      const { [name]: _removed, ...rest } = object;
      try {
        return JSON.stringify(rest);
      } catch {
        // V8 serializes recursively: a body nested beyond its stack cannot be written again.
        throw new GatewayMessageError(
          400,
          'request body is nested too deeply to remove the API key from it; send a flatter body',
        );
      }
    },
  };
}

function formFields(text: string): BodyFields {
  const form = new URLSearchParams(text);
  return {
    get(name) {
      const values = form.getAll(name);
      return values.length > 1 ? values : values[0];
    },
    has: (name) => form.has(name),
    without(name) {
      const rest = new URLSearchParams(form);
      rest.delete(name);
      return rest.toString();
    },
  };
}

/** The body's fields (parsed here, once per call: the caller keeps them). */
export function readBodyFields(ctx: RequestContext): BodyFields {
  if (isCompressed(ctx)) return NO_FIELDS;
  const type = mediaType(ctx);
  if (type === 'application/json' || type.endsWith('+json')) return jsonFields(bodyText(ctx));
  if (type === 'application/x-www-form-urlencoded') return formFields(bodyText(ctx));
  return NO_FIELDS;
}
