import type { RequestContext } from '@switchyard/plugin-api';
import { readBodyFields, type BodyFields } from './body-fields.js';
import type { KeyAuthConfig } from './key-auth.config.js';

/** What a request carries: one key, none, or several under one name (Kong's "Duplicate API key found"). */
export type RequestKey =
  { readonly kind: 'key'; readonly key: string } | { readonly kind: 'none' } | { readonly kind: 'duplicate' };

const NONE: RequestKey = { kind: 'none' };
const DUPLICATE: RequestKey = { kind: 'duplicate' };

/**
 * Finds the key as Kong's key-auth does (`do_authentication`): for each of `key_names` in
 * order, its header, else its query parameter, else its body member (each where the config
 * allows); the first string wins, a list or an object under the name is a duplicate. An empty
 * string counts as no key. With `hide_credentials`, the name is then removed from what goes
 * upstream: the header, the query parameter, the body member.
 *
 * Node joins a header sent twice with ", " (only `set-cookie` stays a list), so a duplicated
 * header is one key that matches no credential rather than Kong's duplicate.
 */
export function findRequestKey(ctx: RequestContext, config: KeyAuthConfig): RequestKey {
  let body: BodyFields | undefined;
  const bodyFields = () => (body ??= readBodyFields(ctx));
  for (const name of config.key_names) {
    let value: unknown;
    if (config.key_in_header) value = ctx.request.headers[name.toLowerCase()];
    if (value === undefined && config.key_in_query) {
      const values = ctx.request.query.getAll(name);
      value = values.length > 1 ? values : values[0];
    }
    if (value === undefined && config.key_in_body) value = bodyFields().get(name);

    if (typeof value === 'string') {
      if (config.hide_credentials) hideKey(ctx, name, config.key_in_body ? bodyFields() : undefined);
      return value === '' ? NONE : { kind: 'key', key: value };
    }
    if (typeof value === 'object' && value !== null) return DUPLICATE;
  }
  return NONE;
}

/** Removes `name` from the upstream request: header, query parameter and, when read, body member. */
function hideKey(ctx: RequestContext, name: string, body: BodyFields | undefined): void {
  const upstream = ctx.upstream;
  delete upstream.headers[name.toLowerCase()];
  // Touched only when present: an untouched query goes upstream exactly as the client sent it.
  if (ctx.request.query.has(name)) upstream.query.delete(name);
  if (body?.has(name)) {
    upstream.body = body.without(name);
    delete upstream.headers['content-length'];
  }
}
