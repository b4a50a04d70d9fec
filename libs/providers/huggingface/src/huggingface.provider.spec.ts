import { GatewayError } from '@switchyard/plugin-api';
import type { ProviderRequest } from '@switchyard/plugin-api';
import { makeProviderRequest } from '@switchyard/testing';
import { describe, expect, it } from 'vitest';
import { huggingfaceProvider } from './huggingface.provider.js';

const MODEL = 'mistralai/Mistral-7B-Instruct-v0.2';

function request(overrides: Partial<ProviderRequest> = {}, name = MODEL): ProviderRequest {
  return makeProviderRequest({ provider: 'huggingface', name, options: {} }, overrides);
}

const completions = (name = MODEL) => request({ routeType: 'llm/v1/completions' }, name);

describe('huggingfaceProvider', () => {
  it('serves OpenAI chat, completions and embeddings clients, streams as SSE, with usage estimated where it is missing', () => {
    expect(huggingfaceProvider.telemetryName).toBe('huggingface');
    expect(Object.keys(huggingfaceProvider.routes)).toEqual([
      'llm/v1/chat',
      'llm/v1/completions',
      'llm/v1/embeddings',
    ]);
    expect(huggingfaceProvider.traits).toEqual({
      streamFraming: 'sse',
      streamReportsUsage: false,
      dropsSetCookie: false,
    });
  });

  it("calls Kong's URLs: the model's text generation for completions, its chat route under it for chat", () => {
    expect(huggingfaceProvider.upstreamUrl(completions()).href).toBe(
      'https://api-inference.huggingface.co/models/mistralai/Mistral-7B-Instruct-v0.2',
    );
    expect(huggingfaceProvider.upstreamUrl(request()).href).toBe(
      'https://api-inference.huggingface.co/models/mistralai/Mistral-7B-Instruct-v0.2/v1/chat/completions',
    );
  });

  it('percent-encodes each part of the model id, and refuses one that would leave /models with a 400', () => {
    expect(huggingfaceProvider.upstreamUrl(completions('org/name:fast?x#y')).pathname).toBe(
      '/models/org/name%3Afast%3Fx%23y',
    );
    for (const name of ['../../api/whoami-v2', 'org//name', 'org/.', '/name']) {
      expect(() => huggingfaceProvider.upstreamUrl(completions(name)), name).toThrow(
        expect.objectContaining({
          constructor: GatewayError,
          status: 400,
          message: `model name '${name}' is no Hugging Face model id: it goes in the URL path as /models/<owner>/<name>, so no part of it may be empty, '.' or '..'`,
        }),
      );
    }
  });

  it('completes a configured upstream_url with the chat path for chat, as Kong does, unless it names the chat route', () => {
    const configured = (url: string, providerRequest: ProviderRequest) =>
      huggingfaceProvider.configuredUpstreamUrl!(new URL(url), providerRequest).href;
    expect(configured('https://xyz.endpoints.huggingface.cloud/', request())).toBe(
      'https://xyz.endpoints.huggingface.cloud/v1/chat/completions',
    );
    expect(configured('http://mock:9000/model-loading?tag=a', request())).toBe(
      'http://mock:9000/model-loading/v1/chat/completions?tag=a',
    );
    expect(configured('https://router.huggingface.co/v1/chat/completions', request())).toBe(
      'https://router.huggingface.co/v1/chat/completions',
    );
    expect(configured('https://router.huggingface.co/hf-inference/models/gpt2', completions())).toBe(
      'https://router.huggingface.co/hf-inference/models/gpt2',
    );
  });

  it("takes over Kong's huggingface option slice", () => {
    expect(huggingfaceProvider.optionFields?.huggingface).toMatchObject({
      type: 'record',
      fields: { use_cache: { type: 'boolean' }, wait_for_model: { type: 'boolean' } },
    });
  });
});
