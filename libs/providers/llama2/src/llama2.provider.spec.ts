import { makeProviderRequest } from '@switchyard/testing';
import { describe, expect, it } from 'vitest';
import { llama2Provider } from './llama2.provider.js';

const request = makeProviderRequest({ provider: 'llama2', name: 'llama2-model', options: {} });

describe('llama2Provider', () => {
  it('serves OpenAI chat clients, streamed as ndjson frames', () => {
    expect(llama2Provider.id).toBe('llama2');
    expect(llama2Provider.telemetryName).toBe('llama2');
    expect(Object.keys(llama2Provider.routes)).toEqual(['llm/v1/chat']);
    expect(llama2Provider.traits.streamFraming).toBe('ndjson');
  });

  it("calls Llama 2's chat endpoint", () => {
    expect(llama2Provider.upstreamUrl(request).href).toBe('http://localhost:11434/api/chat');
  });
});
