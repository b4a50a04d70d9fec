import { generateKeyPairSync } from 'node:crypto';
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  DEFAULT_REPLY_TEXT,
  OtlpSink,
  curlData,
  startMockGoogleTokenEndpoint,
  startMockProvider,
  startStandaloneGateway,
  type MockGoogleTokenEndpoint,
  type MockProviderServer,
  type ServiceAccountKeyFile,
  type StandaloneGateway,
} from '@switchyard/testing';
import {
  FUNCTION_DECLARATIONS,
  GEMINI_MODEL,
  IMAGE_PARTS,
  IMAGE_QUESTION,
  QUESTION,
  TOOL_CALLS,
  TOOLS,
  addGeminiRoute,
  collect,
  openAiClient,
  streamedText,
} from './gemini.e2e-helpers.js';

/** google-auth-library's refresh margin, which the shipped driver keeps: a token is replaced this long before it expires. */
const REFRESH_MARGIN_S = 300;
/** A Gemini API key that must never show up anywhere but in the request to Gemini. */
const CANARY_API_KEY = 'AIzaSy-canary-gemini-api-key-7f3e9a1c';
const VERTEX_PATH = `/v1/projects/my-project/locations/us-central1/publishers/google/models/${GEMINI_MODEL}`;
const VERTEX_OPTIONS = {
  gemini: {
    api_endpoint: 'us-central1-aiplatform.googleapis.com',
    project_id: 'my-project',
    location_id: 'us-central1',
  },
};

/** The middle of a PEM key: what would show up if any of the key were printed. */
function keyMaterial(key: ServiceAccountKeyFile): string[] {
  const lines = key.private_key.split('\n').filter((line) => line !== '' && !line.startsWith('-----'));
  return [lines[1], lines[Math.floor(lines.length / 2)], key.private_key_id];
}

