import { makeProviderRequest } from '@switchyard/testing';
import { describe, expect, it } from 'vitest';
import { mistralProvider } from './mistral.provider.js';

const request = makeProviderRequest({ provider: 'mistral', name: 'mistral-model', options: {} });

describe('mistralProvider', () => {
  it('serves OpenAI chat clients, streamed as sse frames', () => {
    expect(mistralProvider.id).toBe('mistral');
    expect(mistralProvider.telemetryName).toBe('mistral_ai');
    expect(Object.keys(mistralProvider.routes)).toEqual(['llm/v1/chat']);
    expect(mistralProvider.traits.streamFraming).toBe('sse');
  });

  it("calls Mistral's chat endpoint", () => {
    expect(mistralProvider.upstreamUrl(request).href).toBe('https://api.mistral.ai/v1/chat/completions');
  });
});
