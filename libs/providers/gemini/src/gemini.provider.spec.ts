import { makeProviderRequest } from '@switchyard/testing';
import { describe, expect, it } from 'vitest';
import { geminiProvider } from './gemini.provider.js';

const request = makeProviderRequest({ provider: 'gemini', name: 'gemini-model', options: {} });

describe('geminiProvider', () => {
  it('serves OpenAI chat clients, streamed as json-array frames', () => {
    expect(geminiProvider.id).toBe('gemini');
    expect(geminiProvider.telemetryName).toBe('gcp.gemini');
    expect(Object.keys(geminiProvider.routes)).toEqual(['llm/v1/chat']);
    expect(geminiProvider.traits.streamFraming).toBe('json-array');
  });

  it("calls Gemini's chat endpoint", () => {
    expect(geminiProvider.upstreamUrl(request).href).toBe(
      'https://generativelanguage.googleapis.com/v1beta/models',
    );
  });
});
