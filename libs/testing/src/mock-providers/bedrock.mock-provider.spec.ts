import {
  BedrockRuntimeClient,
  ConverseCommand,
  ConverseStreamCommand,
  ThrottlingException,
  ValidationException,
  type ConverseStreamOutput,
  type Message,
} from '@aws-sdk/client-bedrock-runtime';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SIGNATURE_MISMATCH_MESSAGE } from './bedrock.mock-provider.js';
import { postJson } from './mock-provider.spec-helpers.js';
import { startMockProvider, type MockProviderServer } from './mock-provider-server.js';
import { DEFAULT_REPLY_TEXT, MOCK_AWS_CREDENTIALS, type MockAwsCredentials } from './mock-provider.types.js';

// An inference profile ARN: its `:` and `/` travel percent-encoded in the path.
const MODEL = 'arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.anthropic.claude-haiku-4-5:0';
const QUESTION: Message[] = [{ role: 'user', content: [{ text: 'What is 1 + 1?' }] }];
// "You are terse." + "What is 1 + 1?" = 3 + 5 words; the default reply is 8 words.
const PROMPT_TOKENS = 8;
const REPLY_TOKENS = 8;
const TOOL_CALLS = [
  { name: 'get_weather', arguments: { city: 'Oslo', unit: 'celsius' } },
  { name: 'get_time', arguments: { zone: 'Europe/Oslo' } },
];
const TOOL_CONFIG = {
  tools: TOOL_CALLS.map(({ name }) => ({
    toolSpec: { name, inputSchema: { json: { type: 'object', properties: {} } } },
  })),
};

function sdkClient(mock: MockProviderServer, credentials: MockAwsCredentials = MOCK_AWS_CREDENTIALS) {
  return new BedrockRuntimeClient({
    endpoint: mock.url,
    region: 'us-east-1',
    credentials,
    maxAttempts: 1,
    // The client speaks HTTP/2 by default; the mock, like the gateway's upstream client, HTTP/1.1.
    requestHandler: new NodeHttpHandler(),
  });
}

async function collect(
  stream: AsyncIterable<ConverseStreamOutput> | undefined,
): Promise<ConverseStreamOutput[]> {
  const events: ConverseStreamOutput[] = [];
  for await (const event of stream ?? []) events.push(event);
  return events;
}

