import type { RecordField } from '@switchyard/plugin-api';

/** Kong's `typedefs.header_name`: a key name is also looked up as a header. */
const HEADER_NAME = /^[a-zA-Z0-9-_]+$/;

function badKeyName(value: Readonly<Record<string, unknown>>): string | undefined {
  const names = value['key_names'] as readonly string[];
  const bad = names.find((name) => !HEADER_NAME.test(name));
  return bad === undefined
    ? undefined
    : `bad header name '${bad}', allowed characters are A-Z, a-z, 0-9, '_', and '-'`;
}

/**
 * The `config` schema of the `key-auth` plugin, field for field Kong 3.10's
 * (`kong/plugins/key-auth/schema.lua`): the same types, defaults and descriptions. Kong checks
 * each key name on the element (`config.key_names[1]`); this DSL has no pattern rule, so the
 * same message is reported under `config['@entity']`.
 */
export const keyAuthSchema: RecordField = {
  type: 'record',
  description: 'Identifies the consumer by an API key sent in a header, the query string or the body.',
  fields: {
    key_names: {
      type: 'array',
      required: true,
      default: ['apikey'],
      elements: { type: 'string', description: 'A header, query parameter or body member name.' },
      description:
        'Where the plugin looks for a key: each name as a header, then a query parameter, then a body member. Names may only contain A-Z, a-z, 0-9, `_` and `-`.',
    },
    hide_credentials: {
      type: 'boolean',
      required: true,
      default: false,
      description:
        'Remove the key (its header, query parameter and body member) from the request before it is proxied.',
    },
    anonymous: {
      type: 'string',
      description:
        'A consumer id or username to use when no valid key is sent; unset (the default), such a request is refused with 401.',
    },
    key_in_header: {
      type: 'boolean',
      required: true,
      default: true,
      description: 'Look for the key in the request headers.',
    },
    key_in_query: {
      type: 'boolean',
      required: true,
      default: true,
      description: 'Look for the key in the query string.',
    },
    key_in_body: {
      type: 'boolean',
      required: true,
      default: false,
      description:
        'Look for the key in the request body: a JSON object or an `application/x-www-form-urlencoded` form.',
    },
    run_on_preflight: {
      type: 'boolean',
      required: true,
      default: true,
      description:
        'Authenticate `OPTIONS` preflight requests too; `false` lets them through unauthenticated.',
    },
    realm: {
      type: 'string',
      description:
        'The `realm` of the `WWW-Authenticate: Key` challenge sent with every 401; unset (the default), the challenge has none.',
    },
  },
  entity_checks: [{ custom: badKeyName, field_sources: ['key_names'] }],
};
