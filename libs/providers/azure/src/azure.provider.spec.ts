import { GatewayError, TranslationError } from '@switchyard/plugin-api';
import type { ModelOptions, ProviderRequest } from '@switchyard/plugin-api';
import { makeProviderRequest, routeTranslation } from '@switchyard/testing';
import { describe, expect, it } from 'vitest';
import { azureProvider } from './azure.provider.js';

const options: ModelOptions = {
  azure_instance: 'switchyard-test',
  azure_deployment_id: 'gpt-4o',
  azure_api_version: '2024-06-01',
};
const request = (overrides: Partial<ProviderRequest> = {}, modelOptions: ModelOptions = options) =>
  makeProviderRequest({ provider: 'azure', name: 'gpt-4o', options: modelOptions }, overrides);

describe('azureProvider', () => {
  it('serves chat, completions, embeddings and the Responses API, streams as SSE, without chat stream usage unless asked', () => {
    expect(azureProvider.id).toBe('azure');
    expect(Object.keys(azureProvider.routes)).toEqual([
      'llm/v1/chat',
      'llm/v1/completions',
      'llm/v1/embeddings',
      'llm/v1/responses',
    ]);
    expect(azureProvider.traits).toMatchObject({ streamFraming: 'sse', streamReportsUsage: false });
    expect(azureProvider.telemetryName).toBe('azure.ai.openai');
  });

  it("calls the deployment's chat and completions endpoints with the configured api-version", () => {
    expect(azureProvider.upstreamUrl(request()).href).toBe(
      'https://switchyard-test.openai.azure.com/openai/deployments/gpt-4o/chat/completions?api-version=2024-06-01',
    );
    expect(azureProvider.upstreamUrl(request({ routeType: 'llm/v1/completions' })).href).toBe(
      'https://switchyard-test.openai.azure.com/openai/deployments/gpt-4o/completions?api-version=2024-06-01',
    );
  });

  it("calls the instance's Responses API, which names the deployment in the body, with the api-version", () => {
    expect(azureProvider.upstreamUrl(request({ routeType: 'llm/v1/responses' })).href).toBe(
      'https://switchyard-test.openai.azure.com/openai/responses?api-version=2024-06-01',
    );
  });

  it("lets the client's api-version query value win over the configured one", () => {
    const url = azureProvider.upstreamUrl(
      request({ clientQuery: new URLSearchParams('api-version=2024-10-21') }),
    );
    expect(url.searchParams.get('api-version')).toBe('2024-10-21');
  });

  it("falls back to Kong's default api-version", () => {
    const url = azureProvider.upstreamUrl(request({}, { ...options, azure_api_version: null }));
    expect(url.searchParams.get('api-version')).toBe('2023-05-15');
  });

  it('fails with a 500 naming the missing option', () => {
    expect(() => azureProvider.upstreamUrl(request({}, { ...options, azure_instance: '' }))).toThrow(
      expect.objectContaining({
        constructor: GatewayError,
        status: 500,
        message: "must set 'model.options.azure_instance' for azure provider",
      }),
    );
    expect(() => azureProvider.upstreamUrl(request({}, { azure_instance: 'switchyard-test' }))).toThrow(
      "must set 'model.options.azure_deployment_id' for azure provider",
    );
  });

  it('translates as OpenAI does', () => {
    const upstream = routeTranslation(azureProvider, 'llm/v1/completions').request(
      { prompt: 'hi', top_k: 3 },
      request({ routeType: 'llm/v1/completions' }),
    );
    expect(upstream.body).toEqual({ prompt: 'hi', model: 'gpt-4o', stream: false });
    expect(() => routeTranslation(azureProvider).response({}, request())).toThrow(
      new TranslationError("'choices' not in llm/v1/chat response"),
    );
  });
});
