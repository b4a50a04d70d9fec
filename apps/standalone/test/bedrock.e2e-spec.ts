import {
  BedrockRuntimeClient,
  ConverseCommand,
  ConverseStreamCommand,
} from '@aws-sdk/client-bedrock-runtime';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  DEFAULT_REPLY_TEXT,
  MOCK_AWS_CREDENTIALS,
  OtlpSink,
  SIGNATURE_MISMATCH_MESSAGE,
  addAiProxyRoute,
  startMockProvider,
  startStandaloneGateway,
  waitUntilServed,
  type MockProviderServer,
  type StandaloneGateway,
} from '@switchyard/testing';

// A model id with `:`, which travels percent-encoded in the path.
const MODEL = 'anthropic.claude-3-5-haiku-20241022-v1:0';
const MODEL_PATH = `/model/${encodeURIComponent(MODEL)}`;
// The gateway's environment credentials: temporary ones, with a session token. Canaries: neither
// may ever appear in a log line, a span or an answer.
const ENV_CREDENTIALS = {
  accessKeyId: 'ASIAQ3EGV7EXAMPLE777',
  secretAccessKey: 'canary-secret-8c1f3e0b-never-logged',
  sessionToken: 'canary-session-token-5d2a91f4-never-logged',
};
const WRONG_SECRET = 'canary-wrong-secret-0e7b44c2-never-logged';
const SYSTEM = 'You are a mathematician.';
const QUESTION: OpenAI.ChatCompletionMessageParam[] = [
  { role: 'system', content: SYSTEM },
  { role: 'user', content: 'What is 1 + 1?' },
];
const TOOLS: OpenAI.ChatCompletionFunctionTool[] = [
  {
    type: 'function',
    function: {
      name: 'get_weather',
      description: 'The weather in a city',
      parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
    },
  },
  {
    type: 'function',
    function: {
      name: 'get_time',
      parameters: { type: 'object', properties: { zone: { type: 'string' } }, required: ['zone'] },
    },
  },
];
const TOOL_CALLS = [
  { name: 'get_weather', arguments: { city: 'Oslo' } },
  { name: 'get_time', arguments: { zone: 'Europe/Oslo' } },
];
const EXPECTED_CALLS = [
  { id: 'tooluse_call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Oslo"}' } },
  {
    id: 'tooluse_call_2',
    type: 'function',
    function: { name: 'get_time', arguments: '{"zone":"Europe/Oslo"}' },
  },
];
// "You are a mathematician." + "What is 1 + 1?": 4 + 5 words; the default reply is 8 words.
const PROMPT_TOKENS = 9;
const REPLY_TOKENS = 8;
const PIXEL =
  'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';