describe('Bedrock mock provider, driven by @aws-sdk/client-bedrock-runtime', () => {
  let mock: MockProviderServer;
  let client: BedrockRuntimeClient;

  beforeAll(async () => {
    mock = await startMockProvider('bedrock');
    client = sdkClient(mock);
  });
  beforeEach(() => mock.reset());
  afterAll(async () => {
    client.destroy();
    await mock.close();
  });

  it('answers Converse on its real path, the SDK signature verified, counting words as tokens', async () => {
    const answer = await client.send(
      new ConverseCommand({
        modelId: MODEL,
        system: [{ text: 'You are terse.' }],
        messages: QUESTION,
        inferenceConfig: { maxTokens: 64, temperature: 0.2 },
      }),
    );
    expect(answer).toMatchObject({
      output: { message: { role: 'assistant', content: [{ text: DEFAULT_REPLY_TEXT }] } },
      stopReason: 'end_turn',
      usage: {
        inputTokens: PROMPT_TOKENS,
        outputTokens: REPLY_TOKENS,
        totalTokens: PROMPT_TOKENS + REPLY_TOKENS,
      },
    });
    const received = mock.lastRequest()!;
    expect(received.path).toBe(`/model/${encodeURIComponent(MODEL)}/converse`);
    expect(received.headers.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE\/\d{8}\/us-east-1\/bedrock\/aws4_request, SignedHeaders=.*host.*, Signature=[0-9a-f]{64}$/,
    );
  });

  it('streams ConverseStream as event-stream messages the SDK decodes, text then usage', async () => {
    const answer = await client.send(new ConverseStreamCommand({ modelId: MODEL, messages: QUESTION }));
    const events = await collect(answer.stream);
    expect(mock.lastRequest()!.path).toBe(`/model/${encodeURIComponent(MODEL)}/converse-stream`);
    expect(events[0]).toEqual({ messageStart: { role: 'assistant' } });
    const text = events.map((event) => event.contentBlockDelta?.delta?.text ?? '').join('');
    expect(text).toBe(DEFAULT_REPLY_TEXT);
    expect(events.at(-2)).toEqual({ messageStop: { stopReason: 'end_turn' } });
    expect(events.at(-1)?.metadata?.usage).toEqual({
      inputTokens: 5,
      outputTokens: REPLY_TOKENS,
      totalTokens: 5 + REPLY_TOKENS,
    });
  });

  it('calls tools, whole and streamed, and takes their results back', async () => {
    mock.setBehaviour({ replyText: '', toolCalls: TOOL_CALLS });
    const whole = await client.send(
      new ConverseCommand({ modelId: MODEL, messages: QUESTION, toolConfig: TOOL_CONFIG }),
    );
    expect(whole.stopReason).toBe('tool_use');
    expect(whole.output?.message?.content).toEqual([
      { toolUse: { toolUseId: 'tooluse_call_1', name: 'get_weather', input: TOOL_CALLS[0]!.arguments } },
      { toolUse: { toolUseId: 'tooluse_call_2', name: 'get_time', input: TOOL_CALLS[1]!.arguments } },
    ]);

    const streamed = await collect(
      (
        await client.send(
          new ConverseStreamCommand({ modelId: MODEL, messages: QUESTION, toolConfig: TOOL_CONFIG }),
        )
      ).stream,
    );
    const starts = streamed.flatMap((event) => (event.contentBlockStart ? [event.contentBlockStart] : []));
    expect(starts).toEqual([
      { contentBlockIndex: 0, start: { toolUse: { toolUseId: 'tooluse_call_1', name: 'get_weather' } } },
      { contentBlockIndex: 1, start: { toolUse: { toolUseId: 'tooluse_call_2', name: 'get_time' } } },
    ]);
    const input = (index: number) =>
      streamed
        .filter((event) => event.contentBlockDelta?.contentBlockIndex === index)
        .map((event) => event.contentBlockDelta?.delta?.toolUse?.input)
        .join('');
    expect(JSON.parse(input(0))).toEqual(TOOL_CALLS[0]!.arguments);
    expect(JSON.parse(input(1))).toEqual(TOOL_CALLS[1]!.arguments);

    mock.reset();
    const followUp = await client.send(
      new ConverseCommand({
        modelId: MODEL,
        toolConfig: TOOL_CONFIG,
        messages: [
          ...QUESTION,
          whole.output!.message!,
          {
            role: 'user',
            content: [
              { toolResult: { toolUseId: 'tooluse_call_1', content: [{ json: { degrees: 21 } }] } },
              { toolResult: { toolUseId: 'tooluse_call_2', content: [{ text: '14:00' }] } },
            ],
          },
        ],
      }),
    );
    expect(followUp.output?.message?.content).toEqual([{ text: DEFAULT_REPLY_TEXT }]);
  });

  it('refuses a signature made with another secret with AWS 403 body and error type', async () => {
    const wrong = sdkClient(mock, { ...MOCK_AWS_CREDENTIALS, secretAccessKey: 'not-the-secret' });
    const failure = await wrong
      .send(new ConverseCommand({ modelId: MODEL, messages: QUESTION }))
      .catch((error: unknown) => error);
    wrong.destroy();
    expect(failure).toMatchObject({
      name: 'InvalidSignatureException',
      message: SIGNATURE_MISMATCH_MESSAGE,
      $metadata: { httpStatusCode: 403 },
    });
  });

  it('refuses an unknown key, a missing session token, and an unsigned request', async () => {
    const unknownKey = sdkClient(mock, { ...MOCK_AWS_CREDENTIALS, accessKeyId: 'AKIAOTHERKEY00000000' });
    await expect(
      unknownKey.send(new ConverseCommand({ modelId: MODEL, messages: QUESTION })),
    ).rejects.toMatchObject({
      name: 'UnrecognizedClientException',
      $metadata: { httpStatusCode: 403 },
    });
    unknownKey.destroy();

    const session = await startMockProvider('bedrock', {
      awsCredentials: { ...MOCK_AWS_CREDENTIALS, sessionToken: 'session-token' },
    });
    const withToken = sdkClient(session, { ...MOCK_AWS_CREDENTIALS, sessionToken: 'session-token' });
    const withoutToken = sdkClient(session);
    await expect(
      withToken.send(new ConverseCommand({ modelId: MODEL, messages: QUESTION })),
    ).resolves.toMatchObject({
      stopReason: 'end_turn',
    });
    expect(session.lastRequest()!.headers.authorization).toContain('x-amz-security-token');
    await expect(
      withoutToken.send(new ConverseCommand({ modelId: MODEL, messages: QUESTION })),
    ).rejects.toMatchObject({
      name: 'UnrecognizedClientException',
    });
    withToken.destroy();
    withoutToken.destroy();
    await session.close();

    const unsigned = await postJson(`${mock.url}/model/${encodeURIComponent(MODEL)}/converse`, {
      messages: QUESTION,
    });
    expect(unsigned.status).toBe(403);
    expect(unsigned.headers.get('x-amzn-errortype')).toMatch(/^MissingAuthenticationTokenException:/);
    expect(await unsigned.json()).toEqual({ message: 'Missing Authentication Token' });
  });

  it('refuses what Converse refuses with a 400 ValidationException', async () => {
    const refused = (messages: Message[], extra: Record<string, unknown> = {}) =>
      client
        .send(new ConverseCommand({ modelId: MODEL, messages, ...extra }))
        .catch((error: unknown) => error);
    expect(await refused([{ role: 'assistant', content: [{ text: 'hi' }] }])).toBeInstanceOf(
      ValidationException,
    );
    expect(
      await refused([
        { role: 'user', content: [{ text: 'a' }] },
        { role: 'user', content: [{ text: 'b' }] },
      ]),
    ).toMatchObject({ message: expect.stringContaining('must alternate between user and assistant') });
    expect(await refused([{ role: 'user', content: [{ text: ' ' }] }])).toMatchObject({
      message: expect.stringContaining('is blank'),
    });
    expect(
      await refused([
        { role: 'user', content: [{ text: 'a' }] },
        { role: 'assistant', content: [{ toolUse: { toolUseId: 't1', name: 'get_time', input: {} } }] },
        { role: 'user', content: [{ toolResult: { toolUseId: 't1', content: [{ text: 'x' }] } }] },
      ]),
    ).toMatchObject({
      message: 'The toolConfig field must be defined when using toolUse and toolResult content blocks.',
      $metadata: { httpStatusCode: 400 },
    });
  });

  it('throttles whole answers with 429 ThrottlingException, and streams with a throttlingException message', async () => {
    mock.setBehaviour({ status: 429 });
    const whole = await client
      .send(new ConverseCommand({ modelId: MODEL, messages: QUESTION }))
      .catch((error: unknown) => error);
    expect(whole).toBeInstanceOf(ThrottlingException);
    expect(whole).toMatchObject({ $metadata: { httpStatusCode: 429 } });

    mock.setBehaviour({ status: undefined, streamErrorAfter: 3 });
    const answer = await client.send(new ConverseStreamCommand({ modelId: MODEL, messages: QUESTION }));
    const events: ConverseStreamOutput[] = [];
    const failure = await (async () => {
      try {
        for await (const event of answer.stream!) events.push(event);
      } catch (error) {
        return error;
      }
      return undefined;
    })();
    expect(events).toHaveLength(3);
    expect(failure).toBeInstanceOf(ThrottlingException);
    expect(failure).toMatchObject({ message: 'Too many requests, please wait before trying again.' });
  });

  it('answers other paths with 404', async () => {
    const response = await postJson(`${mock.url}/model/${MODEL}/invoke`, {});
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ message: 'Unknown operation' });
  });
});
