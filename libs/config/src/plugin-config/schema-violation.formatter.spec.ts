import { describe, expect, it } from 'vitest';
import { schemaViolationMessage } from './schema-violation.formatter.js';

describe('schemaViolationMessage', () => {
  it('names a single field error', () => {
    expect(schemaViolationMessage({ config: { route_type: 'required field missing' } })).toBe(
      'schema violation (config.route_type: required field missing)',
    );
    expect(schemaViolationMessage({ name: 'required field missing' })).toBe(
      'schema violation (name: required field missing)',
    );
  });

  it('counts several errors and joins them with "; ", in sorted field order', () => {
    expect(
      schemaViolationMessage({
        protocols: 'expected an array',
        config: {
          route_type: 'required field missing',
          max_request_body_size: 'value must be greater than 0',
        },
      }),
    ).toBe(
      '3 schema violations (config.max_request_body_size: value must be greater than 0; ' +
        'config.route_type: required field missing; protocols: expected an array)',
    );
  });

  it("puts the entity's own @entity messages first, as they are", () => {
    expect(schemaViolationMessage({ '@entity': ['first', 'second'], config: { a: 'x' } })).toBe(
      '3 schema violations (first; second; config.a: x)',
    );
  });

  it('prints errors deeper than two levels as a Penlight pretty Lua table, as Kong does', () => {
    expect(schemaViolationMessage({ config: { model: { provider: 'required field missing' } } })).toBe(
      'schema violation (config.model: {\n  provider = "required field missing"\n})',
    );
    expect(
      schemaViolationMessage({
        config: { model: { options: { top_k: 'expected an integer', max_tokens: 'expected an integer' } } },
      }),
    ).toBe(
      'schema violation (config.model: {\n  options = {\n    max_tokens = "expected an integer",\n' +
        '    top_k = "expected an integer"\n  }\n})',
    );
  });

  it("prints a record's @entity list as a Lua array under a bracketed key", () => {
    expect(
      schemaViolationMessage({
        config: { '@entity': ["must set 'model.options.anthropic_version' for anthropic provider"] },
      }),
    ).toBe(
      'schema violation (config.@entity: {\n  "must set \'model.options.anthropic_version\' for anthropic provider"\n})',
    );
    expect(schemaViolationMessage({ config: { model: { '@entity': ['a'], name: 'b' } } })).toBe(
      'schema violation (config.model: {\n  ["@entity"] = {\n    "a"\n  },\n  name = "b"\n})',
    );
  });

  it('numbers array element errors from 1 and prints holes with their index', () => {
    expect(schemaViolationMessage({ paths: [null, 'should start with: /'] })).toBe(
      'schema violation (paths.2: should start with: /)',
    );
    expect(schemaViolationMessage({ config: { tags: ['a', null, 'c'] } })).toBe(
      'schema violation (config.tags: {\n  "a",\n  [3] = "c"\n})',
    );
  });

  it('quotes strings as Lua does', () => {
    expect(schemaViolationMessage({ config: { m: { k: 'say "hi"\\' } } })).toBe(
      'schema violation (config.m: {\n  k = "say \\"hi\\"\\\\"\n})',
    );
    expect(schemaViolationMessage({ config: { m: { k: 'two\nlines' } } })).toBe(
      'schema violation (config.m: {\n  k = [[two\nlines]]\n})',
    );
  });
});
