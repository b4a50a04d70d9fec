import { InferenceClient, InferenceClientProviderApiError } from '@huggingface/inference';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { postJson } from './mock-provider.spec-helpers.js';
import { startMockProvider, type MockProviderServer } from './mock-provider-server.js';
import { DEFAULT_REPLY_TEXT } from './mock-provider.types.js';

const TOKEN = 'hf_mockProviderToken';
const MODEL = 'mistralai/Mistral-7B-Instruct-v0.2';
const MESSAGES = [
  { role: 'system', content: 'You are terse.' },
  { role: 'user', content: 'What is 1 + 1?' },
];
// "You are terse." + "What is 1 + 1?" = 3 + 5 words; the default reply is 8 words.
const PROMPT_TOKENS = 8;
const REPLY_TOKENS = 8;
const AUTH = { authorization: `Bearer ${TOKEN}` };
const TOOLS = [
  {
    type: 'function',
    function: {
      name: 'get_weather',
      parameters: { type: 'object', properties: { city: { type: 'string' } } },
    },
  },
];
const TOOL_CALLS = [{ name: 'get_weather', arguments: { city: 'Oslo' } }];

/** The JSON `data:` payloads of a TGI stream, whose events are written `data:{...}` without a space. */
function tgiEvents(text: string): unknown[] {
  return text
    .trimEnd()
    .split('\n\n')
    .map((event) => {
      if (!event.startsWith('data:') || event.startsWith('data: '))
        throw new Error(`not TGI framing: ${event}`);
      const data = event.slice('data:'.length);
      return data === '[DONE]' ? data : JSON.parse(data);
    });
}

