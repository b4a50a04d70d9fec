import { EventStreamCodec } from '@smithy/eventstream-codec';
import { fromUtf8, toUtf8 } from '@smithy/util-utf8';
import { GatewayError } from '@switchyard/plugin-api';
import { makeProviderRequest } from '@switchyard/testing';
import { describe, expect, it } from 'vitest';
import { bedrockClientApi } from './bedrock.client-api.js';
import { bedrockConversePassThrough } from './bedrock.passthrough.js';

const BODY = { messages: [{ role: 'user', content: [{ text: 'Hi' }] }] };
const MODEL_ID = 'anthropic.claude-3-5-haiku-20241022-v1:0';

describe('bedrockClientApi', () => {
  it('reads the model id (percent-decoded, as the SDK encodes it) and the operation from the path', () => {
    expect(bedrockClientApi.read(BODY, `/route/model/${encodeURIComponent(MODEL_ID)}/converse`)).toEqual({
      model: MODEL_ID,
      stream: false,
    });
    expect(
      bedrockClientApi.read(BODY, `/route/model/${encodeURIComponent(MODEL_ID)}/converse-stream`),
    ).toEqual({
      model: MODEL_ID,
      stream: true,
    });
    expect(bedrockClientApi.matches('/route/model/m/invoke')).toBe(false);
  });

  it('refuses a conversation without messages with 400', () => {
    expect(() => bedrockClientApi.read({}, '/model/m/converse')).toThrow(GatewayError);
  });

  it('names the exception where the AWS SDKs read it', () => {
    expect(bedrockClientApi.errorBody(400, 'bad')).toEqual({ __type: 'ValidationException', message: 'bad' });
    expect(bedrockClientApi.errorBody(429, 'slow')).toEqual({
      __type: 'ThrottlingException',
      message: 'slow',
    });
    expect(bedrockClientApi.errorBody(502, 'gone')).toEqual({
      __type: 'InternalServerException',
      message: 'gone',
    });
  });
});

describe('bedrockConversePassThrough', () => {
  const request = makeProviderRequest(
    { provider: 'bedrock', name: MODEL_ID, options: { max_tokens: 50, top_p: 0.5, top_k: 9 } },
    { clientFormat: 'bedrock' },
  );

  it('puts the configured tuning options in inferenceConfig (Converse has no top_k)', () => {
    const client = { ...BODY, inferenceConfig: { maxTokens: 500, temperature: 0.1 } };
    expect(bedrockConversePassThrough.request(client, request).body).toEqual({
      ...BODY,
      inferenceConfig: { maxTokens: 50, temperature: 0.1, topP: 0.5 },
    });
  });

  it('ends a relayed stream with an exception message the AWS decoder reads', () => {
    const frame = bedrockConversePassThrough
      .stream({ ...request, stream: true })
      .relay!.errorFrame('cut short');
    const message = new EventStreamCodec(toUtf8, fromUtf8).decode(Buffer.from(frame));
    expect(message.headers).toEqual({
      ':message-type': { type: 'string', value: 'exception' },
      ':exception-type': { type: 'string', value: 'internalServerException' },
      ':content-type': { type: 'string', value: 'application/json' },
    });
    expect(JSON.parse(toUtf8(message.body))).toEqual({ message: 'cut short' });
  });
});
