import { GatewayError } from '@switchyard/plugin-api';
import { describe, expect, it } from 'vitest';
import { checkEmbeddingsRequest, MAX_EMBEDDING_INPUTS, NO_VALID_INPUT } from './embeddings-request.js';
import { normalizeLlmRequest, translationBody } from './request-normalizer.js';

function failure(run: () => unknown): [number, string] {
  try {
    run();
  } catch (error) {
    if (error instanceof GatewayError) return [error.status, error.message];
    throw error;
  }
  throw new Error('expected a GatewayError');
}

describe('checkEmbeddingsRequest', () => {
  it.each([
    ['a string', 'hello world'],
    ['a list of strings', ['hello', 'world']],
    ['a list of token ids', [9906, 1917]],
    ['a list of token-id lists', [[9906], [1917, 0]]],
  ])('accepts %s as input, float vectors unless base64 is asked for', (_shape, input) => {
    expect(checkEmbeddingsRequest({ input })).toBe('float');
    expect(checkEmbeddingsRequest({ input, encoding_format: 'float' })).toBe('float');
    expect(checkEmbeddingsRequest({ input, encoding_format: 'base64' })).toBe('base64');
  });

  it.each([
    ['no input', {}],
    ['an empty string', { input: '' }],
    ['an empty list', { input: [] }],
    ['a list with an empty string', { input: ['fine', ''] }],
    ['strings and token ids mixed', { input: ['fine', 1] }],
    ['a negative token id', { input: [1, -2] }],
    ['an empty token-id list', { input: [[1], []] }],
    ['an object', { input: { text: 'hello' } }],
    ['chat messages', { messages: [{ role: 'user', content: 'hello' }] }],
  ])('refuses %s with 400 saying what input is', (_case, body) => {
    expect(failure(() => checkEmbeddingsRequest(body))).toEqual([400, NO_VALID_INPUT]);
  });

  it(`refuses more than ${MAX_EMBEDDING_INPUTS} inputs with 400`, () => {
    const input = Array.from({ length: MAX_EMBEDDING_INPUTS + 1 }, () => 'x');
    expect(failure(() => checkEmbeddingsRequest({ input }))).toEqual([
      400,
      `'input' has ${MAX_EMBEDDING_INPUTS + 1} items; an embeddings request takes at most ${MAX_EMBEDDING_INPUTS}`,
    ]);
    expect(checkEmbeddingsRequest({ input: input.slice(1) })).toBe('float');
  });

  it.each([0, -3, 1.5, '256'])('refuses dimensions %j with 400', (dimensions) => {
    expect(failure(() => checkEmbeddingsRequest({ input: 'x', dimensions }))).toEqual([
      400,
      `'dimensions' must be a positive integer, not ${JSON.stringify(dimensions)}`,
    ]);
  });

  it('refuses an encoding_format other than float or base64, and a user that is no string', () => {
    expect(failure(() => checkEmbeddingsRequest({ input: 'x', encoding_format: 'int8' }))).toEqual([
      400,
      `'encoding_format' must be 'float' or 'base64', not "int8"`,
    ]);
    expect(failure(() => checkEmbeddingsRequest({ input: 'x', user: 42 }))).toEqual([
      400,
      "'user' must be a string, not 42",
    ]);
  });

  it('refuses stream: true with 400, and accepts stream: false', () => {
    expect(failure(() => checkEmbeddingsRequest({ input: 'x', stream: true }))).toEqual([
      400,
      "llm/v1/embeddings answers are never streamed: remove 'stream' from the request",
    ]);
    expect(checkEmbeddingsRequest({ input: 'x', stream: false })).toBe('float');
  });
});

describe('normalizeLlmRequest for llm/v1/embeddings', () => {
  it('never streams, even when response_streaming is always, and reads the encoding asked for', () => {
    const body = { input: 'hello', encoding_format: 'base64' };
    expect(
      normalizeLlmRequest(body, 'llm/v1/embeddings', {
        configuredModel: 'text-embedding-3-small',
        streaming: 'always',
        path: '/route',
      }),
    ).toEqual({
      name: 'text-embedding-3-small',
      stream: false,
      encodingFormat: 'base64',
    });
  });

  it("resolves the model as chat does: the client's when none is configured, a different one is a 400", () => {
    expect(
      normalizeLlmRequest({ input: 'x', model: 'm' }, 'llm/v1/embeddings', {
        configuredModel: undefined,
        streaming: 'allow',
        path: '/route',
      }).name,
    ).toBe('m');
    expect(
      failure(() =>
        normalizeLlmRequest({ input: 'x', model: 'other' }, 'llm/v1/embeddings', {
          configuredModel: 'm',
          streaming: 'allow',
          path: '/route',
        }),
      ),
    ).toEqual([400, 'cannot use own model - must be: m']);
  });

  it('still decides the streaming of a chat request', () => {
    const body = { messages: [{ role: 'user', content: 'hi' }], stream: true };
    expect(
      normalizeLlmRequest(body, 'llm/v1/chat', {
        configuredModel: 'gpt-4o',
        streaming: 'allow',
        path: '/route',
      }),
    ).toEqual({
      name: 'gpt-4o',
      stream: true,
    });
  });
});

describe('translationBody', () => {
  const options = { max_tokens: 256, temperature: 0.5, input_cost: 1 };

  it('merges no tuning option into an embeddings body, which goes as it came', () => {
    const body = { input: 'hello' };
    expect(translationBody(body, 'llm/v1/embeddings', options)).toBe(body);
  });

  it('merges the configured tuning options into a chat body', () => {
    const body = { messages: [{ role: 'user', content: 'hi' }], max_tokens: 10 };
    expect(translationBody(body, 'llm/v1/chat', options)).toEqual({
      ...body,
      max_tokens: 256,
      temperature: 0.5,
    });
  });
});
