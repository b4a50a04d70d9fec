import { makeProviderRequest } from '@switchyard/testing';
import { describe, expect, it } from 'vitest';
import { bedrockProvider } from './bedrock.provider.js';

const request = makeProviderRequest({ provider: 'bedrock', name: 'bedrock-model', options: {} });

describe('bedrockProvider', () => {
  it('serves OpenAI chat clients, streamed as aws-eventstream frames', () => {
    expect(bedrockProvider.id).toBe('bedrock');
    expect(bedrockProvider.telemetryName).toBe('aws.bedrock');
    expect(Object.keys(bedrockProvider.routes)).toEqual(['llm/v1/chat']);
    expect(bedrockProvider.traits.streamFraming).toBe('aws-eventstream');
  });

  it("calls Amazon Bedrock's chat endpoint", () => {
    expect(bedrockProvider.upstreamUrl(request).href).toBe(
      'https://bedrock-runtime.us-east-1.amazonaws.com/model',
    );
  });
});