describe('Hugging Face mock provider', () => {
  let mock: MockProviderServer;
  let modelUrl: string;
  // The official client, pointed at one model's URL as at a dedicated Inference Endpoint; no
  // retry of a 503 (it retries a loading model by default).
  let client: InferenceClient;

  beforeAll(async () => {
    mock = await startMockProvider('huggingface', { apiKey: TOKEN });
    modelUrl = `${mock.url}/models/${MODEL}`;
    client = new InferenceClient(TOKEN, { endpointUrl: modelUrl, retry_on_error: false });
  });
  beforeEach(() => mock.reset());
  afterAll(() => mock.close());

  describe('the chat route', () => {
    it("answers a chat completion the official client reads, on the model's chat path", async () => {
      const answer = await client.chatCompletion({ model: MODEL, messages: MESSAGES, max_tokens: 64 });
      expect(answer).toMatchObject({
        object: 'chat.completion',
        id: '',
        model: MODEL,
        choices: [
          { index: 0, message: { role: 'assistant', content: DEFAULT_REPLY_TEXT }, finish_reason: 'stop' },
        ],
        usage: { prompt_tokens: PROMPT_TOKENS, completion_tokens: REPLY_TOKENS, total_tokens: 16 },
      });
      const received = mock.lastRequest()!;
      expect(received.path).toBe(`/models/${MODEL}/v1/chat/completions`);
      expect(received.headers.authorization).toBe(`Bearer ${TOKEN}`);
    });

    it('streams TGI chunks that the official client reads, and the usage chunk when asked', async () => {
      let text = '';
      let finishReason: string | undefined;
      for await (const chunk of client.chatCompletionStream({ model: MODEL, messages: MESSAGES })) {
        text += chunk.choices[0]?.delta.content ?? '';
        finishReason ??= chunk.choices[0]?.finish_reason ?? undefined;
      }
      expect(text).toBe(DEFAULT_REPLY_TEXT);
      expect(finishReason).toBe('stop');
      const response = await postJson(
        `${modelUrl}/v1/chat/completions`,
        { messages: MESSAGES, stream: true, stream_options: { include_usage: true } },
        AUTH,
      );
      const events = tgiEvents(await response.text());
      expect(events.at(-1)).toBe('[DONE]');
      expect(events.at(-2)).toMatchObject({ choices: [], usage: { prompt_tokens: PROMPT_TOKENS } });
    });

    it("serves the router's /v1/chat/completions, which needs the model in the body", async () => {
      const router = new InferenceClient(TOKEN, { endpointUrl: `${mock.url}/v1`, retry_on_error: false });
      const answer = await router.chatCompletion({
        model: 'meta-llama/Llama-3.1-8B-Instruct',
        messages: MESSAGES,
      });
      expect(answer.model).toBe('meta-llama/Llama-3.1-8B-Instruct');
      expect(mock.lastRequest()!.path).toBe('/v1/chat/completions');
      const missing = await postJson(`${mock.url}/v1/chat/completions`, { messages: MESSAGES }, AUTH);
      expect(missing.status).toBe(400);
      expect(await missing.json()).toEqual({
        error: 'Failed to deserialize the JSON body into the target type: missing field `model`',
        error_type: 'validation',
      });
    });

    it("calls tools, whole and streamed, finishing with TGI's stop", async () => {
      mock.setBehaviour({ replyText: '', toolCalls: TOOL_CALLS });
      const answer = await client.chatCompletion({ model: MODEL, messages: MESSAGES, tools: TOOLS });
      expect(answer.choices[0]).toMatchObject({
        message: {
          role: 'assistant',
          content: null,
          tool_calls: [
            {
              id: 'call_1',
              type: 'function',
              function: { name: 'get_weather', arguments: '{"city":"Oslo"}' },
            },
          ],
        },
        finish_reason: 'stop',
      });
      let args = '';
      for await (const chunk of client.chatCompletionStream({
        model: MODEL,
        messages: MESSAGES,
        tools: TOOLS,
      })) {
        args += chunk.choices[0]?.delta.tool_calls?.[0]?.function.arguments ?? '';
      }
      expect(args).toBe('{"city":"Oslo"}');
      const plain = await client.chatCompletion({ model: MODEL, messages: MESSAGES });
      expect(plain.choices[0]!.message).not.toHaveProperty('tool_calls');
    });

    it("refuses what TGI's request types refuse: a string stop, a logit_bias map, an audio part", async () => {
      const refused = async (body: object) => {
        const response = await postJson(
          `${modelUrl}/v1/chat/completions`,
          { messages: MESSAGES, ...body },
          AUTH,
        );
        expect(response.status).toBe(400);
        return ((await response.json()) as { error: string }).error;
      };
      expect(await refused({ stop: 'END' })).toMatch(/stop: invalid type: string, expected a sequence$/);
      expect(await refused({ logit_bias: { '1': 2 } })).toMatch(/logit_bias: invalid type: map/);
      expect(
        await refused({ messages: [{ role: 'user', content: [{ type: 'input_audio', input_audio: {} }] }] }),
      ).toMatch(/unknown variant `input_audio`/);
      expect(await refused({ tools: [{ type: 'function', function: { name: 'f' } }] })).toMatch(
        /missing field `arguments`/,
      );
    });
  });

  describe('the classic text generation', () => {
    // The official client's textGeneration now speaks the router's OpenAI-style /v1/completions:
    // the classic `{inputs, parameters}` body is sent with plain fetch.
    const generate = (body: object, headers: Record<string, string> = AUTH) =>
      postJson(modelUrl, body, headers);

    it('answers [{generated_text}], the prompt first by default, details only when asked', async () => {
      const plain = await generate({ inputs: 'What is 1 + 1?' });
      expect(await plain.json()).toEqual([{ generated_text: `What is 1 + 1?${DEFAULT_REPLY_TEXT}` }]);
      const detailed = await generate({
        inputs: 'What is 1 + 1?',
        parameters: { return_full_text: false, details: true, max_new_tokens: 3 },
      });
      expect(await detailed.json()).toEqual([
        {
          generated_text: 'The answer to',
          details: expect.objectContaining({ finish_reason: 'length', generated_tokens: 3, seed: null }),
        },
      ]);
      expect(mock.lastRequest()!.path).toBe(`/models/${MODEL}`);
    });

    it("streams TGI's token events: no [DONE], the end-of-sequence token special, details on the last", async () => {
      const response = await generate({
        inputs: 'What is 1 + 1?',
        parameters: { return_full_text: false, details: true },
        stream: true,
      });
      expect(response.headers.get('content-type')).toBe('text/event-stream');
      const events = tgiEvents(await response.text()) as Record<string, unknown>[];
      expect(events).toHaveLength(REPLY_TOKENS + 1);
      expect(events[0]).toEqual({
        index: 1,
        token: { id: 1000, text: 'The', logprob: -0.25, special: false },
        generated_text: null,
        details: null,
      });
      expect(events.at(-1)).toEqual({
        index: REPLY_TOKENS + 1,
        token: { id: 1000 + REPLY_TOKENS, text: '</s>', logprob: -0.25, special: true },
        generated_text: DEFAULT_REPLY_TEXT,
        details: {
          finish_reason: 'eos_token',
          generated_tokens: REPLY_TOKENS + 1,
          seed: null,
          input_length: 5,
        },
      });
    });

    it("refuses what TGI's validation refuses, with its messages", async () => {
      const refused = async (body: object) => {
        const response = await generate(body);
        expect(response.status).toBe(400);
        return response.json();
      };
      expect(await refused({ inputs: 'Hi', parameters: { temperature: 0 } })).toEqual({
        error: 'Input validation error: `temperature` must be strictly positive',
        error_type: 'validation',
      });
      expect(await refused({ inputs: 'Hi', parameters: { top_p: 1 } })).toMatchObject({
        error: 'Input validation error: `top_p` must be > 0.0 and < 1.0',
      });
      expect(await refused({ inputs: 'Hi', parameters: { stop: '\n' } })).toMatchObject({
        error: expect.stringMatching(/parameters\.stop: invalid type/),
      });
      expect(await refused({ prompt: 'Hi' })).toMatchObject({
        error: 'Failed to deserialize the JSON body into the target type: missing field `inputs`',
      });
    });

    it("ends a stream with TGI's error event when told to fail mid-stream", async () => {
      mock.setBehaviour({ streamErrorAfter: 2 });
      const response = await generate({ inputs: 'Hi', stream: true });
      const events = tgiEvents(await response.text());
      expect(events).toHaveLength(3);
      expect(events[2]).toEqual({
        error:
          'Request failed during generation: Server error: CUDA out of memory. Tried to allocate 2.00 GiB',
        error_type: 'generation',
      });
    });
  });

  describe('errors', () => {
    it('answers a missing token and a wrong one with their 401s, which the official client reports', async () => {
      const missing = await postJson(modelUrl, { inputs: 'Hi' });
      expect(missing.status).toBe(401);
      expect(await missing.json()).toEqual({ error: 'Invalid credentials in Authorization header' });
      const wrong = new InferenceClient('hf_wrongToken', { endpointUrl: modelUrl, retry_on_error: false });
      await expect(wrong.chatCompletion({ model: MODEL, messages: MESSAGES })).rejects.toMatchObject({
        constructor: InferenceClientProviderApiError,
        httpResponse: {
          status: 401,
          body: { error: 'Authorization header is correct, but the token seems invalid' },
        },
      });
    });

    it('answers 503 with estimated_time while the model loads, unless the request waits for it', async () => {
      mock.setBehaviour({ modelLoadingSeconds: 20 });
      await expect(client.chatCompletion({ model: MODEL, messages: MESSAGES })).rejects.toMatchObject({
        httpResponse: {
          status: 503,
          body: { error: `Model ${MODEL} is currently loading`, estimated_time: 20 },
        },
      });
      const waiting = await postJson(
        `${modelUrl}/v1/chat/completions`,
        { messages: MESSAGES },
        { ...AUTH, 'x-wait-for-model': 'true' },
      );
      expect(waiting.status).toBe(200);
      const classic = await postJson(modelUrl, { inputs: 'Hi', options: { wait_for_model: true } }, AUTH);
      expect(classic.status).toBe(200);
      const notWaiting = await postJson(modelUrl, { inputs: 'Hi', options: { wait_for_model: false } }, AUTH);
      expect(notWaiting.status).toBe(503);
    });

    it('answers an unknown path with 404 and a bare status with its own error body', async () => {
      const unknown = await postJson(`${mock.url}/api/whoami-v2`, {}, AUTH);
      expect(unknown.status).toBe(404);
      expect(await unknown.json()).toEqual({ error: 'Not Found' });
      mock.setBehaviour({ status: 429 });
      const limited = await postJson(modelUrl, { inputs: 'Hi' }, AUTH);
      expect(limited.status).toBe(429);
      expect(await limited.json()).toMatchObject({ error: expect.stringMatching(/^Rate limit reached/) });
    });
  });
});
