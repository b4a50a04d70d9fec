import { describe, expect, it } from 'vitest';
import { makeProviderRequest } from '@switchyard/testing';
import { mapFields, sendAs, sentAsGiven } from './field-table.js';
import type { FieldTable } from './field-table.js';

const request = makeProviderRequest({ provider: 'cohere', name: 'command-r', options: {} });

describe('mapFields', () => {
  it('sends only the fields of the table, skipping absent and null ones, and leaves the client body alone', () => {
    const table: FieldTable = { ...sentAsGiven(['seed', 'user']), top_p: sendAs('p') };
    const client = Object.freeze({ seed: 7, user: null, top_p: 0.5, logprobs: true });
    expect(mapFields(client, table, request)).toEqual({ seed: 7, p: 0.5 });
  });

  it('lets the later entry win when two fields map to the same member, and drops what a mapping declines', () => {
    const table: FieldTable = {
      max_completion_tokens: sendAs('max_tokens'),
      max_tokens: sendAs('max_tokens'),
      n: (value, providerRequest) => (providerRequest.stream ? undefined : { num: value }),
    };
    const client = { max_completion_tokens: 100, max_tokens: 50, n: 2 };
    expect(mapFields(client, table, request)).toEqual({ max_tokens: 50, num: 2 });
    expect(mapFields(client, table, { ...request, stream: true })).toEqual({ max_tokens: 50 });
  });
});
