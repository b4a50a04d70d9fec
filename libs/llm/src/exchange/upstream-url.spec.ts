import type { ProviderDriver, ProviderRequest } from '@switchyard/plugin-api';
import { describe, expect, it } from 'vitest';
import { fakeOpenAiDriver, makeProviderRequest } from '@switchyard/testing';
import { llmUpstreamUrl, preserveUpstreamUrl } from './upstream-url.js';

function providerRequest(options: ProviderRequest['model']['options'] = {}, query = ''): ProviderRequest {
  return makeProviderRequest(
    { provider: 'openai', name: 'gpt-4o', options },
    { clientQuery: new URLSearchParams(query) },
  );
}

describe('llmUpstreamUrl', () => {
  it("uses the driver's URL", () => {
    expect(llmUpstreamUrl(fakeOpenAiDriver(), providerRequest()).href).toBe(
      'https://openai.example/v1/chat/completions',
    );
  });

  it('uses the whole upstream_url when set', () => {
    const url = llmUpstreamUrl(
      fakeOpenAiDriver(),
      providerRequest({ upstream_url: 'http://mock:9000/llm/v1/chat/good' }),
    );
    expect(url.href).toBe('http://mock:9000/llm/v1/chat/good');
  });

  it('lets the driver complete a configured upstream_url, and keeps the query it sets', () => {
    const driver: ProviderDriver = {
      ...fakeOpenAiDriver('azure'),
      configuredUpstreamUrl: (configured, request) => {
        configured.pathname += `/${request.model.name}`;
        return configured;
      },
    };
    const url = llmUpstreamUrl(driver, providerRequest({ upstream_url: 'http://mock:9000/models?x=1' }));
    expect(url.href).toBe('http://mock:9000/models/gpt-4o?x=1&api-version=2023-05-15');
  });

  it("keeps the provider's own query parameters (Azure's api-version) with an upstream_url", () => {
    const configured = llmUpstreamUrl(
      fakeOpenAiDriver('azure'),
      providerRequest({ upstream_url: 'http://mock:9000/openai/deployments/d/chat/completions' }),
    );
    expect(configured.href).toBe(
      'http://mock:9000/openai/deployments/d/chat/completions?api-version=2023-05-15',
    );
    const fromClient = llmUpstreamUrl(
      fakeOpenAiDriver('azure'),
      providerRequest(
        { upstream_url: 'http://mock:9000/openai/deployments/d/chat/completions' },
        'api-version=2024-10-21',
      ),
    );
    expect(fromClient.searchParams.get('api-version')).toBe('2024-10-21');
  });

  it("adds the client's query parameters, under the ones the URL sets itself", () => {
    const url = llmUpstreamUrl(
      fakeOpenAiDriver('azure'),
      providerRequest({}, 'api-version=2024-10-21&tag=a&tag=b'),
    );
    expect(url.searchParams.getAll('api-version')).toEqual(['2024-10-21']);
    expect(url.searchParams.getAll('tag')).toEqual(['a', 'b']);
  });
});

describe('preserveUpstreamUrl', () => {
  const providerUrl = () =>
    new URL('https://azure.example/openai/deployments/d/chat/completions?api-version=2023-05-15');

  it("sends the client's path to the provider's origin, with the provider's query", () => {
    const url = preserveUpstreamUrl({
      options: {},
      clientPath: '/v1/embeddings',
      clientQuery: new URLSearchParams('x=1'),
      providerUrl,
    });
    expect(url.href).toBe('https://azure.example/v1/embeddings?api-version=2023-05-15&x=1');
  });

  it('takes upstream_path over the client path, with one leading slash', () => {
    const url = preserveUpstreamUrl({
      options: { upstream_path: '//openai/deployments/d/embeddings' },
      clientPath: '/anything',
      clientQuery: new URLSearchParams(),
      providerUrl,
    });
    expect(url.pathname).toBe('/openai/deployments/d/embeddings');
  });

  it('sends to upstream_url whole when it has a path', () => {
    const url = preserveUpstreamUrl({
      options: { upstream_url: 'http://mock:9000/override/path/completely' },
      clientPath: '/v1/embeddings',
      clientQuery: new URLSearchParams(),
      providerUrl: () => {
        throw new Error('not needed');
      },
    });
    expect(url.href).toBe('http://mock:9000/override/path/completely');
  });

  it("sends the client's path to a bare upstream_url origin (as Kong)", () => {
    const url = preserveUpstreamUrl({
      options: { upstream_url: 'http://mock:9000' },
      clientPath: '/v1/embeddings',
      clientQuery: new URLSearchParams(),
      providerUrl,
    });
    expect(url.href).toBe('http://mock:9000/v1/embeddings');
  });
});