describe('Amazon Bedrock through the standalone gateway, driven by the official openai client', () => {
  let gateway: StandaloneGateway;
  let bedrock: MockProviderServer;
  let keyed: MockProviderServer;
  let sink: OtlpSink;
  let client: OpenAI;
  /** Every body the gateway answered with, for the canary check. */
  const answers: string[] = [];

  beforeAll(async () => {
    [bedrock, keyed, sink] = await Promise.all([
      startMockProvider('bedrock', { awsCredentials: ENV_CREDENTIALS }),
      startMockProvider('bedrock'),
      OtlpSink.start(),
    ]);
    gateway = await startStandaloneGateway({
      AWS_ACCESS_KEY_ID: ENV_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: ENV_CREDENTIALS.secretAccessKey,
      AWS_SESSION_TOKEN: ENV_CREDENTIALS.sessionToken,
      AWS_REGION: 'us-east-1',
      // What the AWS SDKs read: the real paths, on the mock.
      AWS_ENDPOINT_URL_BEDROCK_RUNTIME: bedrock.url,
      OTEL_EXPORTER_OTLP_ENDPOINT: sink.endpoint,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      OTEL_BSP_SCHEDULE_DELAY: '50',
      LOG_LEVEL: 'debug',
    });
    const service = await gateway.admin.json('POST', '/services', {
      name: 'llm',
      url: 'http://localhost:32000',
    });
    expect(service.status, service.text).toBe(201);
    await addAiProxyRoute(gateway.admin, {
      service: 'llm',
      name: 'bedrock',
      paths: ['/bedrock'],
      plugin: [
        'config.route_type=llm/v1/chat',
        'config.auth.allow_override=false',
        'config.model.provider=bedrock',
        `config.model.name=${MODEL}`,
        'config.model.options.max_tokens=512',
        'config.model.options.input_cost=3',
        'config.model.options.output_cost=15',
        'config.logging.log_statistics=true',
        'config.logging.log_payloads=true',
      ],
    });
    const keyedRoute = (name: string, secret: string) =>
      addAiProxyRoute(gateway.admin, {
        service: 'llm',
        name,
        paths: [`/${name}`],
        plugin: [
          'config.route_type=llm/v1/chat',
          `config.auth.aws_access_key_id=${MOCK_AWS_CREDENTIALS.accessKeyId}`,
          `config.auth.aws_secret_access_key=${secret}`,
          'config.model.provider=bedrock',
          `config.model.name=${MODEL}`,
          'config.model.options.bedrock.aws_region=eu-west-3',
          `config.model.options.upstream_url=${keyed.url}${MODEL_PATH}/converse`,
        ],
      });
    await addAiProxyRoute(gateway.admin, {
      service: 'llm',
      name: 'bedrock-native',
      paths: ['~/model/[^/]+/converse(-stream)?$'],
      plugin: [
        'config.route_type=preserve',
        'config.auth.allow_override=false',
        'config.model.provider=bedrock',
        `config.model.name=${MODEL}`,
      ],
    });
    await keyedRoute('bedrock-keys', MOCK_AWS_CREDENTIALS.secretAccessKey);
    await keyedRoute('bedrock-wrong-keys', WRONG_SECRET);
    await waitUntilServed(gateway.proxyUrl, '/bedrock-wrong-keys');
    client = new OpenAI({ baseURL: `${gateway.proxyUrl}/bedrock`, apiKey: 'client-key', maxRetries: 0 });
  }, 60_000);

  beforeEach(() => {
    bedrock.reset();
    keyed.reset();
  });

  afterAll(async () => {
    await gateway?.stop();
    await Promise.all([bedrock?.close(), keyed?.close(), sink?.close()]);
  });

  /** What the mock Bedrock received last: it has already checked the signature, the fields and the turns. */
  function received(mock = bedrock) {
    const request = mock.lastRequest()!;
    return { path: request.path, headers: request.headers, body: request.body as Record<string, unknown> };
  }

  async function metricsText(): Promise<string> {
    return (await fetch(`${gateway.statusUrl}/metrics`)).text();
  }

  /** The value of the first series of `metric` whose labels include all of `labels`. */
  async function metricValue(metric: string, labels: readonly string[]): Promise<number> {
    const row = (await metricsText())
      .split('\n')
      .find((line) => line.startsWith(`${metric}{`) && labels.every((label) => line.includes(label)));
    return row ? Number(row.slice(row.lastIndexOf(' ') + 1)) : 0;
  }

  async function accessLineOf(path: string): Promise<Record<string, unknown>> {
    let line: Record<string, unknown> | undefined;
    await expect
      .poll(() => (line = gateway.accessLog().find((entry) => entry['path'] === path)), { timeout: 3000 })
      .toBeDefined();
    return line!;
  }

  it('answers a chat, SigV4-signed with the environment’s temporary credentials, counted in the log and /metrics', async () => {
    const before = await metricValue('kong_ai_llm_tokens_total', [
      'ai_provider="bedrock"',
      'token_type="prompt_tokens"',
    ]);
    const completion = await new OpenAI({
      baseURL: `${gateway.proxyUrl}/bedrock/whole`,
      apiKey: 'client-key',
      maxRetries: 0,
    }).chat.completions.create({ model: MODEL, messages: QUESTION, user: 'user-7', temperature: 0.2 });
    expect(completion).toMatchObject({
      object: 'chat.completion',
      model: MODEL,
      choices: [
        { index: 0, message: { role: 'assistant', content: DEFAULT_REPLY_TEXT }, finish_reason: 'stop' },
      ],
      usage: {
        prompt_tokens: PROMPT_TOKENS,
        completion_tokens: REPLY_TOKENS,
        total_tokens: PROMPT_TOKENS + REPLY_TOKENS,
      },
    });
    const upstream = received();
    expect(upstream.path).toBe(`${MODEL_PATH}/converse`);
    expect(upstream.headers.authorization).toMatch(
      new RegExp(
        `^AWS4-HMAC-SHA256 Credential=${ENV_CREDENTIALS.accessKeyId}/\\d{8}/us-east-1/bedrock/aws4_request, SignedHeaders=content-type;host;x-amz-content-sha256;x-amz-date;x-amz-security-token, Signature=[0-9a-f]{64}$`,
      ),
    );
    expect(upstream.headers['x-amz-security-token']).toBe(ENV_CREDENTIALS.sessionToken);
    expect(upstream.headers['x-forwarded-for']).toBeDefined();
    expect(upstream.body).toEqual({
      messages: [{ role: 'user', content: [{ text: 'What is 1 + 1?' }] }],
      system: [{ text: SYSTEM }],
      inferenceConfig: { maxTokens: 512, temperature: 0.2 },
    });

    const line = await accessLineOf('/bedrock/whole/chat/completions');
    const analytics = (line['log'] as Record<string, Record<string, Record<string, unknown>>>)['ai.proxy']!;
    expect(analytics['meta']).toMatchObject({
      provider_name: 'bedrock',
      request_model: MODEL,
      response_model: MODEL,
    });
    expect(analytics['usage']).toMatchObject({
      prompt_tokens: PROMPT_TOKENS,
      completion_tokens: REPLY_TOKENS,
      total_tokens: PROMPT_TOKENS + REPLY_TOKENS,
      cost: (PROMPT_TOKENS * 3 + REPLY_TOKENS * 15) / 1e6,
    });
    await expect
      .poll(
        () =>
          metricValue('kong_ai_llm_tokens_total', ['ai_provider="bedrock"', 'token_type="prompt_tokens"']),
        {
          timeout: 3000,
        },
      )
      .toBe(before + PROMPT_TOKENS);
  });

  it('streams a chat from converse-stream, with the usage chunk last when the client asks', async () => {
    const stream = await client.chat.completions.create({
      model: MODEL,
      messages: QUESTION,
      stream: true,
      stream_options: { include_usage: true },
    });
    const chunks: OpenAI.ChatCompletionChunk[] = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(
      chunks
        .slice(0, -1)
        .map((chunk) => chunk.choices[0]!.delta.content ?? '')
        .join(''),
    ).toBe(DEFAULT_REPLY_TEXT);
    expect(chunks.at(-2)!.choices[0]!.finish_reason).toBe('stop');
    expect(chunks.at(-1)).toMatchObject({
      choices: [],
      usage: {
        prompt_tokens: PROMPT_TOKENS,
        completion_tokens: REPLY_TOKENS,
        total_tokens: PROMPT_TOKENS + REPLY_TOKENS,
      },
    });
    expect(received().path).toBe(`${MODEL_PATH}/converse-stream`);
    expect(received().body).not.toHaveProperty('stream_options');
  });

  it('calls several tools in one answer, whole and streamed, with what real clients send', async () => {
    bedrock.setBehaviour({ replyText: '', toolCalls: TOOL_CALLS });
    const request = {
      model: MODEL,
      messages: QUESTION,
      tools: TOOLS,
      tool_choice: 'auto' as const,
      parallel_tool_calls: false,
    };
    const completion = await client.chat.completions.create(request);
    expect(completion.choices[0]).toMatchObject({
      finish_reason: 'tool_calls',
      message: { content: null, tool_calls: EXPECTED_CALLS },
    });
    expect(received().body.toolConfig).toEqual({
      tools: [
        {
          toolSpec: {
            name: 'get_weather',
            description: 'The weather in a city',
            inputSchema: { json: TOOLS[0]!.function.parameters },
          },
        },
        { toolSpec: { name: 'get_time', inputSchema: { json: TOOLS[1]!.function.parameters } } },
      ],
      toolChoice: { auto: {} },
    });

    const streamed = await client.chat.completions.stream(request).finalChatCompletion();
    expect(streamed.choices[0]!.finish_reason).toBe('tool_calls');
    expect(streamed.choices[0]!.message.tool_calls).toEqual(EXPECTED_CALLS);
    expect(received().path).toBe(`${MODEL_PATH}/converse-stream`);
  });

  it("sends the tools' results back as toolResult blocks that Bedrock accepts", async () => {
    const completion = await client.chat.completions.create({
      model: MODEL,
      tools: TOOLS,
      messages: [
        ...QUESTION,
        {
          role: 'assistant',
          content: null,
          tool_calls: EXPECTED_CALLS as OpenAI.ChatCompletionMessageToolCall[],
        },
        { role: 'tool', tool_call_id: 'tooluse_call_1', content: '{"degrees":21}' },
        { role: 'tool', tool_call_id: 'tooluse_call_2', content: '14:00' },
      ],
    });
    expect(completion.choices[0]!.message.content).toBe(DEFAULT_REPLY_TEXT);
    expect((received().body.messages as unknown[]).at(-1)).toEqual({
      role: 'user',
      content: [
        { toolResult: { toolUseId: 'tooluse_call_1', content: [{ json: { degrees: 21 } }] } },
        { toolResult: { toolUseId: 'tooluse_call_2', content: [{ text: '14:00' }] } },
      ],
    });
  });

  it('sends images as bytes, and refuses a URL Bedrock cannot fetch with a 400 saying so', async () => {
    const completion = await client.chat.completions.create({
      model: MODEL,
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'What colour is this pixel?' },
            { type: 'image_url', image_url: { url: PIXEL, detail: 'low' } },
          ],
        },
      ],
    });
    expect(completion.choices[0]!.message.content).toBe(DEFAULT_REPLY_TEXT);
    expect(received().body.messages).toEqual([
      {
        role: 'user',
        content: [
          { text: 'What colour is this pixel?' },
          { image: { format: 'png', source: { bytes: PIXEL.split(',')[1] } } },
        ],
      },
    ]);

    const refused = await client.chat.completions
      .create({
        model: MODEL,
        messages: [
          {
            role: 'user',
            content: [{ type: 'image_url', image_url: { url: 'https://example.test/cat.png' } }],
          },
        ],
      })
      .catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(OpenAI.BadRequestError);
    expect((refused as Error).message).toContain(
      'error transforming to bedrock://llm/v1/chat: bedrock takes images as bytes',
    );
    answers.push((refused as Error).message);
  });

  it('ends a stream that fails midway with the exception as an error event, in the access log and /metrics', async () => {
    const before = await metricValue('switchyard_http_response_failures_total', [
      'reason="provider_stream_error"',
    ]);
    bedrock.setBehaviour({ streamErrorAfter: 3 });
    const failing = new OpenAI({
      baseURL: `${gateway.proxyUrl}/bedrock/failing`,
      apiKey: 'client-key',
      maxRetries: 0,
    });
    const stream = await failing.chat.completions.create({ model: MODEL, messages: QUESTION, stream: true });
    const chunks: OpenAI.ChatCompletionChunk[] = [];
    const failure = await (async () => {
      try {
        for await (const chunk of stream) chunks.push(chunk);
      } catch (error) {
        return error;
      }
      return undefined;
    })();
    // messageStart, then two text pieces: the exception came instead of the third.
    expect(chunks.map((chunk) => chunk.choices[0]!.delta)).toEqual([
      { role: 'assistant', content: '' },
      { content: 'The' },
      { content: ' answer' },
    ]);
    expect(failure).toBeInstanceOf(OpenAI.APIError);
    expect(failure).toMatchObject({
      message: 'Too many requests, please wait before trying again.',
      error: { type: 'throttlingException' },
    });
    const line = await accessLineOf('/bedrock/failing/chat/completions');
    expect(line).toMatchObject({ status: 200, failure: 'provider_stream_error' });
    await expect
      .poll(
        () => metricValue('switchyard_http_response_failures_total', ['reason="provider_stream_error"']),
        {
          timeout: 3000,
        },
      )
      .toBe(before + 1);
  });

  it("passes Bedrock's 429 ThrottlingException through with its status, body and error type", async () => {
    bedrock.setBehaviour({ status: 429 });
    const response = await fetch(`${gateway.proxyUrl}/bedrock/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: MODEL, messages: QUESTION }),
    });
    expect(response.status).toBe(429);
    expect(response.headers.get('x-amzn-errortype')).toMatch(/^ThrottlingException:/);
    expect(await response.json()).toEqual({ message: 'Too many requests, please wait before trying again.' });
  });

  it("signs with the config's static key for its region, and a wrong secret gets AWS's 403", async () => {
    const keys = new OpenAI({
      baseURL: `${gateway.proxyUrl}/bedrock-keys`,
      apiKey: 'client-key',
      maxRetries: 0,
    });
    const completion = await keys.chat.completions.create({ model: MODEL, messages: QUESTION });
    expect(completion.choices[0]!.message.content).toBe(DEFAULT_REPLY_TEXT);
    const upstream = received(keyed);
    expect(upstream.path).toBe(`${MODEL_PATH}/converse`);
    expect(upstream.headers.authorization).toContain(`Credential=${MOCK_AWS_CREDENTIALS.accessKeyId}/`);
    expect(upstream.headers.authorization).toContain('/eu-west-3/bedrock/aws4_request');
    expect(upstream.headers).not.toHaveProperty('x-amz-security-token');

    const wrong = await fetch(`${gateway.proxyUrl}/bedrock-wrong-keys/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: MODEL, messages: QUESTION }),
    });
    const body = await wrong.text();
    answers.push(body);
    expect(wrong.status).toBe(403);
    expect(wrong.headers.get('x-amzn-errortype')).toMatch(/^InvalidSignatureException:/);
    expect(JSON.parse(body)).toEqual({ message: SIGNATURE_MISMATCH_MESSAGE });
  });

  it("serves the AWS SDK's own Converse calls on a preserve route, re-signed with the gateway's credentials", async () => {
    // The client signs with a key of its own, which AWS would refuse: the gateway's signature replaces it.
    const sdk = new BedrockRuntimeClient({
      endpoint: gateway.proxyUrl,
      region: 'us-east-1',
      credentials: { accessKeyId: 'AKIACLIENTKEY0000000', secretAccessKey: 'client-secret' },
      maxAttempts: 1,
      requestHandler: new NodeHttpHandler(),
    });
    try {
      const question = [{ role: 'user' as const, content: [{ text: 'What is 1 + 1?' }] }];
      const whole = await sdk.send(new ConverseCommand({ modelId: MODEL, messages: question }));
      expect(whole.output?.message?.content).toEqual([{ text: DEFAULT_REPLY_TEXT }]);
      expect(received().path).toBe(`${MODEL_PATH}/converse`);
      expect(received().headers.authorization).toContain(`Credential=${ENV_CREDENTIALS.accessKeyId}/`);

      const streamed = await sdk.send(new ConverseStreamCommand({ modelId: MODEL, messages: question }));
      let text = '';
      for await (const event of streamed.stream!) text += event.contentBlockDelta?.delta?.text ?? '';
      expect(text).toBe(DEFAULT_REPLY_TEXT);
      expect(received().path).toBe(`${MODEL_PATH}/converse-stream`);
    } finally {
      sdk.destroy();
    }
  });

  it('never lets a secret key or session token reach a log line, a span or an answer (canary)', async () => {
    const traced = await fetch(`${gateway.proxyUrl}/bedrock/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: MODEL, messages: QUESTION }),
    });
    answers.push(await traced.text());
    expect(traced.status).toBe(200);
    await expect
      .poll(() => sink.spans.some((span) => span.attributes['gen_ai.provider.name'] === 'aws.bedrock'), {
        timeout: 5000,
      })
      .toBe(true);
    // The canaries are real: the mock did receive the session token, signed.
    expect(received().headers['x-amz-security-token']).toBe(ENV_CREDENTIALS.sessionToken);

    const places = {
      'the log': gateway.process.output(),
      'the spans': JSON.stringify(sink.spans),
      'the answers': answers.join('\n'),
    };
    for (const [place, text] of Object.entries(places)) {
      for (const secret of [
        ENV_CREDENTIALS.secretAccessKey,
        ENV_CREDENTIALS.sessionToken,
        MOCK_AWS_CREDENTIALS.secretAccessKey,
        WRONG_SECRET,
      ]) {
        expect(text.includes(secret), `${place} holds a credential`).toBe(false);
      }
    }
    expect(places['the log'].length).toBeGreaterThan(1000);
  });
});
