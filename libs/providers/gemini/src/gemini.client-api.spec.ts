import { GatewayError } from '@switchyard/plugin-api';
import { makeProviderRequest } from '@switchyard/testing';
import { describe, expect, it } from 'vitest';
import { geminiClientApi } from './gemini.client-api.js';
import { geminiPassThrough } from './gemini.passthrough.js';
import { geminiConfiguredUpstreamUrl } from './gemini.urls.js';

const BODY = { contents: [{ role: 'user', parts: [{ text: 'Hi' }] }] };
const MODEL = {
  provider: 'gemini',
  name: 'gemini-2.0-flash',
  options: { max_tokens: 100, top_k: 3 },
} as const;

function refusal(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error instanceof GatewayError ? [error.status, error.message] : error;
  }
  return undefined;
}

describe('geminiClientApi', () => {
  it('reads the model and the operation from the path, v1 and v1beta alike', () => {
    expect(geminiClientApi.read(BODY, '/route/v1/models/gemini-2.0-flash:generateContent')).toEqual({
      model: 'gemini-2.0-flash',
      stream: false,
    });
    expect(geminiClientApi.read(BODY, '/route/v1beta/models/gemini-2.0-flash:streamGenerateContent')).toEqual(
      {
        model: 'gemini-2.0-flash',
        stream: true,
      },
    );
  });

  it('serves generateContent and streamGenerateContent only', () => {
    expect(geminiClientApi.matches('/route/v1beta/models/gemini-2.0-flash:generateContent')).toBe(true);
    expect(geminiClientApi.matches('/route/v1beta/models/gemini-2.0-flash:countTokens')).toBe(false);
    expect(geminiClientApi.matches('/route/v1beta/models')).toBe(false);
  });

  it("refuses a request without contents with Google's 400", () => {
    expect(refusal(() => geminiClientApi.read({}, '/v1/models/m:generateContent'))).toEqual([
      400,
      '* GenerateContentRequest.contents: contents is not specified\n',
    ]);
  });

  it("answers errors in Google's shape, with the status name", () => {
    expect(geminiClientApi.errorBody(429, 'slow down')).toEqual({
      error: { code: 429, message: 'slow down', status: 'RESOURCE_EXHAUSTED' },
    });
    expect(geminiClientApi.errorBody(502, 'gone')).toEqual({
      error: { code: 502, message: 'gone', status: 'UNAVAILABLE' },
    });
  });
});

describe('geminiPassThrough', () => {
  const request = makeProviderRequest(MODEL, { clientFormat: 'gemini' });

  it('puts the configured tuning options in generationConfig over the client’s, without changing its body', () => {
    const client = { ...BODY, generationConfig: { temperature: 0.1, maxOutputTokens: 5 } };
    expect(geminiPassThrough.request(client, request).body).toEqual({
      ...BODY,
      generationConfig: { temperature: 0.1, maxOutputTokens: 100, topK: 3 },
    });
    expect(client.generationConfig).toEqual({ temperature: 0.1, maxOutputTokens: 5 });
  });

  it('relays SSE when the client asked alt=sse, the JSON array otherwise, each failing in its framing', () => {
    const sse = geminiPassThrough.stream({
      ...request,
      stream: true,
      clientQuery: new URLSearchParams('alt=sse'),
    });
    expect(sse.framing).toBe('sse');
    expect(sse.relay?.errorFrame('cut')).toBe(
      'data: {"error":{"code":500,"message":"cut","status":"INTERNAL"}}\n\n',
    );
    const array = geminiPassThrough.stream({ ...request, stream: true });
    expect(array.framing).toBe('json-array');
    expect(array.relay?.errorFrame('cut')).toBe(
      ',\r\n{"error":{"code":500,"message":"cut","status":"INTERNAL"}}\n]',
    );
  });

  it("reads usage from Gemini's answer and sends the same object on", () => {
    const answer = {
      candidates: [{ content: { role: 'model', parts: [{ text: 'Hello' }] }, finishReason: 'STOP' }],
      usageMetadata: { promptTokenCount: 4, candidatesTokenCount: 1, totalTokenCount: 5 },
      modelVersion: 'gemini-2.0-flash',
      responseId: 'r1',
    };
    const read = geminiPassThrough.response(answer, request);
    expect(read.body).toBe(answer);
    expect(read.usage).toMatchObject({ prompt_tokens: 4, completion_tokens: 1 });
  });
});

describe('geminiConfiguredUpstreamUrl', () => {
  it("gives a native client's operation to a configured URL that ends in one; OpenAI clients keep Kong's whole URL", () => {
    const configured = () => new URL('http://mock/v1beta/models/m:generateContent');
    const native = makeProviderRequest(MODEL, { clientFormat: 'gemini', stream: true });
    expect(geminiConfiguredUpstreamUrl(configured(), native).pathname).toBe(
      '/v1beta/models/m:streamGenerateContent',
    );
    const openAi = makeProviderRequest(MODEL, { stream: true });
    expect(geminiConfiguredUpstreamUrl(configured(), openAi).pathname).toBe(
      '/v1beta/models/m:generateContent',
    );
  });
});
