import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  MOCK_AWS_CREDENTIALS,
  MOCK_EMBEDDING_DIMENSIONS,
  MOCK_PROVIDER_API_KEY,
  addAiProxyRoute,
  aiMetricsOf,
  aiProxyLogsOf,
  curlData,
  startMockProvider,
  startStandaloneGateway,
  waitUntilServed,
  type MockProviderServer,
  type StandaloneGateway,
} from '@switchyard/testing';

// Two texts of 4 and 3 words: the mocks count a token per word.
const TEXTS = ['The food was delicious', 'and the waiter…', 'was friendly'];
const TEXT_TOKENS = [4, 3, 2];
/** Per million tokens. */
const INPUT_COST = 0.13;

type ProviderName = 'openai' | 'cohere' | 'gemini' | 'bedrock' | 'mistral' | 'ollama' | 'huggingface';

interface ProviderRoute {
  /** `model.provider`, when it is not the route's name. */
  readonly provider?: string;
  /** The mock server's id. */
  readonly mock: ProviderName;
  readonly model: string;
  /** Another model, served by a route of its own whose usage the usage test reads alone. */
  readonly usageModel: string;
  /** The plugin's form pairs for a model besides route type, provider, model, logging and cost. */
  readonly config: (mock: MockProviderServer, model: string) => string[];
  /** The provider reports its own token count (else the gateway's estimate counts words, as the mocks do). */
  readonly reportsUsage: boolean;
  /** The provider takes a list of texts in one call. */
  readonly takesLists: boolean;
}

const bearer = [
  'config.auth.header_name=Authorization',
  `config.auth.header_value=Bearer ${MOCK_PROVIDER_API_KEY}`,
];

const PROVIDERS: Readonly<Record<string, ProviderRoute>> = {
  openai: {
    mock: 'openai',
    model: 'text-embedding-3-small',
    usageModel: 'text-embedding-3-large',
    config: (mock) => [...bearer, `config.model.options.upstream_url=${mock.url}/v1/embeddings`],
    reportsUsage: true,
    takesLists: true,
  },
  cohere: {
    mock: 'cohere',
    model: 'embed-v4.0',
    usageModel: 'embed-english-v3.0',
    config: (mock) => [...bearer, `config.model.options.upstream_url=${mock.url}/v2/embed`],
    reportsUsage: true,
    takesLists: true,
  },
  gemini: {
    mock: 'gemini',
    model: 'gemini-embedding-001',
    usageModel: 'text-embedding-004',
    config: (mock, model) => [
      'config.auth.header_name=x-goog-api-key',
      `config.auth.header_value=${MOCK_PROVIDER_API_KEY}`,
      `config.model.options.upstream_url=${mock.url}/v1beta/models/${model}:batchEmbedContents`,
    ],
    reportsUsage: false,
    takesLists: true,
  },
  // The region's endpoint is the gateway's AWS_ENDPOINT_URL_BEDROCK_RUNTIME: the driver builds the path.
  bedrock: {
    mock: 'bedrock',
    model: 'amazon.titan-embed-text-v2:0',
    usageModel: 'amazon.titan-embed-text-v1',
    config: () => [
      `config.auth.aws_access_key_id=${MOCK_AWS_CREDENTIALS.accessKeyId}`,
      `config.auth.aws_secret_access_key=${MOCK_AWS_CREDENTIALS.secretAccessKey}`,
      'config.model.options.bedrock.aws_region=us-east-1',
    ],
    reportsUsage: true,
    takesLists: false,
  },
  mistral: {
    mock: 'mistral',
    model: 'codestral-embed',
    usageModel: 'mistral-embed',
    config: (mock) => [
      ...bearer,
      'config.model.options.mistral_format=openai',
      `config.model.options.upstream_url=${mock.url}/v1/embeddings`,
    ],
    reportsUsage: true,
    takesLists: true,
  },
  'mistral-ollama': {
    provider: 'mistral',
    mock: 'ollama',
    model: 'nomic-embed-text',
    usageModel: 'mxbai-embed-large',
    config: (mock) => [
      ...bearer,
      'config.model.options.mistral_format=ollama',
      `config.model.options.upstream_url=${mock.url}/api/embed`,
    ],
    reportsUsage: true,
    takesLists: true,
  },
  huggingface: {
    mock: 'huggingface',
    model: 'sentence-transformers/all-MiniLM-L6-v2',
    usageModel: 'BAAI/bge-small-en-v1.5',
    config: (mock, model) => [
      ...bearer,
      `config.model.options.upstream_url=${mock.url}/pipeline/feature-extraction/${model}`,
    ],
    reportsUsage: false,
    takesLists: true,
  },
};

/** The dimensions each provider can shorten vectors to (Titan v2 and Cohere embed-v4 take fixed sizes). */
const SHORTER: Readonly<Record<string, number | undefined>> = {
  openai: 8,
  cohere: 256,
  gemini: 8,
  bedrock: 256,
  mistral: 8,
  'mistral-ollama': 8,
  huggingface: undefined,
};

