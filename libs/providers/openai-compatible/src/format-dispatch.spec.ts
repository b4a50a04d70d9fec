import { TranslationError } from '@switchyard/plugin-api';
import type { ModelOptions, RouteTranslation } from '@switchyard/plugin-api';
import { makeProviderRequest } from '@switchyard/testing';
import { describe, expect, it } from 'vitest';
import { translationPerFormat } from './format-dispatch.js';

/** A translation that says which format it is, in each of its three parts. */
function named(format: string): RouteTranslation {
  return {
    request: () => ({ body: { format } }),
    response: () => ({ body: { format } }),
    stream: () => ({ contentType: format, translate: () => ({ events: [format] }) }),
  };
}

const perFormat = translationPerFormat('llama2_format', { raw: named('raw'), ollama: named('ollama') });
const request = (options: ModelOptions) =>
  makeProviderRequest({ provider: 'llama2', name: 'llama2', options });

describe('translationPerFormat', () => {
  it('translates each request, answer and stream with the entry its option names', () => {
    const ollama = request({ llama2_format: 'ollama' });
    expect(perFormat.request({}, ollama).body).toEqual({ format: 'ollama' });
    expect(perFormat.response({}, ollama).body).toEqual({ format: 'ollama' });
    expect(perFormat.stream(request({ llama2_format: 'raw' })).contentType).toBe('raw');
  });

  it('refuses a format it has no entry for, naming the option and the formats it knows', () => {
    expect(() => perFormat.request({}, request({ llama2_format: 'gguf' }))).toThrow(
      new TranslationError("llama2_format 'gguf' is not one of raw, ollama"),
    );
    expect(() => perFormat.response({}, request({}))).toThrow(
      new TranslationError("llama2_format 'undefined' is not one of raw, ollama"),
    );
  });
});
