import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import OpenAI from 'openai';
import {
  MOCK_PROVIDER_API_KEY,
  curlData,
  startMockProvider,
  startStandaloneGateway,
  waitUntilServed,
  type MockProviderServer,
  type StandaloneGateway,
} from '@switchyard/testing';

const QUESTION = {
  messages: [
    { role: 'system', content: 'You are a mathematician' },
    { role: 'user', content: 'What is 1+1?' },
  ],
};

describe("Kong's AI Proxy getting-started guide, end to end on the standalone gateway", () => {
  let gateway: StandaloneGateway;
  let openai: MockProviderServer;
  let azure: MockProviderServer;
  let cohere: MockProviderServer;

  beforeAll(async () => {
    [openai, azure, cohere] = await Promise.all([
      startMockProvider('openai'),
      startMockProvider('azure'),
      startMockProvider('cohere'),
    ]);
    gateway = await startStandaloneGateway();
    const service = await gateway.admin.form(
      'POST',
      '/services',
      curlData('name=ai-proxy', 'url=http://localhost:32000'),
    );
    expect(service.status).toBe(201);
  });

  afterAll(async () => {
    await gateway?.stop();
    await Promise.all([openai?.close(), azure?.close(), cohere?.close()]);
  });

  async function addRoute(
    name: string,
    path: string,
    pluginData: string[],
    probe = `/${name}`,
  ): Promise<void> {
    const route = await gateway.admin.form(
      'POST',
      '/services/ai-proxy/routes',
      curlData(`name=${name}`, `paths[]=${path}`),
    );
    expect(route.status, route.text).toBe(201);
    const plugin = await gateway.admin.form(
      'POST',
      `/routes/${name}/plugins`,
      curlData('name=ai-proxy', ...pluginData),
    );
    expect(plugin.status, plugin.text).toBe(201);
    await waitUntilServed(gateway.proxyUrl, probe);
  }

  async function ask(path: string, body: unknown, headers: Record<string, string> = {}) {
    const response = await fetch(`${gateway.proxyUrl}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, headers: response.headers, text, json: () => JSON.parse(text) };
  }

  it('OpenAI: the guide verbatim; the upstream gets the key, the model and the configured options', async () => {
    await addRoute('openai-chat', '~/openai-chat$', [
      'config.route_type=llm/v1/chat',
      'config.auth.header_name=Authorization',
      `config.auth.header_value=Bearer ${MOCK_PROVIDER_API_KEY}`,
      'config.model.provider=openai',
      'config.model.name=gpt-4',
      'config.model.options.max_tokens=512',
      'config.model.options.temperature=1.0',
      `config.model.options.upstream_url=${openai.url}/v1/chat/completions`,
    ]);
    const answer = await ask('/openai-chat', QUESTION);
    expect(answer.status, answer.text).toBe(200);
    expect(answer.headers.get('x-kong-llm-model')).toBe('openai/gpt-4');
    expect(answer.json()).toMatchObject({
      object: 'chat.completion',
      model: 'gpt-4',
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content: 'The answer to 1 + 1 is 2.' },
          finish_reason: 'stop',
        },
      ],
      usage: { completion_tokens: 8 },
    });
    const upstream = openai.lastRequest()!;
    expect(upstream.path).toBe('/v1/chat/completions');
    expect(upstream.headers['authorization']).toBe(`Bearer ${MOCK_PROVIDER_API_KEY}`);
    expect(upstream.body).toMatchObject({ ...QUESTION, model: 'gpt-4', max_tokens: 512, temperature: 1 });
  });

  it('Azure: the guide verbatim; the deployment path and api-version reach the upstream', async () => {
    await addRoute('azure-chat', '~/azure-chat$', [
      'config.route_type=llm/v1/chat',
      'config.auth.header_name=api-key',
      `config.auth.header_value=${MOCK_PROVIDER_API_KEY}`,
      'config.model.provider=azure',
      'config.model.name=gpt-35-turbo',
      'config.model.options.azure_instance=my-openai-instance',
      'config.model.options.azure_deployment_id=kong-gpt-3-5',
      'config.model.options.max_tokens=512',
      'config.model.options.temperature=1.0',
      `config.model.options.upstream_url=${azure.url}/openai/deployments/kong-gpt-3-5/chat/completions`,
    ]);
    const answer = await ask('/azure-chat?api-version=2024-10-21', QUESTION);
    expect(answer.status, answer.text).toBe(200);
    expect(answer.json().choices[0].message.content).toBe('The answer to 1 + 1 is 2.');
    const upstream = azure.lastRequest()!;
    // The client's api-version wins over the configured one.
    expect(upstream.path).toBe('/openai/deployments/kong-gpt-3-5/chat/completions?api-version=2024-10-21');
    expect(upstream.headers['api-key']).toBe(MOCK_PROVIDER_API_KEY);
    expect(upstream.body).toMatchObject({ model: 'gpt-35-turbo', max_tokens: 512, temperature: 1 });
  });

  it("Cohere chat: the request is translated to Cohere's format and the answer back to OpenAI's", async () => {
    await addRoute('cohere-chat', '~/cohere-chat$', [
      'config.route_type=llm/v1/chat',
      'config.auth.header_name=Authorization',
      `config.auth.header_value=Bearer ${MOCK_PROVIDER_API_KEY}`,
      'config.model.provider=cohere',
      'config.model.name=command-r',
      'config.model.options.max_tokens=512',
      'config.model.options.temperature=1.0',
      `config.model.options.upstream_url=${cohere.url}/v1/chat`,
    ]);
    const answer = await ask('/cohere-chat', QUESTION);
    expect(answer.status, answer.text).toBe(200);
    expect(answer.json()).toMatchObject({
      object: 'chat.completion',
      model: 'command-r',
      choices: [
        { message: { role: 'assistant', content: 'The answer to 1 + 1 is 2.' }, finish_reason: 'stop' },
      ],
      usage: { prompt_tokens: 7, completion_tokens: 8, total_tokens: 15 },
    });
    expect(cohere.lastRequest()!.body).toMatchObject({
      model: 'command-r',
      // The system prompt is Cohere's preamble (Kong sends it as a USER turn of chat_history).
      preamble: 'You are a mathematician',
      message: 'What is 1+1?',
      max_tokens: 512,
      temperature: 1,
    });
    expect(cohere.lastRequest()!.body).not.toHaveProperty('chat_history');
  });

  it('Cohere completions: prompt in, text_completion out', async () => {
    await addRoute('cohere-completions', '~/cohere-completions$', [
      'config.route_type=llm/v1/completions',
      'config.auth.header_name=Authorization',
      `config.auth.header_value=Bearer ${MOCK_PROVIDER_API_KEY}`,
      'config.model.provider=cohere',
      'config.model.name=command',
      'config.model.options.max_tokens=512',
      `config.model.options.upstream_url=${cohere.url}/v1/generate`,
    ]);
    const answer = await ask('/cohere-completions', { prompt: 'What is 1+1?' });
    expect(answer.status, answer.text).toBe(200);
    expect(answer.json()).toMatchObject({
      object: 'text_completion',
      choices: [{ text: 'The answer to 1 + 1 is 2.' }],
    });
    expect(cohere.lastRequest()!.body).toMatchObject({
      prompt: 'What is 1+1?',
      model: 'command',
      max_tokens: 512,
    });
  });

  describe('the official openai client', () => {
    const client = (path: string) =>
      new OpenAI({ baseURL: `${gateway.proxyUrl}${path}`, apiKey: 'unused-by-the-gateway' });

    for (const [provider, path, model] of [
      ['openai', '/openai-sdk', 'gpt-4'],
      ['azure', '/azure-sdk', 'gpt-35-turbo'],
      ['cohere', '/cohere-sdk', 'command-r'],
    ] as const) {
      it(`gets ${provider} answers, whole and streamed`, async () => {
        const mock = { openai, azure, cohere }[provider];
        const upstreamPath = {
          openai: '/v1/chat/completions',
          azure: '/openai/deployments/d/chat/completions',
          cohere: '/v1/chat',
        }[provider];
        await addRoute(
          `${provider}-sdk`,
          `~/${provider}-sdk/chat/completions$`,
          [
            'config.route_type=llm/v1/chat',
            `config.auth.header_name=${provider === 'azure' ? 'api-key' : 'Authorization'}`,
            `config.auth.header_value=${provider === 'azure' ? '' : 'Bearer '}${MOCK_PROVIDER_API_KEY}`,
            `config.model.provider=${provider}`,
            `config.model.name=${model}`,
            ...(provider === 'azure'
              ? ['config.model.options.azure_instance=i', 'config.model.options.azure_deployment_id=d']
              : []),
            `config.model.options.upstream_url=${mock.url}${upstreamPath}`,
          ],
          `${path}/chat/completions`,
        );
        const sdk = client(path);
        const whole = await sdk.chat.completions.create({ model, messages: QUESTION.messages as never });
        expect(whole.choices[0]!.message.content).toBe('The answer to 1 + 1 is 2.');

        const stream = await sdk.chat.completions.create({
          model,
          messages: QUESTION.messages as never,
          stream: true,
        });
        let text = '';
        let chunks = 0;
        for await (const chunk of stream) {
          chunks += 1;
          text += chunk.choices[0]?.delta?.content ?? '';
        }
        expect(text).toBe('The answer to 1 + 1 is 2.');
        expect(chunks).toBeGreaterThanOrEqual(8);
      });
    }
  });
});