describe('llm/v1/embeddings through the standalone gateway, driven by the official openai client', () => {
  let gateway: StandaloneGateway;
  const mocks: Partial<Record<ProviderName, MockProviderServer>> = {};
  const clients: Record<string, OpenAI> = {};

  beforeAll(async () => {
    const names = [...new Set(Object.values(PROVIDERS).map((provider) => provider.mock))];
    const servers = await Promise.all(names.map((name) => startMockProvider(name)));
    names.forEach((name, index) => (mocks[name] = servers[index]));
    gateway = await startStandaloneGateway({ AWS_ENDPOINT_URL_BEDROCK_RUNTIME: mocks.bedrock!.url });
    const service = await gateway.admin.form(
      'POST',
      '/services',
      curlData('name=llm', 'url=http://localhost:32000'),
    );
    expect(service.status, service.text).toBe(201);
    for (const [name, provider] of Object.entries(PROVIDERS)) {
      for (const [route, model] of [
        [name, provider.model],
        [`${name}-usage`, provider.usageModel],
      ] as const) {
        await addAiProxyRoute(gateway.admin, {
          service: 'llm',
          name: route,
          paths: [`/${route}`],
          plugin: [
            'config.route_type=llm/v1/embeddings',
            `config.model.provider=${provider.provider ?? name}`,
            `config.model.name=${model}`,
            `config.model.options.input_cost=${INPUT_COST}`,
            'config.logging.log_statistics=true',
            ...provider.config(mocks[provider.mock]!, model),
          ],
        });
        await waitUntilServed(gateway.proxyUrl, `/${route}`);
        clients[route] = new OpenAI({
          baseURL: `${gateway.proxyUrl}/${route}`,
          apiKey: 'client-key',
          maxRetries: 0,
        });
      }
    }
  }, 90_000);

  beforeEach(() => {
    for (const mock of Object.values(mocks)) mock.reset();
  });

  afterAll(async () => {
    await gateway?.stop();
    await Promise.all(Object.values(mocks).map((mock) => mock.close()));
  });

  describe.each(Object.keys(PROVIDERS))('%s', (name) => {
    const provider = PROVIDERS[name]!;
    const providerId = provider.provider ?? name;
    const client = () => clients[name]!;

    it('embeds one string: a vector in OpenAI’s list, the SDK decoding the base64 it asks for by default', async () => {
      const answer = await client().embeddings.create({ model: provider.model, input: TEXTS[0]! });
      expect(answer.object).toBe('list');
      expect(answer.model).toBe(provider.model);
      expect(answer.data).toHaveLength(1);
      expect(answer.data[0]).toMatchObject({ object: 'embedding', index: 0 });
      expect(answer.data[0]!.embedding).toHaveLength(MOCK_EMBEDDING_DIMENSIONS);
      expect(answer.data[0]!.embedding.every((value) => Number.isFinite(value) && value !== 0)).toBe(true);
      // Floats asked for explicitly are the same vector: base64 is their exact float32 bytes.
      const floats = await client().embeddings.create({
        model: provider.model,
        input: TEXTS[0]!,
        encoding_format: 'float',
      });
      expect(floats.data[0]!.embedding).toEqual(answer.data[0]!.embedding);
    });

    it('embeds a list of strings in input order, or refuses it where the model takes one text per call', async () => {
      const request = client().embeddings.create({ model: provider.model, input: TEXTS });
      if (!provider.takesLists) {
        await expect(request).rejects.toMatchObject({ status: 400 });
        await expect(request).rejects.toThrow(/embeds one text per request/);
        expect(mocks[provider.mock]!.requests).toEqual([]);
        return;
      }
      const answer = await request;
      expect(answer.data.map((item) => item.index)).toEqual([0, 1, 2]);
      const single = await client().embeddings.create({ model: provider.model, input: TEXTS[1]! });
      expect(answer.data[1]!.embedding).toEqual(single.data[0]!.embedding);
      expect(answer.data[0]!.embedding).not.toEqual(answer.data[1]!.embedding);
    });

    it('shortens vectors to the dimensions asked for, or refuses them where the provider cannot', async () => {
      const dimensions = SHORTER[name];
      const request = client().embeddings.create({
        model: provider.model,
        input: TEXTS[0]!,
        dimensions: dimensions ?? 8,
      });
      if (dimensions === undefined) {
        await expect(request).rejects.toMatchObject({ status: 400 });
        await expect(request).rejects.toThrow(/cannot shorten embeddings/);
        return;
      }
      const answer = await request;
      expect(answer.data[0]!.embedding).toHaveLength(dimensions);
    });

    it('refuses token-id input where the provider takes text only, naming the provider', async () => {
      const request = client().embeddings.create({ model: provider.model, input: [[9906, 1917]] });
      if (name === 'openai') {
        const answer = await request;
        expect(answer.usage.prompt_tokens).toBe(2);
        return;
      }
      await expect(request).rejects.toMatchObject({ status: 400 });
      await expect(request).rejects.toThrow(
        `error transforming to ${providerId}://llm/v1/embeddings: ${providerId} embeddings take text input only`,
      );
    });

    it('counts the input tokens and their cost at input_cost in the ai.proxy log and /metrics, no completion tokens', async () => {
      const usageClient = clients[`${name}-usage`]!;
      const model = provider.usageModel;
      const requests = provider.takesLists ? [TEXTS, [TEXTS[2]!]] : [[TEXTS[0]!], [TEXTS[2]!]];
      const counts = requests.map((inputs) =>
        inputs.reduce((sum, text) => sum + TEXT_TOKENS[TEXTS.indexOf(text)]!, 0),
      );
      for (const [index, inputs] of requests.entries()) {
        const answer = await usageClient.embeddings.create({ model, input: inputs });
        // The client's usage is the provider's count; a provider that gives none leaves it at 0.
        const tokens = provider.reportsUsage ? counts[index]! : 0;
        expect(answer.usage).toMatchObject({ prompt_tokens: tokens, total_tokens: tokens });
      }
      const logs = await aiProxyLogsOf(gateway, `/${name}-usage/embeddings`, 2);
      logs.forEach((log, index) => {
        expect(log.meta).toMatchObject({
          provider_name: providerId,
          request_model: model,
          response_model: model,
        });
        expect(log.usage).toMatchObject({
          prompt_tokens: counts[index],
          completion_tokens: 0,
          total_tokens: counts[index],
        });
        expect(log.usage!.cost).toBeCloseTo((counts[index]! * INPUT_COST) / 1_000_000, 15);
      });
      const total = counts[0]! + counts[1]!;
      const metrics = await aiMetricsOf(gateway, providerId, model, 2);
      expect(metrics).toMatchObject({ prompt_tokens: total, completion_tokens: 0, total_tokens: total });
      expect(metrics.cost).toBeCloseTo((total * INPUT_COST) / 1_000_000, 15);
    });
  });

  it('sends OpenAI the base64 the SDK asks for, and other providers a float request', async () => {
    await clients['openai']!.embeddings.create({ model: 'text-embedding-3-small', input: 'hello' });
    expect(mocks.openai!.lastRequest()!.body).toMatchObject({ encoding_format: 'base64' });
    await clients['cohere']!.embeddings.create({ model: 'embed-v4.0', input: 'hello' });
    expect(mocks.cohere!.lastRequest()!.body).toEqual({
      model: 'embed-v4.0',
      texts: ['hello'],
      input_type: 'search_document',
      embedding_types: ['float'],
    });
  });

  it('refuses a stream request with 400 before calling the provider', async () => {
    const response = await fetch(`${gateway.proxyUrl}/openai/embeddings`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ input: 'hello', stream: true }),
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      error: { message: "llm/v1/embeddings answers are never streamed: remove 'stream' from the request" },
    });
    expect(mocks.openai!.requests).toEqual([]);
  });

  it('refuses a body without valid input with 400 naming the field', async () => {
    const response = await fetch(`${gateway.proxyUrl}/cohere/embeddings`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ input: ['fine', ''] }),
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { message: string } }).error.message).toMatch(
      /^request body doesn't contain valid input: 'input' must be/,
    );
  });

  describe('Admin API', () => {
    const plugin = (provider: string, extra: string[] = []) =>
      curlData(
        'name=ai-proxy',
        'config.route_type=llm/v1/embeddings',
        `config.model.provider=${provider}`,
        'config.model.name=some-model',
        'config.auth.header_name=Authorization',
        'config.auth.header_value=Bearer x',
        ...extra,
      );

    it.each([
      ['anthropic', ['config.model.options.anthropic_version=2023-06-01']],
      [
        'llama2',
        [
          'config.model.options.llama2_format=ollama',
          'config.model.options.upstream_url=http://ollama:11434/api/chat',
        ],
      ],
    ])(
      "refuses route_type=llm/v1/embeddings for %s, which has no embeddings API, with Kong's message",
      async (provider, extra) => {
        const response = await gateway.admin.form('POST', '/plugins', plugin(provider, extra));
        expect(response.status, response.text).toBe(400);
        expect(response.body).toMatchObject({
          code: 2,
          name: 'schema violation',
          fields: { config: { '@entity': [`no transformer for ${provider}://llm/v1/embeddings`] } },
        });
      },
    );

    it('accepts route_type=llm/v1/embeddings for a provider with embeddings and shows it back', async () => {
      const response = await gateway.admin.form('POST', '/services/llm/plugins', plugin('openai'));
      expect(response.status, response.text).toBe(201);
      expect(response.body).toMatchObject({ config: { route_type: 'llm/v1/embeddings' } });
      const deleted = await gateway.admin.delete(`/plugins/${(response.body as { id: string }).id}`);
      expect(deleted.status).toBe(204);
    });
  });
});
