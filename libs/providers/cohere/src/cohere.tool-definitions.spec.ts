import { TranslationError } from '@switchyard/plugin-api';
import type { JsonSchema, ToolDefinition } from '@switchyard/plugin-api';
import { describe, expect, it } from 'vitest';
import { cohereTools } from './cohere.tool-definitions.js';

const tool = (parameters?: JsonSchema, extra: Partial<ToolDefinition['function']> = {}): ToolDefinition => ({
  type: 'function',
  function: { name: 'search', description: 'Searches the catalog.', parameters, ...extra },
});

describe('cohereTools', () => {
  it("declares each JSON Schema property as a parameter definition with Cohere's Python type names", () => {
    const parameters = {
      type: 'object',
      properties: {
        query: { type: 'string', description: 'What to look for.' },
        limit: { type: 'integer' },
        min_price: { type: 'number' },
        in_stock: { type: 'boolean' },
        tags: { type: 'array', items: { type: 'string' } },
        matrix: { type: 'array', items: { type: 'array', items: { type: 'number' } } },
        filters: { type: 'object', properties: { color: { type: 'string' } } },
        rows: { type: 'array', items: { type: 'object' } },
        anything: { type: 'array' },
        sort: { enum: ['price', 'name'] },
        cursor: { type: ['string', 'null'] },
        page: { anyOf: [{ type: 'integer' }, { type: 'null' }] },
      },
      required: ['query', 'tags'],
      additionalProperties: false,
    };
    expect(cohereTools([tool(parameters, { strict: true })])).toEqual([
      {
        name: 'search',
        description: 'Searches the catalog.',
        parameter_definitions: {
          query: { description: 'What to look for.', type: 'str', required: true },
          limit: { type: 'int', required: false },
          min_price: { type: 'float', required: false },
          in_stock: { type: 'bool', required: false },
          tags: { type: 'List[str]', required: true },
          matrix: { type: 'List[List[float]]', required: false },
          filters: { type: 'Dict', required: false },
          rows: { type: 'List[Dict]', required: false },
          anything: { type: 'List', required: false },
          sort: { type: 'str', required: false },
          cursor: { type: 'str', required: false },
          page: { type: 'int', required: false },
        },
      },
    ]);
  });

  it('sends a tool without parameters (or with no properties) without parameter_definitions, and an empty description when none is given', () => {
    expect(
      cohereTools([tool(), tool({ type: 'object', properties: {} }, { description: undefined })]),
    ).toEqual([
      { name: 'search', description: 'Searches the catalog.' },
      { name: 'search', description: '' },
    ]);
  });

  it('refuses what parameter_definitions cannot express, naming the tool and the parameter', () => {
    const refused = (property: JsonSchema, what: string) =>
      expect(() => cohereTools([tool({ type: 'object', properties: { q: property } })])).toThrow(
        new TranslationError(
          `tool 'search' parameter 'q': cohere's parameter_definitions take one JSON Schema type per parameter, and ${what} cannot be expressed`,
        ),
      );
    refused({ type: ['string', 'integer'] }, 'the type list ["string","integer"]');
    refused({ anyOf: [{ type: 'string' }, { type: 'integer' }] }, 'a union (anyOf/oneOf) of several types');
    refused({ $ref: '#/$defs/Query' }, 'a $ref');
    refused({ description: 'anything' }, 'a schema without a type');
    refused({ type: 'array', items: { $ref: '#/$defs/Row' } }, 'a $ref');
    expect(() => cohereTools([tool({ type: 'string' })])).toThrow(
      new TranslationError("tool 'search': cohere takes parameters as a JSON Schema object"),
    );
    expect(() => cohereTools([{ type: 'custom' } as unknown as ToolDefinition])).toThrow(
      new TranslationError("cohere takes function tools only, not 'custom' tools"),
    );
  });
});
