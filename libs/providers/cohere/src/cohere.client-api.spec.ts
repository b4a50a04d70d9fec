import { GatewayError } from '@switchyard/plugin-api';
import { makeProviderRequest } from '@switchyard/testing';
import { describe, expect, it } from 'vitest';
import { cohereClientApi } from './cohere.client-api.js';
import { cohereChatPassThrough } from './cohere.passthrough.js';

describe('cohereClientApi', () => {
  it('reads the model and stream flag from the body, at /v1/chat only', () => {
    expect(
      cohereClientApi.read({ message: 'Hi', model: 'command-r', stream: true }, '/route/v1/chat'),
    ).toEqual({
      model: 'command-r',
      stream: true,
    });
    expect(cohereClientApi.matches('/route/v1/chat')).toBe(true);
    expect(cohereClientApi.matches('/route/v2/chat')).toBe(false);
  });

  it("refuses a chat without message or tool results with Cohere's 400", () => {
    expect(() => cohereClientApi.read({ chat_history: [] }, '/v1/chat')).toThrow(
      new GatewayError(
        400,
        'invalid request: message must be at least 1 token long or tool results must be specified.',
      ),
    );
    expect(cohereClientApi.read({ tool_results: [{}] }, '/v1/chat')).toEqual({
      model: undefined,
      stream: false,
    });
  });
});

describe('cohereChatPassThrough', () => {
  it('sends the configured model and tuning options under Cohere’s names', () => {
    const request = makeProviderRequest(
      { provider: 'cohere', name: 'command-r', options: { top_p: 0.7, top_k: 4, temperature: 0.2 } },
      { clientFormat: 'cohere', stream: true },
    );
    expect(
      cohereChatPassThrough.request({ message: 'Hi', model: 'command-r', p: 0.1 }, request).body,
    ).toEqual({
      message: 'Hi',
      model: 'command-r',
      p: 0.7,
      k: 4,
      temperature: 0.2,
      stream: true,
    });
  });
});
