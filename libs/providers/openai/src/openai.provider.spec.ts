import { TranslationError } from '@switchyard/plugin-api';
import type { LlmRouteType, ModelOptions } from '@switchyard/plugin-api';
import { makeProviderRequest, routeTranslation } from '@switchyard/testing';
import { describe, expect, it } from 'vitest';
import { openaiProvider } from './openai.provider.js';

const request = (routeType: LlmRouteType, options: ModelOptions = {}) =>
  makeProviderRequest({ provider: 'openai', name: 'gpt-4o-mini', options }, { routeType });

describe('openaiProvider', () => {
  it('serves chat, completions, embeddings and the Responses API, streams as SSE, without chat stream usage unless asked', () => {
    expect(openaiProvider.id).toBe('openai');
    expect(Object.keys(openaiProvider.routes)).toEqual([
      'llm/v1/chat',
      'llm/v1/completions',
      'llm/v1/embeddings',
      'llm/v1/responses',
    ]);
    expect(openaiProvider.traits).toMatchObject({ streamFraming: 'sse', streamReportsUsage: false });
    expect(openaiProvider.telemetryName).toBe('openai');
  });

  it("calls OpenAI's chat, completions and Responses endpoints", () => {
    expect(openaiProvider.upstreamUrl(request('llm/v1/chat')).href).toBe(
      'https://api.openai.com/v1/chat/completions',
    );
    expect(openaiProvider.upstreamUrl(request('llm/v1/completions')).href).toBe(
      'https://api.openai.com/v1/completions',
    );
    expect(openaiProvider.upstreamUrl(request('llm/v1/responses')).href).toBe(
      'https://api.openai.com/v1/responses',
    );
  });

  it('owns the Responses API as a client API, which the others serve through chat', () => {
    expect(openaiProvider.clientApi).toMatchObject({
      format: 'openai',
      routeTypes: ['llm/v1/responses'],
      pivot: { routeType: 'llm/v1/chat' },
    });
  });

  it('uses the deprecated upstream_path option as the path', () => {
    expect(openaiProvider.upstreamUrl(request('llm/v1/chat', { upstream_path: '/v1/responses' })).href).toBe(
      'https://api.openai.com/v1/responses',
    );
  });

  it("fails an answer without choices with Kong's message", () => {
    expect(() =>
      routeTranslation(openaiProvider).response({ object: 'error' }, request('llm/v1/chat')),
    ).toThrow(new TranslationError("'choices' not in llm/v1/chat response"));
  });
});
