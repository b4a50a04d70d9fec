import { GatewayError, TranslationError } from '@switchyard/plugin-api';
import type { ChatCompletionRequest, ModelOptions, ProviderRequest } from '@switchyard/plugin-api';
import { makeProviderRequest, routeTranslation } from '@switchyard/testing';
import { describe, expect, it } from 'vitest';
import { bedrockUpstreamUrl } from './bedrock.endpoint.js';
import { bedrockProvider } from './bedrock.provider.js';

const MODEL = 'anthropic.claude-3-5-haiku-20241022-v1:0';
const REGION: ModelOptions = { bedrock: { aws_region: 'eu-west-3' } };
const request = (options: ModelOptions = REGION, overrides: Partial<ProviderRequest> = {}, name = MODEL) =>
  makeProviderRequest({ provider: 'bedrock', name, options }, overrides);
const chat = routeTranslation(bedrockProvider, 'llm/v1/chat');

const body = (extra: Partial<ChatCompletionRequest> = {}): ChatCompletionRequest => ({
  messages: [{ role: 'user', content: 'hi' }],
  ...extra,
});
const upstream = (client: ChatCompletionRequest, options?: ModelOptions, name?: string) =>
  chat.request(client, request(options, {}, name)).body as Record<string, unknown>;

describe('bedrockProvider', () => {
  it('serves OpenAI chat and embeddings clients, chat streamed as AWS event-stream messages that carry usage', () => {
    expect(bedrockProvider.id).toBe('bedrock');
    expect(bedrockProvider.telemetryName).toBe('aws.bedrock');
    expect(Object.keys(bedrockProvider.routes)).toEqual(['llm/v1/chat', 'llm/v1/embeddings']);
    expect(bedrockProvider.traits).toEqual({
      streamFraming: 'aws-eventstream',
      streamReportsUsage: true,
      dropsSetCookie: true,
      acceptEncoding: 'gzip, identity',
    });
  });
});

describe('bedrock upstream URL', () => {
  it('calls converse, or converse-stream for a stream, in the configured region, the model id percent-encoded', () => {
    expect(bedrockUpstreamUrl(request(), {}).href).toBe(
      'https://bedrock-runtime.eu-west-3.amazonaws.com/model/anthropic.claude-3-5-haiku-20241022-v1%3A0/converse',
    );
    expect(bedrockUpstreamUrl(request(REGION, { stream: true }), {}).pathname).toBe(
      '/model/anthropic.claude-3-5-haiku-20241022-v1%3A0/converse-stream',
    );
    const arn =
      "arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.meta.llama3-2-1b-instruct-v1:0(x)!*'";
    expect(bedrockUpstreamUrl(request(REGION, {}, arn), {}).pathname).toBe(
      '/model/arn%3Aaws%3Abedrock%3Aus-east-1%3A123456789012%3Ainference-profile%2Fus.meta.llama3-2-1b-instruct-v1%3A0%28x%29%21%2A%27/converse',
    );
  });

  it('takes the region from AWS_REGION, else AWS_DEFAULT_REGION, when the config names none', () => {
    const host = (env: Record<string, string>) => bedrockUpstreamUrl(request({}), env).host;
    expect(host({ AWS_REGION: 'us-west-2', AWS_DEFAULT_REGION: 'ap-south-1' })).toBe(
      'bedrock-runtime.us-west-2.amazonaws.com',
    );
    expect(host({ AWS_DEFAULT_REGION: 'ap-south-1' })).toBe('bedrock-runtime.ap-south-1.amazonaws.com');
    expect(bedrockUpstreamUrl(request(), { AWS_REGION: 'us-west-2' }).host).toBe(
      'bedrock-runtime.eu-west-3.amazonaws.com',
    );
  });

  it('fails with a 500 that says what to set when there is no region, or no region name', () => {
    expect(() => bedrockUpstreamUrl(request({}), {})).toThrow(
      new GatewayError(
        500,
        "bedrock needs an AWS region: set config.model.options.bedrock.aws_region, or AWS_REGION (or AWS_DEFAULT_REGION) in the gateway's environment",
      ),
    );
    expect(() => bedrockUpstreamUrl(request({ bedrock: { aws_region: 'eu west' } }), {})).toThrow(
      "model.options.bedrock.aws_region 'eu west' is not an AWS region name (such as us-east-1)",
    );
    expect(() => bedrockUpstreamUrl(request({}), { AWS_REGION: 'evil.example/x' })).toThrow(
      "the AWS_REGION environment variable 'evil.example/x' is not an AWS region name",
    );
  });

  it('calls the endpoint AWS_ENDPOINT_URL_BEDROCK_RUNTIME (else AWS_ENDPOINT_URL) names, on the real paths', () => {
    expect(
      bedrockUpstreamUrl(request(REGION, { stream: true }), {
        AWS_ENDPOINT_URL_BEDROCK_RUNTIME: 'http://127.0.0.1:4566/proxy/',
        AWS_ENDPOINT_URL: 'http://other.test',
      }).href,
    ).toBe('http://127.0.0.1:4566/proxy/model/anthropic.claude-3-5-haiku-20241022-v1%3A0/converse-stream');
    expect(bedrockUpstreamUrl(request(), { AWS_ENDPOINT_URL: 'https://vpce.test' }).origin).toBe(
      'https://vpce.test',
    );
    expect(() => bedrockUpstreamUrl(request(), { AWS_ENDPOINT_URL: 'ftp://x' })).toThrow(
      "AWS_ENDPOINT_URL must be an http(s) URL, not 'ftp://x'",
    );
  });

  it("honours Kong's upstream_path", () => {
    expect(bedrockUpstreamUrl(request({ ...REGION, upstream_path: '//custom/converse' }), {}).pathname).toBe(
      '/custom/converse',
    );
  });
});

