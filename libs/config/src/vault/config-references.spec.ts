import type { RecordField } from '@switchyard/plugin-api';
import { describe, expect, it } from 'vitest';
import { resolveConfigReferences } from './config-references.js';

const schema: RecordField = {
  type: 'record',
  description: 'A plugin with secrets at several depths.',
  fields: {
    name: { type: 'string', description: 'Not referenceable.' },
    auth: {
      type: 'record',
      description: 'Credentials.',
      fields: {
        header_value: { type: 'string', referenceable: true, description: 'A secret.' },
        param_value: { type: 'string', referenceable: true, description: 'Another secret.' },
      },
    },
    keys: {
      type: 'array',
      description: 'A list of secrets.',
      elements: { type: 'string', referenceable: true, description: 'A secret.' },
    },
    by_tenant: {
      type: 'map',
      description: 'Secrets by tenant.',
      values: { type: 'string', referenceable: true, description: 'A secret.' },
    },
  },
};

const env = {
  OPENAI_API_KEY: 'Bearer sk-openai',
  OTHER_KEY: 'sk-other',
  LLM_SECRETS: JSON.stringify({ cohere: 'sk-cohere', count: 3 }),
  NOT_JSON: 'sk-plain',
};

describe('resolveConfigReferences', () => {
  it('replaces references in referenceable fields at any depth, and nothing else', () => {
    const config = {
      name: '{vault://env/openai-api-key}',
      auth: { header_value: '{vault://env/openai-api-key}', param_value: 'sk-inline' },
      keys: ['{vault://env/other-key}', 'sk-inline'],
      by_tenant: { acme: '{vault://env/llm-secrets/cohere}' },
    };
    expect(resolveConfigReferences(schema, config, env)).toEqual({
      config: {
        name: '{vault://env/openai-api-key}',
        auth: { header_value: 'Bearer sk-openai', param_value: 'sk-inline' },
        keys: ['sk-other', 'sk-inline'],
        by_tenant: { acme: 'sk-cohere' },
      },
      unresolved: [],
    });
  });

  it('leaves the input untouched, and returns it as is when it holds no reference', () => {
    const config = { auth: { header_value: '{vault://env/openai-api-key}', param_value: null } };
    const copy = structuredClone(config);
    resolveConfigReferences(schema, config, env);
    expect(config).toEqual(copy);
    const plain = { name: 'x', auth: { header_value: 'Bearer sk-inline' }, keys: ['a'] };
    expect(resolveConfigReferences(schema, plain, env).config).toBe(plain);
  });

  it('lists what it cannot resolve, with the variable to set, and never a value', () => {
    const { unresolved } = resolveConfigReferences(
      schema,
      {
        auth: { header_value: '{vault://env/missing-key}', param_value: '{vault://env/not-json/key}' },
        keys: ['{vault://env/llm-secrets/count}'],
      },
      env,
    );
    expect(unresolved).toEqual([
      {
        field: 'auth.header_value',
        reference: '{vault://env/missing-key}',
        variable: 'MISSING_KEY',
        problem: 'the environment variable MISSING_KEY is not set',
      },
      {
        field: 'auth.param_value',
        reference: '{vault://env/not-json/key}',
        variable: 'NOT_JSON',
        problem: "the environment variable NOT_JSON is not a JSON object with a string 'key'",
      },
      {
        field: 'keys[0]',
        reference: '{vault://env/llm-secrets/count}',
        variable: 'LLM_SECRETS',
        problem: "the environment variable LLM_SECRETS is not a JSON object with a string 'count'",
      },
    ]);
    expect(JSON.stringify(unresolved)).not.toMatch(/sk-plain|sk-cohere/);
  });
});
