import { validatePluginConfig } from '@switchyard/config';
import { compileLlmTarget, llmSchemaParts, type LlmConfig } from '@switchyard/llm';
import {
  buildRequestContext,
  MOCK_AWS_CREDENTIALS,
  startMockProvider,
  type MockProviderServer,
} from '@switchyard/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { PROVIDERS } from './index.js';

const MODEL = 'anthropic.claude-3-5-haiku-20241022-v1:0';

/**
 * The LLM core's authenticator stage with the Bedrock driver: each attempt (`target.start`) is
 * translated and signed anew, and what the core leaves in `ctx.upstream` is what AWS accepts.
 */
describe('bedrock requests through the LLM core', () => {
  let mock: MockProviderServer;
  let config: LlmConfig;

  beforeAll(async () => {
    mock = await startMockProvider('bedrock');
    const parts = llmSchemaParts(PROVIDERS);
    const validated = validatePluginConfig(
      { type: 'record', description: 'llm', fields: parts.fields, entity_checks: parts.checks },
      {
        route_type: 'llm/v1/chat',
        auth: {
          aws_access_key_id: MOCK_AWS_CREDENTIALS.accessKeyId,
          aws_secret_access_key: MOCK_AWS_CREDENTIALS.secretAccessKey,
        },
        model: {
          provider: 'bedrock',
          name: MODEL,
          // The mock's own URL in place of AWS's, as Kong's upstream_url does.
          options: {
            bedrock: { aws_region: 'us-west-2' },
            upstream_url: `${mock.url}/model/${encodeURIComponent(MODEL)}/converse`,
          },
        },
      },
    );
    if (!validated.ok) throw new Error(JSON.stringify(validated.errors));
    config = validated.value as unknown as LlmConfig;
  });
  afterAll(() => mock.close());
  afterEach(() => vi.useRealTimers());

  /** One attempt: the request as the core prepares it, sent as the gateway's upstream client would. */
  async function attempt(target: ReturnType<typeof compileLlmTarget>) {
    const ctx = buildRequestContext({
      url: '/bedrock/chat/completions',
      headers: { 'user-agent': 'OpenAI/JS 6.49.0', 'x-amz-date': '20000101T000000Z' },
      body: { model: MODEL, messages: [{ role: 'user', content: 'What is 1 + 1?' }] },
    });
    await target.start(ctx);
    const { url, method, headers, body } = ctx.upstream;
    const response = await fetch(url, { method, headers, body });
    return { headers: { ...headers }, status: response.status, text: await response.text() };
  }

  it('signs every attempt anew: two attempts, two valid signatures with their own dates', async () => {
    const target = compileLlmTarget(
      {
        pluginId: 'bedrock-signing',
        config,
        responseStreaming: 'allow',
        modelNameHeader: false,
        clientFormat: 'openai',
      },
      PROVIDERS,
    );
    vi.useFakeTimers({ toFake: ['Date'], now: new Date() });
    const first = await attempt(target);
    vi.setSystemTime(Date.now() + 2_000);
    const second = await attempt(target);

    expect([first.status, second.status], `${first.text}\n${second.text}`).toEqual([200, 200]);
    expect(first.headers['x-amz-date']).not.toBe('20000101T000000Z');
    expect(second.headers['x-amz-date']).not.toBe(first.headers['x-amz-date']);
    expect(second.headers.authorization).not.toBe(first.headers.authorization);
    expect(first.headers.authorization).toContain('/us-west-2/bedrock/aws4_request');
    expect(mock.requests.map((request) => request.headers['x-amz-date'])).toEqual([
      first.headers['x-amz-date'],
      second.headers['x-amz-date'],
    ]);
  });
});
