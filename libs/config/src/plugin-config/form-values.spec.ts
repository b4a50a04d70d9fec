import type { RecordField } from '@switchyard/plugin-api';
import { describe, expect, it } from 'vitest';
import { typeFormValues } from './form-values.js';

const schema: RecordField = {
  type: 'record',
  description: 'A test plugin.',
  fields: {
    name: { type: 'string', description: 'Name.' },
    count: { type: 'integer', description: 'Count.' },
    ratio: { type: 'number', description: 'Ratio.' },
    enabled: { type: 'boolean', description: 'Enabled.' },
    paths: { type: 'array', elements: { type: 'string', description: 'Path.' }, description: 'Paths.' },
    ports: { type: 'array', elements: { type: 'integer', description: 'Port.' }, description: 'Ports.' },
    limits: { type: 'map', values: { type: 'integer', description: 'Limit.' }, description: 'Limits.' },
    model: {
      type: 'record',
      description: 'Model.',
      fields: {
        options: {
          type: 'record',
          description: 'Options.',
          fields: {
            max_tokens: { type: 'integer', description: 'Max tokens.' },
            temperature: { type: 'number', description: 'Temperature.' },
          },
        },
      },
    },
  },
};

describe('typeFormValues', () => {
  it('types nested numbers by the schema', () => {
    expect(typeFormValues(schema, { model: { options: { max_tokens: '512', temperature: '1.0' } } })).toEqual(
      {
        model: { options: { max_tokens: 512, temperature: 1 } },
      },
    );
  });

  it("reads numbers as Lua's tonumber does, and leaves other text for validation to report", () => {
    expect(typeFormValues(schema, { count: ' 42 ', ratio: '.5' })).toEqual({ count: 42, ratio: 0.5 });
    expect(typeFormValues(schema, { count: '0x1F', ratio: '-2e3' })).toEqual({ count: 31, ratio: -2000 });
    expect(typeFormValues(schema, { count: 'many', ratio: '1,5' })).toEqual({ count: 'many', ratio: '1,5' });
  });

  it('reads booleans from "true" and "false" only', () => {
    expect(typeFormValues(schema, { enabled: 'true' })).toEqual({ enabled: true });
    expect(typeFormValues(schema, { enabled: 'false' })).toEqual({ enabled: false });
    expect(typeFormValues(schema, { enabled: 'yes' })).toEqual({ enabled: 'yes' });
  });

  it('reads an empty value as null, for any field the schema knows', () => {
    expect(
      typeFormValues(schema, { name: '', count: '', paths: '', model: { options: { temperature: '' } } }),
    ).toEqual({
      name: null,
      count: null,
      paths: null,
      model: { options: { temperature: null } },
    });
  });

  it('wraps a single value where an array is expected', () => {
    expect(typeFormValues(schema, { paths: '/a', ports: '80' })).toEqual({ paths: ['/a'], ports: [80] });
  });

  it('types each element of a repeated field', () => {
    expect(typeFormValues(schema, { ports: ['80', '443'] })).toEqual({ ports: [80, 443] });
  });

  it('turns integer-keyed objects into arrays in key order', () => {
    expect(typeFormValues(schema, { paths: { '2': '/b', '1': '/a', '10': '/j' } })).toEqual({
      paths: ['/a', '/b', '/j'],
    });
  });

  it('types map values', () => {
    expect(typeFormValues(schema, { limits: { minute: '10', hour: '' } })).toEqual({
      limits: { minute: 10, hour: null },
    });
  });

  it('leaves unknown keys and values that do not fit as they are', () => {
    expect(typeFormValues(schema, { colour: '', model: { size: '3', options: 'big' } })).toEqual({
      colour: '',
      model: { size: '3', options: 'big' },
    });
  });

  it('returns a new object', () => {
    const input = { model: { options: { max_tokens: '1' } } };
    typeFormValues(schema, input);
    expect(input).toEqual({ model: { options: { max_tokens: '1' } } });
  });
});
