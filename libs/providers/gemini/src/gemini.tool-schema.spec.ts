import { TranslationError } from '@switchyard/plugin-api';
import type { JsonSchema } from '@switchyard/plugin-api';
import { describe, expect, it } from 'vitest';
import { geminiParameters } from './gemini.tool-schema.js';

const object = (properties: Record<string, unknown>, extra: Record<string, unknown> = {}): JsonSchema => ({
  type: 'object',
  properties,
  ...extra,
});
const refusal = (schema: JsonSchema) => {
  try {
    geminiParameters('f', schema);
  } catch (error) {
    expect(error).toBeInstanceOf(TranslationError);
    return (error as Error).message;
  }
  throw new Error('expected a TranslationError');
};

describe('geminiParameters', () => {
  it("keeps what Gemini's Schema has, nested", () => {
    const schema = object(
      {
        name: {
          type: 'string',
          description: 'Who',
          minLength: 1,
          maxLength: 20,
          pattern: '^[a-z]+$',
          format: 'email',
        },
        tags: { type: 'array', items: { type: 'string', enum: ['a', 'b'] }, minItems: 1, maxItems: 3 },
        age: { type: 'integer', minimum: 0, maximum: 150, default: 30, example: 42, title: 'Age' },
      },
      { required: ['name'], propertyOrdering: ['name', 'tags', 'age'] },
    );
    expect(geminiParameters('f', schema)).toEqual(schema);
  });

  it('turns nullable types and null alternatives into nullable, and several types into anyOf', () => {
    expect(
      geminiParameters(
        'f',
        object({
          a: { type: ['string', 'null'] },
          b: { anyOf: [{ type: 'integer' }, { type: 'null' }] },
          c: { oneOf: [{ type: 'string' }, { type: 'number' }] },
          d: { type: ['string', 'number'] },
        }),
      ),
    ).toEqual(
      object({
        a: { type: 'string', nullable: true },
        b: { type: 'integer', nullable: true },
        c: { anyOf: [{ type: 'string' }, { type: 'number' }] },
        d: { anyOf: [{ type: 'string' }, { type: 'number' }] },
      }),
    );
  });

  it('inlines local $refs, merges a single allOf, and sends a string const as a one-value enum', () => {
    const schema = object(
      {
        home: { $ref: '#/$defs/Address', description: 'Where they live' },
        work: { allOf: [{ $ref: '#/definitions/Address' }] },
        kind: { const: 'person' },
      },
      {
        $defs: { Address: object({ city: { type: 'string' } }) },
        definitions: { Address: object({ city: { type: 'string' } }) },
      },
    );
    expect(geminiParameters('f', schema)).toEqual(
      object({
        home: { ...object({ city: { type: 'string' } }), description: 'Where they live' },
        work: object({ city: { type: 'string' } }),
        kind: { type: 'string', enum: ['person'] },
      }),
    );
  });

  it('leaves out annotations and the constraints Gemini lacks, such as additionalProperties: false', () => {
    const schema = object(
      {
        n: { type: 'number', exclusiveMinimum: 0, multipleOf: 2 },
        l: { type: 'array', items: { type: 'string' }, uniqueItems: true },
      },
      {
        $schema: 'http://json-schema.org/draft-07/schema#',
        additionalProperties: false,
        $comment: 'x',
        examples: [{}],
      },
    );
    expect(geminiParameters('f', schema)).toEqual(
      object({ n: { type: 'number' }, l: { type: 'array', items: { type: 'string' } } }),
    );
  });

  it('declares no parameters for a function without any (Gemini refuses an empty object)', () => {
    expect(geminiParameters('f', undefined)).toBeUndefined();
    expect(geminiParameters('f', { type: 'object', properties: {} })).toBeUndefined();
    expect(geminiParameters('f', { type: 'object', additionalProperties: false })).toBeUndefined();
  });

  it('refuses, naming the tool, the place and the keyword, what Gemini cannot declare', () => {
    expect(refusal(object({ a: { not: { type: 'string' } } }))).toBe(
      "tool 'f' parameters #/properties/a: JSON Schema keyword 'not' has no gemini equivalent",
    );
    expect(refusal(object({ m: { type: 'object', additionalProperties: { type: 'number' } } }))).toBe(
      "tool 'f' parameters #/properties/m: additionalProperties with a schema (a map) has no gemini equivalent; declare the properties",
    );
    expect(refusal(object({ t: { type: 'array', items: [{ type: 'string' }] } }))).toBe(
      "tool 'f' parameters #/properties/t: items as a list (a tuple) has no gemini equivalent; give one schema for every item",
    );
    expect(refusal(object({ n: { type: 'integer', enum: [1, 2] } }))).toBe(
      "tool 'f' parameters #/properties/n: enum must list strings for gemini (its enums are strings)",
    );
    expect(refusal(object({ x: { allOf: [{ type: 'string' }, { minLength: 2 }] } }))).toBe(
      "tool 'f' parameters #/properties/x: allOf with more than one schema has no gemini equivalent; merge them into one",
    );
    expect(refusal(object({ x: { $ref: 'https://example.test/schema.json' } }))).toBe(
      'tool \'f\' parameters #/properties/x: $ref "https://example.test/schema.json" is not a local definition (#/$defs/<name>); gemini takes no references',
    );
    expect(refusal(object({ x: { type: 'text' } }))).toBe(
      'tool \'f\' parameters #/properties/x: type "text" is not a JSON Schema type',
    );
  });

  it('refuses a recursive $ref', () => {
    const tree = object(
      { root: { $ref: '#/$defs/Node' } },
      { $defs: { Node: object({ children: { type: 'array', items: { $ref: '#/$defs/Node' } } }) } },
    );
    expect(refusal(tree)).toBe(
      "tool 'f' parameters #/properties/root/properties/children/items: $ref #/$defs/Node is recursive; gemini cannot declare a recursive schema",
    );
  });
});