describe('bedrock chat request', () => {
  it('sends the conversation only: the model and the stream are the path', () => {
    expect(chat.request(body({ model: MODEL, stream: true }), request())).toEqual({
      body: { messages: [{ role: 'user', content: [{ text: 'hi' }] }] },
    });
  });

  it('sends system and developer messages as system blocks, merging consecutive turns of one role', () => {
    expect(
      upstream(
        body({
          messages: [
            { role: 'system', content: 'You are terse.' },
            { role: 'user', content: 'a' },
            { role: 'developer', content: [{ type: 'text', text: 'Answer in French.' }] },
            {
              role: 'user',
              content: [
                { type: 'text', text: 'b' },
                { type: 'text', text: '' },
              ],
            },
            { role: 'assistant', content: 'c', name: 'bot' },
          ],
        }),
      ),
    ).toEqual({
      system: [{ text: 'You are terse.' }, { text: 'Answer in French.' }],
      messages: [
        { role: 'user', content: [{ text: 'a' }, { text: 'b' }] },
        { role: 'assistant', content: [{ text: 'c' }] },
      ],
    });
  });

  it("refuses a system prompt for the models Kong lists, with Kong's message", () => {
    const system = body({
      messages: [
        { role: 'system', content: 's' },
        { role: 'user', content: 'u' },
      ],
    });
    expect(() => upstream(system, REGION, 'amazon.titan-text-express-v1')).toThrow(
      new TranslationError("system prompts are unsupported for model 'amazon.titan-text-express-v1'"),
    );
    expect(() => upstream(system, REGION, 'mistral.mixtral-8x7b-instruct-v0:1')).toThrow(TranslationError);
    expect(upstream(system, REGION, 'mistral.mistral-large-2402-v1:0').system).toEqual([{ text: 's' }]);
  });

  it('maps the tuning fields to inferenceConfig, the configured max_tokens first, and drops the others', () => {
    const client = body({
      max_completion_tokens: 100,
      max_tokens: 50,
      temperature: 0.3,
      top_p: 0.9,
      top_k: 40,
      stop: 'END',
      n: 1,
      seed: 7,
      user: 'u',
      presence_penalty: 1,
      response_format: { type: 'json_object' },
      stream_options: { include_usage: true },
      parallel_tool_calls: false,
      logprobs: true,
    });
    expect(upstream(client, REGION)).toEqual({
      messages: [{ role: 'user', content: [{ text: 'hi' }] }],
      inferenceConfig: { maxTokens: 100, temperature: 0.3, topP: 0.9, stopSequences: ['END'] },
    });
    expect(upstream(client, { ...REGION, max_tokens: 10 }).inferenceConfig).toMatchObject({ maxTokens: 10 });
    expect(upstream(body({ stop: ['a', 'b'] })).inferenceConfig).toEqual({ stopSequences: ['a', 'b'] });
  });

  it('passes guardrailConfig and bedrock.additionalModelRequestFields through, as Kong does', () => {
    const guardrailConfig = { guardrailIdentifier: 'yu5xwvfp4sud', guardrailVersion: '1', trace: 'enabled' };
    const additionalModelRequestFields = { top_k: 40 };
    expect(upstream(body({ guardrailConfig, bedrock: { additionalModelRequestFields } }))).toMatchObject({
      guardrailConfig,
      additionalModelRequestFields,
    });
    expect(() => upstream(body({ guardrailConfig: 'gr-1' }))).toThrow(
      new TranslationError('guardrailConfig must be an object'),
    );
  });

  it('sends images as bytes from data: URLs and refuses URLs to fetch', () => {
    const image = (url: string) =>
      body({ messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url } }] }] });
    expect(upstream(image('data:image/jpeg;base64,/9j/AAAA')).messages).toEqual([
      { role: 'user', content: [{ image: { format: 'jpeg', source: { bytes: '/9j/AAAA' } } }] },
    ]);
    expect(() => upstream(image('https://example.test/cat.png'))).toThrow(
      'bedrock takes images as bytes: send image_url.url as a base64 data: URL (data:image/png;base64,...), not a link for the provider to fetch',
    );
    expect(() => upstream(image('data:image/tiff;base64,AAAA'))).toThrow(
      "image type 'image/tiff' is not supported by bedrock",
    );
    expect(() =>
      upstream(
        body({
          messages: [
            { role: 'user', content: [{ type: 'input_audio', input_audio: { data: 'x', format: 'wav' } }] },
          ],
        }),
      ),
    ).toThrow("content part 'input_audio' is not supported by bedrock");
  });

  it('maps tools and tool_choice to toolConfig, tool calls to toolUse and tool results to toolResult blocks', () => {
    const tools = [
      {
        type: 'function' as const,
        function: {
          name: 'get_weather',
          description: 'Weather',
          parameters: { type: 'object', properties: {} },
        },
      },
      { type: 'function' as const, function: { name: 'get_time' } },
    ];
    const conversation = body({
      tools,
      tool_choice: { type: 'function', function: { name: 'get_time' } },
      messages: [
        { role: 'user', content: 'Weather and time in Oslo?' },
        {
          role: 'assistant',
          content: null,
          tool_calls: [
            {
              id: 'tooluse_1',
              type: 'function',
              function: { name: 'get_weather', arguments: '{"city":"Oslo"}' },
            },
            { id: 'tooluse_2', type: 'function', function: { name: 'get_time', arguments: '' } },
          ],
        },
        { role: 'tool', tool_call_id: 'tooluse_1', content: '{"degrees":21}' },
        { role: 'tool', tool_call_id: 'tooluse_2', content: '14:00' },
      ],
    });
    expect(upstream(conversation)).toEqual({
      messages: [
        { role: 'user', content: [{ text: 'Weather and time in Oslo?' }] },
        {
          role: 'assistant',
          content: [
            { toolUse: { toolUseId: 'tooluse_1', name: 'get_weather', input: { city: 'Oslo' } } },
            { toolUse: { toolUseId: 'tooluse_2', name: 'get_time', input: {} } },
          ],
        },
        {
          role: 'user',
          content: [
            { toolResult: { toolUseId: 'tooluse_1', content: [{ json: { degrees: 21 } }] } },
            { toolResult: { toolUseId: 'tooluse_2', content: [{ text: '14:00' }] } },
          ],
        },
      ],
      toolConfig: {
        tools: [
          {
            toolSpec: {
              name: 'get_weather',
              description: 'Weather',
              inputSchema: { json: { type: 'object', properties: {} } },
            },
          },
          { toolSpec: { name: 'get_time', inputSchema: { json: { type: 'object', properties: {} } } } },
        ],
        toolChoice: { tool: { name: 'get_time' } },
      },
    });
    const choice = (tool_choice: ChatCompletionRequest['tool_choice']) =>
      (upstream(body({ tools, tool_choice })).toolConfig as Record<string, unknown> | undefined)?.toolChoice;
    expect(choice('auto')).toEqual({ auto: {} });
    expect(choice('required')).toEqual({ any: {} });
    expect(choice(undefined)).toBeUndefined();
    // Converse has no "none": the tools are left out, unless the conversation already uses them.
    expect(upstream(body({ tools, tool_choice: 'none' }))).not.toHaveProperty('toolConfig');
    expect(upstream({ ...conversation, tool_choice: 'none' }).toolConfig).toEqual({
      tools: expect.any(Array),
    });
  });

  it('refuses what Converse cannot take', () => {
    expect(() =>
      upstream(
        body({
          messages: [
            { role: 'user', content: 'x' },
            {
              role: 'assistant',
              tool_calls: [{ id: 't', type: 'function', function: { name: 'f', arguments: '[1]' } }],
            },
          ],
        }),
      ),
    ).toThrow("the arguments of tool call 't' are not a JSON object: [1]");
    expect(() => upstream(body({ messages: [{ role: 'tool', content: 'x' }] }))).toThrow(
      'messages[0] (role tool) has no tool_call_id',
    );
    expect(() => upstream(body({ messages: [{ role: 'function', content: 'x' }] }))).toThrow(
      "messages[0] has role 'function', which bedrock does not take",
    );
    expect(() => upstream(body({ tools: [{ type: 'code_interpreter' } as never] }))).toThrow(
      'only function tools',
    );
  });
});
