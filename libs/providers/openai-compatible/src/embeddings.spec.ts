import { TranslationError } from '@switchyard/plugin-api';
import { makeProviderRequest } from '@switchyard/testing';
import { describe, expect, it } from 'vitest';
import {
  embeddingTextInput,
  embeddingTexts,
  encodeEmbedding,
  openAiEmbeddingsAnswer,
  translateOpenAiEmbeddingsRequest,
  translateOpenAiEmbeddingsResponse,
} from './embeddings.js';
import { bufferedTranslationPerFormat } from './format-dispatch.js';

const request = (encodingFormat?: 'float' | 'base64', options = {}) =>
  makeProviderRequest(
    { provider: 'mistral', name: 'mistral-embed', options },
    { routeType: 'llm/v1/embeddings', ...(encodingFormat && { encodingFormat }) },
  );

/** The floats of base64 little-endian float32 bytes, read with DataView (not the code under test). */
function decodeFloat32(base64: string): number[] {
  const bytes = Uint8Array.from(atob(base64), (char) => char.charCodeAt(0));
  const view = new DataView(bytes.buffer);
  return Array.from({ length: bytes.length / 4 }, (_, index) => view.getFloat32(index * 4, true));
}

describe('encodeEmbedding', () => {
  it('gives base64 of the little-endian float32 bytes when base64 is asked for', () => {
    const encoded = encodeEmbedding([1, -2.5, 0.125], request('base64'));
    expect(encoded).toBe('AACAPwAAIMAAAAA+');
    expect(decodeFloat32(encoded as string)).toEqual([1, -2.5, 0.125]);
  });

  it('keeps the floats otherwise, as a new list', () => {
    const vector = [0.5, 0.25];
    const encoded = encodeEmbedding(vector, request('float'));
    expect(encoded).toEqual(vector);
    expect(encoded).not.toBe(vector);
  });
});

describe('embeddingTexts', () => {
  it('reads a string or a list of strings', () => {
    expect(embeddingTexts({ input: 'one' }, 'cohere')).toEqual(['one']);
    expect(embeddingTexts({ input: ['one', 'two'] }, 'cohere')).toEqual(['one', 'two']);
  });

  it('refuses token ids with a TranslationError naming the provider', () => {
    for (const input of [[1, 2], [[1, 2]]]) {
      expect(() => embeddingTexts({ input }, 'gemini')).toThrow(
        new TranslationError(
          "gemini embeddings take text input only: send 'input' as a string or a list of strings, not token ids",
        ),
      );
    }
  });
});

describe('embeddingTextInput', () => {
  it('keeps one string a string and a list a list, and refuses token ids', () => {
    expect(embeddingTextInput({ input: 'one' }, 'mistral')).toBe('one');
    expect(embeddingTextInput({ input: ['one'] }, 'mistral')).toEqual(['one']);
    expect(() => embeddingTextInput({ input: [[1]] }, 'mistral')).toThrow(TranslationError);
  });
});

describe('OpenAI-format embeddings translations', () => {
  it('sends the client fields with the resolved model and without stream', () => {
    const body = { input: ['a'], dimensions: 8, encoding_format: 'base64', user: 'u', stream: false };
    expect(translateOpenAiEmbeddingsRequest(body, request())).toEqual({
      body: { input: ['a'], dimensions: 8, encoding_format: 'base64', user: 'u', model: 'mistral-embed' },
    });
  });

  it('passes an answer through as the same object, reading its usage and model', () => {
    const answer = {
      object: 'list',
      data: [{ object: 'embedding', index: 0, embedding: 'AACAPw==' }],
      model: 'text-embedding-3-small',
      usage: { prompt_tokens: 3, total_tokens: 3 },
    };
    const translated = translateOpenAiEmbeddingsResponse(answer, request('base64'));
    expect(translated.body).toBe(answer);
    expect(translated).toMatchObject({
      usage: { prompt_tokens: 3, total_tokens: 3 },
      model: 'text-embedding-3-small',
    });
  });

  it('encodes float vectors to base64 when the client asked for base64 and the upstream sent floats', () => {
    const answer = {
      id: 'x',
      object: 'list',
      data: [{ object: 'embedding', index: 0, embedding: [1, -2.5] }],
    };
    const translated = translateOpenAiEmbeddingsResponse(answer, request('base64'));
    expect(translated.body).toEqual({
      id: 'x',
      object: 'list',
      data: [{ object: 'embedding', index: 0, embedding: 'AACAPwAAIMA=' }],
    });
    expect(answer.data[0]!.embedding).toEqual([1, -2.5]);
  });

  it("refuses an answer without data with Kong's kind of message", () => {
    expect(() => translateOpenAiEmbeddingsResponse({ choices: [] }, request())).toThrow(
      new TranslationError("'data' not in llm/v1/embeddings response"),
    );
  });
});

describe('openAiEmbeddingsAnswer', () => {
  it("builds OpenAI's list in input order, with the provider's count as usage", () => {
    expect(openAiEmbeddingsAnswer([[0.5], [0.25]], request(), { promptTokens: 7, id: 'r1' })).toEqual({
      body: {
        object: 'list',
        data: [
          { object: 'embedding', index: 0, embedding: [0.5] },
          { object: 'embedding', index: 1, embedding: [0.25] },
        ],
        model: 'mistral-embed',
        usage: { prompt_tokens: 7, total_tokens: 7 },
      },
      usage: { prompt_tokens: 7, total_tokens: 7 },
      model: 'mistral-embed',
      id: 'r1',
    });
  });

  it("leaves the summary's usage out when the provider gives no count, for the core's estimate", () => {
    const translated = openAiEmbeddingsAnswer([[0.5]], request('base64'));
    expect(translated.usage).toBeUndefined();
    expect(translated.body).toMatchObject({
      data: [{ embedding: 'AAAAPw==' }],
      usage: { prompt_tokens: 0, total_tokens: 0 },
    });
  });
});

describe('bufferedTranslationPerFormat', () => {
  it('refuses a format it has no translation for, naming the option', () => {
    const dispatched = bufferedTranslationPerFormat<'openai' | 'ollama'>('mistral_format', {
      openai: { request: () => ({ body: {} }), response: (body) => ({ body }) },
    });
    expect(() => dispatched.request({ input: 'x' }, request('float', { mistral_format: 'ollama' }))).toThrow(
      new TranslationError("mistral_format 'ollama' is not one of openai"),
    );
    expect(dispatched.request({ input: 'x' }, request('float', { mistral_format: 'openai' }))).toEqual({
      body: {},
    });
  });
});