/** Gemini on Vertex AI with a service account, through the standalone gateway, driven by the official openai client. */
describe('Gemini on Vertex AI through the standalone gateway, with a service account, driven by the openai client', () => {
  let tokens: MockGoogleTokenEndpoint;
  let vertex: MockProviderServer;
  let sink: OtlpSink;
  let gateway: StandaloneGateway;
  let key: ServiceAccountKeyFile;
  let environmentKey: ServiceAccountKeyFile;
  let whole: OpenAI;
  let streaming: OpenAI;
  /** Every error body the gateway answered, for the canary. */
  const errorBodies: string[] = [];

  /** A Vertex route for `key` (or the one in GCP_SERVICE_ACCOUNT when `undefined`), calling the mock for `operation`. */
  const vertexConfig = (account: ServiceAccountKeyFile | undefined, operation = 'generateContent') => ({
    auth: {
      gcp_use_service_account: true,
      ...(account && { gcp_service_account_json: JSON.stringify(account) }),
    },
    model: { options: { ...VERTEX_OPTIONS, upstream_url: `${vertex.url}${VERTEX_PATH}:${operation}` } },
    logging: { log_statistics: true, log_payloads: true },
  });

  beforeAll(async () => {
    tokens = await startMockGoogleTokenEndpoint();
    key = tokens.createServiceAccountKey();
    environmentKey = tokens.createServiceAccountKey();
    [vertex, sink] = await Promise.all([
      startMockProvider('gemini', { apiKey: CANARY_API_KEY, accessTokens: tokens }),
      OtlpSink.start(),
    ]);
    gateway = await startStandaloneGateway({
      GCP_SERVICE_ACCOUNT: JSON.stringify(environmentKey),
      OTEL_EXPORTER_OTLP_ENDPOINT: sink.endpoint,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      OTEL_BSP_SCHEDULE_DELAY: '50',
    });
    const service = await gateway.admin.form(
      'POST',
      '/services',
      curlData('name=llm', 'url=http://localhost:32000'),
    );
    expect(service.status, service.text).toBe(201);
    await addGeminiRoute(gateway, 'vertex', vertexConfig(key));
    await addGeminiRoute(gateway, 'vertex-stream', vertexConfig(key, 'streamGenerateContent'));
    whole = openAiClient(gateway, 'vertex');
    streaming = openAiClient(gateway, 'vertex-stream');
  }, 60_000);

  beforeEach(() => {
    vertex.reset();
    tokens.expiresInSeconds = 3599;
  });

  afterAll(async () => {
    await gateway?.stop();
    await Promise.all([vertex?.close(), tokens?.close(), sink?.close()]);
  });

  /** The bearer token the mock Vertex received last (it has already checked it was issued and is current). */
  function receivedToken(): string {
    const authorization = vertex.lastRequest()!.headers.authorization ?? '';
    expect(authorization).toMatch(/^Bearer ya29\./);
    return authorization.slice('Bearer '.length);
  }

  it('answers a chat with a token obtained for the service account, on the Vertex AI path', async () => {
    const completion = await whole.chat.completions.create({ model: GEMINI_MODEL, messages: QUESTION });
    expect(completion.choices[0]).toMatchObject({
      message: { content: DEFAULT_REPLY_TEXT },
      finish_reason: 'stop',
    });
    expect(vertex.lastRequest()!.path).toBe(`${VERTEX_PATH}:generateContent`);
    expect(tokens.accepts(receivedToken())).toBe(true);
    expect(tokens.requests.at(-1)?.issuer).toBe(key.client_email);
  });

  it('streams a chat from streamGenerateContent', async () => {
    const { chunks, error } = await collect(
      await streaming.chat.completions.create({ model: GEMINI_MODEL, messages: QUESTION, stream: true }),
    );
    expect(error).toBeUndefined();
    expect(streamedText(chunks)).toBe(DEFAULT_REPLY_TEXT);
    expect(chunks.at(-1)!.choices[0].finish_reason).toBe('stop');
    expect(vertex.lastRequest()!.path).toBe(`${VERTEX_PATH}:streamGenerateContent`);
    receivedToken();
  });

  it('calls tools whole and streamed', async () => {
    vertex.setBehaviour({ replyText: '', toolCalls: TOOL_CALLS });
    const request = {
      model: GEMINI_MODEL,
      messages: QUESTION,
      tools: TOOLS,
      tool_choice: 'required' as const,
      parallel_tool_calls: false,
    };
    const completion = await whole.chat.completions.create(request);
    expect(completion.choices[0].finish_reason).toBe('tool_calls');
    expect(vertex.lastRequest()!.body).toMatchObject({
      tools: [{ functionDeclarations: FUNCTION_DECLARATIONS }],
      toolConfig: { functionCallingConfig: { mode: 'ANY' } },
    });
    const streamed = await streaming.chat.completions.stream(request).finalChatCompletion();
    expect(streamed.choices[0].finish_reason).toBe('tool_calls');
    for (const answer of [completion, streamed]) {
      const calls = answer.choices[0].message.tool_calls as OpenAI.ChatCompletionMessageFunctionToolCall[];
      expect(calls.map((call) => [call.id, call.function.name, JSON.parse(call.function.arguments)])).toEqual(
        [
          [`call_${answer.id}_0`, 'get_weather', { city: 'Oslo' }],
          [`call_${answer.id}_1`, 'get_time', { zone: 'Europe/Oslo' }],
        ],
      );
    }
  });

  it('sends images', async () => {
    const completion = await whole.chat.completions.create({ model: GEMINI_MODEL, messages: IMAGE_QUESTION });
    expect(completion.choices[0].message.content).toBe(DEFAULT_REPLY_TEXT);
    expect(vertex.lastRequest()!.body).toMatchObject({ contents: [{ role: 'user', parts: IMAGE_PARTS }] });
  });

  it('fetches one token for many requests of a plugin config, concurrent ones included', async () => {
    await addGeminiRoute(gateway, 'vertex-once', vertexConfig(key));
    const client = openAiClient(gateway, 'vertex-once');
    const before = tokens.issued;
    const ask = () => client.chat.completions.create({ model: GEMINI_MODEL, messages: QUESTION });
    await Promise.all(Array.from({ length: 8 }, ask));
    for (let sent = 0; sent < 8; sent += 1) await ask();
    expect(tokens.issued - before).toBe(1);
    expect(new Set(vertex.requests.slice(-16).map((request) => request.headers.authorization)).size).toBe(1);
  });

  it('fetches a new token once the kept one comes within the refresh margin of its expiry', async () => {
    // Tokens that live 5 s longer than the margin: fresh for 5 s.
    tokens.expiresInSeconds = REFRESH_MARGIN_S + 5;
    await addGeminiRoute(gateway, 'vertex-refresh', vertexConfig(key));
    const client = openAiClient(gateway, 'vertex-refresh');
    const ask = () => client.chat.completions.create({ model: GEMINI_MODEL, messages: QUESTION });
    const before = tokens.issued;
    const askedAt = Date.now();
    await ask();
    // The token was issued between these two instants.
    const answeredAt = Date.now();
    const first = receivedToken();
    await ask();
    await ask();
    expect(Date.now() - askedAt).toBeLessThan(4500);
    expect(tokens.issued - before).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 5200 - (Date.now() - answeredAt)));
    await ask();
    expect(tokens.issued - before).toBe(2);
    expect(receivedToken()).not.toBe(first);
  });

  it('reads the service account key from GCP_SERVICE_ACCOUNT when the config holds none', async () => {
    await addGeminiRoute(gateway, 'vertex-env', vertexConfig(undefined));
    const completion = await openAiClient(gateway, 'vertex-env').chat.completions.create({
      model: GEMINI_MODEL,
      messages: QUESTION,
    });
    expect(completion.choices[0].message.content).toBe(DEFAULT_REPLY_TEXT);
    expect(tokens.requests.at(-1)?.issuer).toBe(environmentKey.client_email);
  });

  it('answers 502 naming what to check when no token can be had, never sending a request to Vertex', async () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const revoked = { ...key, private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() };
    await addGeminiRoute(gateway, 'vertex-revoked', vertexConfig(revoked));
    const response = await fetch(`${gateway.proxyUrl}/vertex-revoked/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: GEMINI_MODEL, messages: QUESTION }),
    });
    const text = await response.text();
    errorBodies.push(text);
    expect(response.status).toBe(502);
    expect(JSON.parse(text)).toEqual({
      error: {
        message: expect.stringMatching(
          /^could not get a GCP access token for the service account from its token endpoint \(127\.0\.0\.1:\d+\): it answered 400 \(invalid_grant: Invalid JWT Signature\.\); check the key in auth\.gcp_service_account_json/,
        ),
      },
    });
    expect(vertex.requests).toEqual([]);
    for (const material of keyMaterial(revoked)) expect(text).not.toContain(material);
  });

  it("embeds texts with Vertex AI's :predict under the service account's token, counted and traced as embeddings", async () => {
    const model = 'text-embedding-005';
    await addGeminiRoute(gateway, 'vertex-embeddings', {
      route_type: 'llm/v1/embeddings',
      auth: { gcp_use_service_account: true, gcp_service_account_json: JSON.stringify(key) },
      model: {
        name: model,
        options: {
          ...VERTEX_OPTIONS,
          input_cost: 0.025,
          upstream_url: `${vertex.url}/v1/projects/my-project/locations/us-central1/publishers/google/models/${model}:predict`,
        },
      },
      logging: { log_statistics: true },
    });
    const answer = await openAiClient(gateway, 'vertex-embeddings').embeddings.create({
      model,
      input: ['banana bread', 'a recipe for banana bread'],
      dimensions: 8,
    });
    expect(answer.data.map((item) => item.embedding.length)).toEqual([8, 8]);
    // Vertex AI counts each instance's tokens (the mock: a token per word).
    expect(answer.usage).toEqual({ prompt_tokens: 7, total_tokens: 7 });
    receivedToken();
    expect(vertex.lastRequest()!.body).toEqual({
      instances: [{ content: 'banana bread' }, { content: 'a recipe for banana bread' }],
      parameters: { outputDimensionality: 8 },
    });
    await expect
      .poll(() => sink.spans.find((span) => span.kind === 3 && span.name === `embeddings ${model}`), {
        timeout: 5000,
      })
      .toMatchObject({
        attributes: {
          'gen_ai.operation.name': 'embeddings',
          'gen_ai.provider.name': 'gcp.gemini',
          'gen_ai.request.model': model,
          'gen_ai.request.encoding_formats': ['base64'],
          'gen_ai.embeddings.dimension.count': 8,
          'gen_ai.usage.input_tokens': 7,
        },
      });
  });

  it('never shows the service account keys, the API key or the access tokens in logs, traces or error bodies', async () => {
    await addGeminiRoute(gateway, 'gemini-api', {
      auth: { header_name: 'x-goog-api-key', header_value: CANARY_API_KEY },
      model: { options: { upstream_url: `${vertex.url}/v1beta/models/${GEMINI_MODEL}:generateContent` } },
      logging: { log_statistics: true, log_payloads: true },
    });
    const api = openAiClient(gateway, 'gemini-api');
    expect(
      (await api.chat.completions.create({ model: GEMINI_MODEL, messages: QUESTION })).choices[0].message
        .content,
    ).toBe(DEFAULT_REPLY_TEXT);
    vertex.setBehaviour({ status: 401 });
    const refused = await fetch(`${gateway.proxyUrl}/gemini-api/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: GEMINI_MODEL, messages: QUESTION }),
    });
    errorBodies.push(await refused.text());
    await expect
      .poll(() => sink.spans.filter((span) => span.kind === 3).length, { timeout: 5000 })
      .toBeGreaterThan(5);

    const issuedTokens = tokens.requests.flatMap((request) =>
      'token' in request.outcome ? [request.outcome.token] : [],
    );
    const secrets = [...keyMaterial(key), ...keyMaterial(environmentKey), CANARY_API_KEY, ...issuedTokens];
    const places = {
      logs: gateway.process.output(),
      traces: JSON.stringify(sink.spans),
      'error bodies': errorBodies.join('\n'),
    };
    expect(issuedTokens.length).toBeGreaterThan(3);
    expect(places.logs).toContain('"ai.proxy"');
    for (const [place, text] of Object.entries(places))
      for (const secret of secrets)
        expect(text.includes(secret), `${secret.slice(0, 12)}… in ${place}`).toBe(false);
  });
});
