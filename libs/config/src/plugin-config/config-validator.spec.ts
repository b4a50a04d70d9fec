import type { RecordField } from '@switchyard/plugin-api';
import { describe, expect, it } from 'vitest';
import { validatePluginConfig } from './config-validator.js';

const schema: RecordField = {
  type: 'record',
  description: 'A test plugin.',
  fields: {
    mode: { type: 'string', required: true, one_of: ['fast', 'safe'], description: 'Mode.' },
    label: { type: 'string', description: 'Label.' },
    retries: { type: 'integer', default: 3, gt: 0, description: 'Retries.' },
    ratio: { type: 'number', between: [0.0, 5.0], description: 'Ratio.' },
    enabled: { type: 'boolean', default: true, description: 'Enabled.' },
    endpoint: { type: 'string', url: true, description: 'Endpoint.' },
    proxy_host: { type: 'string', host: true, description: 'Proxy host.' },
    secret: { type: 'string', referenceable: true, one_of: ['a'], description: 'Secret.' },
    tags: {
      type: 'array',
      elements: { type: 'string', description: 'Tag.' },
      default: ['x'],
      description: 'Tags.',
    },
    limits: { type: 'map', values: { type: 'integer', description: 'Limit.' }, description: 'Limits.' },
    limits_list: {
      type: 'array',
      elements: { type: 'integer', description: 'Limit.' },
      description: 'Limits as a list.',
    },
    short_list: {
      type: 'array',
      elements: { type: 'string', len_max: 4, description: 'Word.' },
      len_max: 2,
      description: 'At most two short words.',
    },
    target: {
      type: 'record',
      required: true,
      description: 'Target.',
      fields: {
        host: { type: 'string', required: true, description: 'Host.' },
        port: { type: 'integer', default: 80, description: 'Port.' },
      },
    },
    extra: {
      type: 'record',
      description: 'Optional record.',
      fields: {
        user: { type: 'string', description: 'User.' },
        password: { type: 'string', description: 'Password.' },
        depth: { type: 'integer', default: 1, description: 'Depth.' },
      },
      entity_checks: [{ mutually_required: ['user', 'password'] }],
    },
  },
};

const valid = { mode: 'fast', target: { host: 'example.com' } };

function errorsOf(input: unknown): unknown {
  const result = validatePluginConfig(schema, input);
  if (result.ok) throw new Error(`expected errors, got ${JSON.stringify(result.value)}`);
  return result.errors;
}

describe('validatePluginConfig defaults', () => {
  it('fills absent fields with their default, or null without one', () => {
    const result = validatePluginConfig(schema, valid);
    expect(result).toEqual({
      ok: true,
      value: {
        mode: 'fast',
        label: null,
        retries: 3,
        ratio: null,
        enabled: true,
        endpoint: null,
        proxy_host: null,
        secret: null,
        tags: ['x'],
        limits: null,
        limits_list: null,
        short_list: null,
        target: { host: 'example.com', port: 80 },
        extra: null,
      },
    });
  });

  it('fills a given optional record with its own defaults and nulls', () => {
    const result = validatePluginConfig(schema, { ...valid, extra: {} });
    expect(result.ok && result.value['extra']).toEqual({ user: null, password: null, depth: 1 });
  });

  it('builds an absent required record from its defaults, then reports its required fields', () => {
    expect(errorsOf({ mode: 'fast' })).toEqual({ target: { host: 'required field missing' } });
  });

  it('keeps an explicit null on an optional field instead of its default', () => {
    const result = validatePluginConfig(schema, { ...valid, retries: null, extra: null });
    expect(result.ok && [result.value['retries'], result.value['extra']]).toEqual([null, null]);
  });

  it('returns a new object and leaves the input untouched', () => {
    const input = { mode: 'fast', target: { host: 'example.com' } };
    const result = validatePluginConfig(schema, input);
    expect(result.ok && result.value['target']).not.toBe(input.target);
    expect(input).toEqual({ mode: 'fast', target: { host: 'example.com' } });
  });

  it('gives each config its own copy of an array default', () => {
    const first = validatePluginConfig(schema, valid);
    const second = validatePluginConfig(schema, valid);
    expect(first.ok && second.ok && first.value['tags'] !== second.value['tags']).toBe(true);
  });

  it('builds an absent config from the defaults, and reports a null or non-record config as a whole', () => {
    expect(errorsOf(undefined)).toEqual({
      mode: 'required field missing',
      target: { host: 'required field missing' },
    });
    expect(errorsOf(null)).toBe('required field missing');
    expect(errorsOf('fast')).toBe('expected a record');
    expect(errorsOf(['fast'])).toBe('expected a record');
  });
});

