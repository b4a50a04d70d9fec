import { makeProviderRequest } from '@switchyard/testing';
import { describe, expect, it } from 'vitest';
import { anthropicProvider } from './anthropic.provider.js';

const request = makeProviderRequest({ provider: 'anthropic', name: 'anthropic-model', options: {} });

describe('anthropicProvider', () => {
  it('serves OpenAI chat clients, streamed as sse frames', () => {
    expect(anthropicProvider.id).toBe('anthropic');
    expect(anthropicProvider.telemetryName).toBe('anthropic');
    expect(Object.keys(anthropicProvider.routes)).toEqual(['llm/v1/chat']);
    expect(anthropicProvider.traits.streamFraming).toBe('sse');
  });

  it("calls Anthropic's chat endpoint", () => {
    expect(anthropicProvider.upstreamUrl(request).href).toBe('https://api.anthropic.com/v1/messages');
  });
});
