import { makeProviderRequest } from '@switchyard/testing';
import { describe, expect, it } from 'vitest';
import { huggingfaceProvider } from './huggingface.provider.js';

const request = makeProviderRequest({ provider: 'huggingface', name: 'huggingface-model', options: {} });

describe('huggingfaceProvider', () => {
  it('serves OpenAI chat clients, streamed as sse frames', () => {
    expect(huggingfaceProvider.id).toBe('huggingface');
    expect(huggingfaceProvider.telemetryName).toBe('huggingface');
    expect(Object.keys(huggingfaceProvider.routes)).toEqual(['llm/v1/chat']);
    expect(huggingfaceProvider.traits.streamFraming).toBe('sse');
  });

  it("calls Hugging Face's chat endpoint", () => {
    expect(huggingfaceProvider.upstreamUrl(request).href).toBe('https://api-inference.huggingface.co/models');
  });
});