describe('validatePluginConfig field errors', () => {
  it('reports a missing required field at its nested path', () => {
    expect(errorsOf({ mode: 'fast', target: { port: 8080 } })).toEqual({
      target: { host: 'required field missing' },
    });
  });

  it('reports an explicit null on a required field as missing', () => {
    expect(errorsOf({ ...valid, mode: null })).toEqual({ mode: 'required field missing' });
    expect(errorsOf({ ...valid, target: null })).toEqual({ target: 'required field missing' });
  });

  it('reports unknown fields, top-level and nested', () => {
    expect(errorsOf({ ...valid, colour: 'red', target: { host: 'h', scheme: 'http' } })).toEqual({
      colour: 'unknown field',
      target: { scheme: 'unknown field' },
    });
  });

  it('reports a __proto__ key as an unknown field rather than as a prototype', () => {
    expect(errorsOf(JSON.parse('{"mode":"fast","target":{"host":"h"},"__proto__":{"x":1}}'))).toEqual(
      JSON.parse('{"__proto__":"unknown field"}'),
    );
  });

  it("reports each wrong type with Kong's message", () => {
    expect(
      errorsOf({
        mode: 1,
        retries: '3',
        ratio: 'high',
        enabled: 'yes',
        tags: 'x',
        limits: ['a'],
        target: 'example.com',
      }),
    ).toEqual({
      mode: 'expected a string',
      retries: 'expected an integer',
      ratio: 'expected a number',
      enabled: 'expected a boolean',
      tags: 'expected an array',
      limits: 'expected a map',
      target: 'expected a record',
    });
  });

  it('accepts whole numbers only for integers', () => {
    expect(errorsOf({ ...valid, retries: 1.5 })).toEqual({ retries: 'expected an integer' });
  });

  it('reports bounds, with the bounds printed as Lua %d prints them', () => {
    expect(errorsOf({ ...valid, ratio: 5.5 })).toEqual({ ratio: 'value should be between 0 and 5' });
    expect(errorsOf({ ...valid, retries: 0 })).toEqual({ retries: 'value must be greater than 0' });
    expect(validatePluginConfig(schema, { ...valid, ratio: 5 }).ok).toBe(true);
  });

  it('lists the allowed values of an enum', () => {
    expect(errorsOf({ ...valid, mode: 'slow' })).toEqual({ mode: 'expected one of: fast, safe' });
  });

  it('rejects an empty string', () => {
    expect(errorsOf({ ...valid, label: '' })).toEqual({ label: 'length must be at least 1' });
  });

  it('refuses a string longer than len_max bytes, and an array with more than len_max elements', () => {
    expect(validatePluginConfig(schema, { ...valid, short_list: ['abcd', 'é'] }).ok).toBe(true);
    // 'éé' is 4 bytes in UTF-8, 'ééé' 6: lengths are in bytes, as in Lua.
    expect(errorsOf({ ...valid, short_list: ['ééé'] })).toEqual({
      short_list: ['length must be at most 4'],
    });
    expect(errorsOf({ ...valid, short_list: ['a', 'b', 'c'] })).toEqual({
      short_list: 'length must be at most 2',
    });
  });

  it("checks URLs as Kong's typedefs.url does", () => {
    expect(errorsOf({ ...valid, endpoint: 'nowhere' })).toEqual({ endpoint: 'missing host in url' });
    expect(errorsOf({ ...valid, endpoint: 'localhost:8080' })).toEqual({ endpoint: 'missing host in url' });
    expect(errorsOf({ ...valid, endpoint: '//nowhere/v1' })).toEqual({ endpoint: 'missing scheme in url' });
    expect(validatePluginConfig(schema, { ...valid, endpoint: 'http://user@nowhere:8080/v1' }).ok).toBe(true);
  });

  it("checks hosts as Kong's typedefs.host does: a name or an IP address, nothing more", () => {
    for (const host of ['proxy.internal', '10.0.0.1', '[::1]', 'squid'])
      expect(validatePluginConfig(schema, { ...valid, proxy_host: host }).ok, host).toBe(true);
    for (const host of ['http://proxy', 'proxy:3128', 'proxy/path', 'a b'])
      expect(errorsOf({ ...valid, proxy_host: host }), host).toEqual({
        proxy_host: `invalid value: ${host}`,
      });
  });

  it('lets a vault reference through the validators of a referenceable string', () => {
    expect(validatePluginConfig(schema, { ...valid, secret: '{vault://env/secret}' }).ok).toBe(true);
    expect(errorsOf({ ...valid, secret: 'b' })).toEqual({ secret: 'expected one of: a' });
  });

  it('refuses a malformed vault reference, or one to a vault this gateway does not have, saying why', () => {
    expect(errorsOf({ ...valid, secret: '{vault://env/}' })).toEqual({
      secret: "invalid vault reference '{vault://env/}': the secret name is missing",
    });
    expect(errorsOf({ ...valid, secret: '{vault://hcv/llm/key}' })).toEqual({
      secret:
        "invalid vault reference '{vault://hcv/llm/key}': unknown vault 'hcv': this gateway resolves references from the environment only: '{vault://env/<name>}'",
    });
  });

  it('refuses a vault reference in a field that is not referenceable', () => {
    expect(errorsOf({ ...valid, target: { host: '{vault://env/upstream-host}' } })).toEqual({
      target: {
        host: "a vault reference is not allowed in this field: only fields the plugin's schema marks referenceable take one",
      },
    });
  });

  it('reports array element errors in place, null where an element is valid', () => {
    expect(errorsOf({ ...valid, limits_list: [1, 'two', 3, null, 5] })).toEqual({
      limits_list: [null, 'expected an integer', null, 'required field missing'],
    });
  });

  it("reports a map's first bad value as the map's error", () => {
    expect(errorsOf({ ...valid, limits: { a: 1, b: 'two' } })).toEqual({ limits: 'expected an integer' });
  });
});

