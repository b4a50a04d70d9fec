import { makeProviderRequest } from '@switchyard/testing';
import { describe, expect, it } from 'vitest';
import { mapFields, sendAs, sentAsGiven } from './field-table.js';

const request = makeProviderRequest({ provider: 'mistral', name: 'mistral-small', options: {} });

describe('mapFields', () => {
  it('sends only the fields of the table, under their provider names, later entries winning', () => {
    const table = { ...sentAsGiven(['k']), top_k: sendAs('k'), seed: sendAs('random_seed') };
    const client = { k: 1, top_k: 5, seed: 7, user: 'u', stream_options: { include_usage: true }, n: null };
    expect(mapFields(client, table, request)).toEqual({ k: 5, random_seed: 7 });
  });
});
