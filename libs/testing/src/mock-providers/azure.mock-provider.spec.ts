import { AzureOpenAI } from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { postJson } from './mock-provider.spec-helpers.js';
import { startMockProvider, type MockProviderServer } from './mock-provider-server.js';
import { DEFAULT_REPLY_TEXT, MOCK_PROVIDER_API_KEY } from './mock-provider.types.js';

const API_VERSION = '2024-10-21';
const DEPLOYMENT = 'gpt-4o-prod';
const MESSAGES = [{ role: 'user', content: 'What is 1 + 1?' }] as const;
const SAFE = { filtered: false, severity: 'safe' };

describe('Azure OpenAI mock provider', () => {
  let mock: MockProviderServer;
  let client: AzureOpenAI;

  beforeAll(async () => {
    mock = await startMockProvider('azure');
    client = new AzureOpenAI({
      endpoint: mock.url,
      apiKey: MOCK_PROVIDER_API_KEY,
      apiVersion: API_VERSION,
      deployment: DEPLOYMENT,
      maxRetries: 0,
    });
  });
  beforeEach(() => mock.reset());
  afterAll(() => mock.close());

  it('answers the official Azure client on the deployment path, authenticated by the api-key header', async () => {
    const completion = await client.chat.completions.create({ model: 'gpt-4o', messages: [...MESSAGES] });

    expect(completion).toMatchObject({
      object: 'chat.completion',
      model: 'gpt-4o',
      choices: [
        {
          message: { role: 'assistant', content: DEFAULT_REPLY_TEXT },
          finish_reason: 'stop',
          content_filter_results: { hate: SAFE },
        },
      ],
      prompt_filter_results: [{ prompt_index: 0, content_filter_results: { violence: SAFE } }],
      usage: { prompt_tokens: 5, completion_tokens: 8, total_tokens: 13 },
    });
    const request = mock.lastRequest()!;
    expect(request.path).toBe(
      `/openai/deployments/${DEPLOYMENT}/chat/completions?api-version=${API_VERSION}`,
    );
    expect(request.headers['api-key']).toBe(MOCK_PROVIDER_API_KEY);
  });

  it('names the deployment as the model when the body has none', async () => {
    const response = await postJson(
      `${mock.url}/openai/deployments/${DEPLOYMENT}/completions?api-version=${API_VERSION}`,
      { prompt: 'Say it' },
      { 'api-key': MOCK_PROVIDER_API_KEY },
    );

    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      object: 'text_completion',
      model: DEPLOYMENT,
      choices: [{ text: DEFAULT_REPLY_TEXT }],
    });
  });

  it('opens a stream with the prompt-filter chunk that has no choices, then streams OpenAI chunks', async () => {
    const stream = await client.chat.completions.create({
      model: 'gpt-4o',
      messages: [...MESSAGES],
      stream: true,
      stream_options: { include_usage: true },
    });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);

    expect(chunks[0]).toMatchObject({
      id: '',
      object: '',
      model: '',
      choices: [],
      prompt_filter_results: [{ prompt_index: 0 }],
    });
    expect(chunks[1].choices[0].delta.role).toBe('assistant');
    expect(chunks.map((chunk) => chunk.choices[0]?.delta.content ?? '').join('')).toBe(DEFAULT_REPLY_TEXT);
    expect(chunks.at(-1)).toMatchObject({ choices: [], usage: { prompt_tokens: 5, completion_tokens: 8 } });
  });

  it('answers 404 Resource not found without an api-version query parameter', async () => {
    const response = await postJson(
      `${mock.url}/openai/deployments/${DEPLOYMENT}/chat/completions`,
      { messages: MESSAGES },
      { 'api-key': MOCK_PROVIDER_API_KEY },
    );

    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ error: { code: '404', message: 'Resource not found' } });
  });

  it('rejects a wrong api-key, or a Bearer key, with Azure 401 access denied', async () => {
    const url = `${mock.url}/openai/deployments/${DEPLOYMENT}/chat/completions?api-version=${API_VERSION}`;
    const wrongCredentials: Array<Record<string, string>> = [
      { 'api-key': 'wrong' },
      { authorization: `Bearer ${MOCK_PROVIDER_API_KEY}` },
    ];
    for (const headers of wrongCredentials) {
      const response = await postJson(url, { messages: MESSAGES }, headers);

      expect(response.status).toBe(401);
      expect(await response.json()).toEqual({
        error: {
          code: '401',
          message: expect.stringMatching(
            /^Access denied due to invalid subscription key or wrong API endpoint/,
          ),
        },
      });
    }
  });
});
