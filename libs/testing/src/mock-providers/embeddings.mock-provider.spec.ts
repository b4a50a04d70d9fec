import { BedrockRuntimeClient, InvokeModelCommand } from '@aws-sdk/client-bedrock-runtime';
import { GoogleGenAI } from '@google/genai';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MOCK_EMBEDDING_DIMENSIONS, mockEmbedding } from './mock-embeddings.js';
import { BEARER_AUTH, postJson } from './mock-provider.spec-helpers.js';
import { startMockProvider, type MockProviderServer } from './mock-provider-server.js';
import { MOCK_AWS_CREDENTIALS, MOCK_PROVIDER_API_KEY } from './mock-provider.types.js';

const TEXTS = ['The food was delicious', 'and the waiter'];

describe('mock providers: embeddings APIs', () => {
  const mocks: Record<string, MockProviderServer> = {};

  beforeAll(async () => {
    for (const id of ['openai', 'azure', 'cohere', 'mistral', 'gemini', 'bedrock', 'huggingface'] as const)
      mocks[id] = await startMockProvider(id);
  });
  afterAll(async () => {
    await Promise.all(Object.values(mocks).map((mock) => mock.close()));
  });

  describe('OpenAI', () => {
    const client = () =>
      new OpenAI({ baseURL: `${mocks.openai!.url}/v1`, apiKey: MOCK_PROVIDER_API_KEY, maxRetries: 0 });

    it('answers the official client: base64 by default (decoded by it), floats when asked, a vector per text', async () => {
      const decoded = await client().embeddings.create({ model: 'text-embedding-3-small', input: TEXTS });
      expect(mocks.openai!.lastRequest()!.body).toMatchObject({ encoding_format: 'base64' });
      const floats = await client().embeddings.create({
        model: 'text-embedding-3-small',
        input: TEXTS,
        encoding_format: 'float',
      });
      expect(decoded.data.map((item) => item.embedding)).toEqual(floats.data.map((item) => item.embedding));
      expect(floats.data[1]!.embedding).toEqual(mockEmbedding(TEXTS[1]!, MOCK_EMBEDDING_DIMENSIONS));
      expect(floats.usage).toEqual({ prompt_tokens: 7, total_tokens: 7 });
    });

    it('shortens text-embedding-3 vectors and refuses dimensions for older models, as OpenAI does', async () => {
      const short = await client().embeddings.create({
        model: 'text-embedding-3-large',
        input: 'x',
        dimensions: 4,
      });
      expect(short.data[0]!.embedding).toHaveLength(4);
      await expect(
        client().embeddings.create({ model: 'text-embedding-ada-002', input: 'x', dimensions: 4 }),
      ).rejects.toMatchObject({
        status: 400,
        message: expect.stringContaining('does not support specifying dimensions'),
      });
    });

    it('refuses a field the API does not have, an empty input and a wrong key', async () => {
      const streamed = await postJson(
        `${mocks.openai!.url}/v1/embeddings`,
        { model: 'm', input: 'x', stream: false },
        BEARER_AUTH,
      );
      expect(streamed.status).toBe(400);
      expect(await streamed.json()).toMatchObject({
        error: { message: 'Unrecognized request argument supplied: stream' },
      });
      const empty = await postJson(
        `${mocks.openai!.url}/v1/embeddings`,
        { model: 'm', input: [] },
        BEARER_AUTH,
      );
      expect(empty.status).toBe(400);
      const wrongKey = await postJson(
        `${mocks.openai!.url}/v1/embeddings`,
        { model: 'm', input: 'x' },
        {
          authorization: 'Bearer sk-wrong-key-0000',
        },
      );
      expect(wrongKey.status).toBe(401);
    });

    it("serves Azure's deployment path with the api-key header, the deployment as the model", async () => {
      const url = `${mocks.azure!.url}/openai/deployments/embed-small/embeddings?api-version=2024-10-21`;
      const answer = await postJson(url, { input: 'x' }, { 'api-key': MOCK_PROVIDER_API_KEY });
      expect(answer.status).toBe(200);
      expect(await answer.json()).toMatchObject({ object: 'list', model: 'embed-small' });
      expect((await postJson(url, { input: 'x' }, BEARER_AUTH)).status).toBe(401);
    });
  });

  describe('Cohere /v2/embed', () => {
    const embed = (body: unknown, headers: Record<string, string> = BEARER_AUTH) =>
      postJson(`${mocks.cohere!.url}/v2/embed`, body, headers);

    it('answers embeddings by type with the texts and the billed input tokens', async () => {
      const response = await embed({
        model: 'embed-v4.0',
        texts: TEXTS,
        input_type: 'search_document',
        output_dimension: 256,
      });
      const body = (await response.json()) as { embeddings: { float: number[][] }; meta: unknown };
      expect(response.status).toBe(200);
      expect(body.embeddings.float.map((vector) => vector.length)).toEqual([256, 256]);
      expect(body).toMatchObject({
        texts: TEXTS,
        meta: { billed_units: { input_tokens: 7 } },
        response_type: 'embeddings_by_type',
      });
    });

    it('refuses what Cohere refuses: no input_type, output_dimension before embed-v4, an unknown field, a wrong key', async () => {
      const cases: [unknown, number, string][] = [
        [
          { model: 'embed-v4.0', texts: TEXTS },
          400,
          'invalid request: valid input_type must be provided with the provided model',
        ],
        [
          { model: 'embed-english-v3.0', texts: TEXTS, input_type: 'search_query', output_dimension: 256 },
          400,
          'invalid request: output_dimension is not supported for model embed-english-v3.0',
        ],
        [
          { model: 'embed-v4.0', texts: TEXTS, input_type: 'search_query', user: 'u' },
          422,
          "unknown field: parameter 'user' is not a valid field.",
        ],
      ];
      for (const [body, status, message] of cases) {
        const response = await embed(body);
        expect(response.status).toBe(status);
        expect(((await response.json()) as { message: string }).message).toContain(message);
      }
      expect(
        (
          await embed(
            { model: 'embed-v4.0', texts: TEXTS, input_type: 'search_query' },
            { authorization: 'Bearer no' },
          )
        ).status,
      ).toBe(401);
    });
  });

  it("Mistral's /v1/embeddings refuses fields it does not know with its 422", async () => {
    const response = await postJson(
      `${mocks.mistral!.url}/v1/embeddings`,
      { model: 'mistral-embed', input: TEXTS, user: 'u' },
      BEARER_AUTH,
    );
    expect(response.status).toBe(422);
    expect(JSON.stringify(await response.json())).toContain('extra_forbidden');
    const ok = await postJson(
      `${mocks.mistral!.url}/v1/embeddings`,
      { model: 'mistral-embed', input: TEXTS },
      BEARER_AUTH,
    );
    expect(await ok.json()).toMatchObject({
      object: 'list',
      usage: { prompt_tokens: 7, completion_tokens: 0 },
    });
  });

  describe('Gemini', () => {
    it("answers the official @google/genai client's embedContent (batchEmbedContents) with a vector per text", async () => {
      const ai = new GoogleGenAI({
        apiKey: MOCK_PROVIDER_API_KEY,
        httpOptions: { baseUrl: mocks.gemini!.url, apiVersion: 'v1beta' },
      });
      const answer = await ai.models.embedContent({
        model: 'gemini-embedding-001',
        contents: TEXTS,
        config: { outputDimensionality: 8 },
      });
      expect(answer.embeddings?.map((embedding) => embedding.values)).toEqual(
        TEXTS.map((text) => mockEmbedding(text, 8)),
      );
      expect(mocks.gemini!.lastRequest()!.path).toBe(
        '/v1beta/models/gemini-embedding-001:batchEmbedContents',
      );
    });

    it("refuses a request for another model than the path's, and Vertex AI's predict without an OAuth token", async () => {
      const mismatch = await postJson(
        `${mocks.gemini!.url}/v1beta/models/gemini-embedding-001:batchEmbedContents`,
        { requests: [{ model: 'models/other', content: { parts: [{ text: 'x' }] } }] },
        { 'x-goog-api-key': MOCK_PROVIDER_API_KEY },
      );
      expect(mismatch.status).toBe(400);
      const vertex = await postJson(
        `${mocks.gemini!.url}/v1/projects/p/locations/l/publishers/google/models/text-embedding-005:predict`,
        { instances: [{ content: 'x' }] },
        { 'x-goog-api-key': MOCK_PROVIDER_API_KEY },
      );
      expect(vertex.status).toBe(401);
    });
  });

  describe('Bedrock InvokeModel', () => {
    const client = (secretAccessKey = MOCK_AWS_CREDENTIALS.secretAccessKey) =>
      new BedrockRuntimeClient({
        endpoint: mocks.bedrock!.url,
        region: 'us-east-1',
        credentials: { ...MOCK_AWS_CREDENTIALS, secretAccessKey },
        maxAttempts: 1,
        requestHandler: new NodeHttpHandler(),
      });
    const invoke = (modelId: string, body: unknown, secret?: string) =>
      client(secret).send(
        new InvokeModelCommand({ modelId, body: JSON.stringify(body), contentType: 'application/json' }),
      );

    it('answers a signed Titan call with its embedding and token count, and a Cohere Embed call with a vector per text', async () => {
      const titan = await invoke('amazon.titan-embed-text-v2:0', { inputText: TEXTS[0], dimensions: 256 });
      const titanBody = JSON.parse(new TextDecoder().decode(titan.body)) as {
        embedding: number[];
        inputTextTokenCount: number;
      };
      expect(titanBody.embedding).toHaveLength(256);
      expect(titanBody.inputTextTokenCount).toBe(4);
      const cohere = await invoke('cohere.embed-english-v3', { texts: TEXTS, input_type: 'search_document' });
      const cohereBody = JSON.parse(new TextDecoder().decode(cohere.body)) as { embeddings: number[][] };
      expect(cohereBody.embeddings).toHaveLength(2);
    });

    it("refuses a wrong signature, a body its model's schema refuses, and an unknown model", async () => {
      await expect(
        invoke('amazon.titan-embed-text-v2:0', { inputText: 'x' }, 'not-the-secret'),
      ).rejects.toMatchObject({
        name: 'InvalidSignatureException',
      });
      await expect(
        invoke('amazon.titan-embed-text-v1', { inputText: 'x', dimensions: 256 }),
      ).rejects.toMatchObject({
        name: 'ValidationException',
        message: expect.stringContaining('extraneous key [dimensions] is not permitted'),
      });
      await expect(invoke('cohere.embed-english-v3', { texts: TEXTS })).rejects.toMatchObject({
        name: 'ValidationException',
        message: expect.stringContaining('required key [input_type] not found'),
      });
      await expect(invoke('meta.llama3-8b-instruct-v1:0', { inputText: 'x' })).rejects.toMatchObject({
        name: 'ValidationException',
      });
    });
  });

  it("Hugging Face's feature extraction answers one vector for a string and a vector per text for a list", async () => {
    const url = `${mocks.huggingface!.url}/pipeline/feature-extraction/sentence-transformers/all-MiniLM-L6-v2`;
    const one = await postJson(url, { inputs: TEXTS[0] }, BEARER_AUTH);
    expect(await one.json()).toEqual(mockEmbedding(TEXTS[0]!, MOCK_EMBEDDING_DIMENSIONS));
    const many = await postJson(url, { inputs: TEXTS }, BEARER_AUTH);
    expect(((await many.json()) as number[][]).map((vector) => vector.length)).toEqual([16, 16]);
    expect((await postJson(url, { inputs: TEXTS }, { authorization: 'Bearer hf_wrong' })).status).toBe(401);
  });
});