describe('validatePluginConfig entity checks', () => {
  it("reports a check under the @entity of the record that declares it, with Kong's message", () => {
    expect(errorsOf({ ...valid, extra: { user: 'u' } })).toEqual({
      extra: { '@entity': ["all or none of these fields must be set: 'user', 'password'"] },
    });
  });

  it('passes mutually required fields that are all set or all unset', () => {
    expect(validatePluginConfig(schema, { ...valid, extra: { user: 'u', password: 'p' } }).ok).toBe(true);
    expect(validatePluginConfig(schema, { ...valid, extra: { depth: 2 } }).ok).toBe(true);
  });

  it('skips a check whose top-level field already has an error, as Kong does', () => {
    expect(errorsOf({ ...valid, extra: { user: 1 } })).toEqual({ extra: { user: 'expected a string' } });
  });

  it('runs checks alongside the errors of other fields', () => {
    expect(errorsOf({ ...valid, mode: 'slow', extra: { password: 'p' } })).toEqual({
      mode: 'expected one of: fast, safe',
      extra: { '@entity': ["all or none of these fields must be set: 'user', 'password'"] },
    });
  });

  const checked = (entity_checks: RecordField['entity_checks']): RecordField => ({
    type: 'record',
    description: 'Checked.',
    fields: {
      kind: { type: 'string', one_of: ['a', 'b'], description: 'Kind.' },
      flag: { type: 'boolean', default: false, description: 'Flag.' },
      note: { type: 'string', description: 'Note.' },
      size: { type: 'integer', description: 'Size.' },
      list: { type: 'array', elements: { type: 'string', description: 'Item.' }, description: 'List.' },
      nested: {
        type: 'record',
        description: 'Nested.',
        fields: { value: { type: 'string', description: 'Value.' } },
      },
    },
    entity_checks,
  });

  it('fails a conditional check with its message under @entity and the field error at then_field', () => {
    const conditional = checked([
      {
        conditional: {
          if_field: 'kind',
          if_match: { one_of: ['b'] },
          then_field: 'flag',
          then_match: { eq: true },
          then_err: 'kind b needs flag',
        },
      },
    ]);
    expect(validatePluginConfig(conditional, { kind: 'b' })).toEqual({
      ok: false,
      errors: { flag: 'value must be true', '@entity': ['kind b needs flag'] },
    });
    expect(validatePluginConfig(conditional, { kind: 'a' }).ok).toBe(true);
    expect(validatePluginConfig(conditional, { kind: 'b', flag: true }).ok).toBe(true);
  });

  it("gives a conditional check without then_err Kong's generic message, and reports a missing required then_field", () => {
    const conditional = checked([
      {
        conditional: {
          if_field: 'kind',
          if_match: { one_of: ['a'] },
          then_field: 'nested.value',
          then_match: { required: true },
        },
      },
    ]);
    expect(validatePluginConfig(conditional, { kind: 'a' })).toEqual({
      ok: false,
      errors: {
        nested: { value: 'required field missing' },
        '@entity': ["failed conditional validation given value of field 'kind'"],
      },
    });
  });

  it('reports the if_field of a conditional check as required when it is absent', () => {
    const conditional = checked([
      {
        conditional: {
          if_field: 'nested.value',
          if_match: { one_of: ['x'] },
          then_field: 'note',
          then_match: { required: true },
        },
      },
    ]);
    expect(validatePluginConfig(conditional, { nested: {}, note: 'n' }).ok).toBe(true);
    expect(validatePluginConfig(conditional, { note: 'n' })).toEqual({
      ok: false,
      errors: { nested: { value: 'field required for entity check' } },
    });
  });

  it('requires one of the listed fields when a conditional_at_least_one_of check applies', () => {
    const atLeastOne = checked([
      {
        conditional_at_least_one_of: {
          if_field: 'kind',
          if_match: { one_of: ['a'] },
          then_at_least_one_of: ['note', 'nested.value'],
        },
      },
    ]);
    expect(validatePluginConfig(atLeastOne, { kind: 'a' })).toEqual({
      ok: false,
      errors: { '@entity': ["at least one of these fields must be non-empty: 'note', 'nested.value'"] },
    });
    expect(validatePluginConfig(atLeastOne, { kind: 'a', nested: { value: 'v' } }).ok).toBe(true);
    expect(validatePluginConfig(atLeastOne, { kind: 'b' }).ok).toBe(true);
  });

  it('requires one of the fields of an at_least_one_of check, empty arrays and records counting as unset', () => {
    const atLeastOne = checked([{ at_least_one_of: ['note', 'nested.value'] }]);
    expect(validatePluginConfig(atLeastOne, { note: null })).toEqual({
      ok: false,
      errors: { '@entity': ["at least one of these fields must be non-empty: 'note', 'nested.value'"] },
    });
    expect(validatePluginConfig(atLeastOne, { nested: { value: 'v' } }).ok).toBe(true);
    expect(validatePluginConfig(atLeastOne, { note: 'n' }).ok).toBe(true);

    const worded = checked([{ at_least_one_of: ['list'], message: "'config.list' must be set" }]);
    expect(validatePluginConfig(worded, { list: [] })).toEqual({
      ok: false,
      errors: { '@entity': ["'config.list' must be set"] },
    });
  });

  it('lets a null optional if_field match, as Kong matches null against if_match', () => {
    const atLeastOne = checked([
      {
        conditional_at_least_one_of: {
          if_field: 'kind',
          if_match: { one_of: ['a'] },
          then_at_least_one_of: ['note'],
          then_err: 'kind a needs a note',
        },
      },
    ]);
    expect(validatePluginConfig(atLeastOne, {})).toEqual({
      ok: false,
      errors: { '@entity': ['kind a needs a note'] },
    });
  });

  it('runs a custom check only when its field sources are present and valid', () => {
    const custom = checked([
      {
        field_sources: ['kind', 'size'],
        custom: (value) =>
          value['kind'] === 'a' && (value['size'] as number) > 10 ? 'a is small' : undefined,
      },
    ]);
    expect(validatePluginConfig(custom, { kind: 'a', size: 11 })).toEqual({
      ok: false,
      errors: { '@entity': ['a is small'] },
    });
    expect(validatePluginConfig(custom, { kind: 'a', size: 5 }).ok).toBe(true);
    expect(validatePluginConfig(custom, { kind: 'c', size: 11 })).toEqual({
      ok: false,
      errors: { kind: 'expected one of: a, b' },
    });
  });

  it('refuses a check that names a field the schema does not have', () => {
    const broken = checked([
      {
        conditional: {
          if_field: 'kind',
          if_match: { one_of: ['a'] },
          then_field: 'colour',
          then_match: { eq: 'red' },
        },
      },
    ]);
    expect(() => validatePluginConfig(broken, { kind: 'a' })).toThrow("entity check names 'colour'");
  });
});
