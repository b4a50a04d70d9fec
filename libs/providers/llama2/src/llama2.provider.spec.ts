import { TranslationError } from '@switchyard/plugin-api';
import type {
  ChatCompletionRequest,
  ModelOptions,
  ProviderRequest,
  StreamStep,
} from '@switchyard/plugin-api';
import { FIXTURE_NOW_MS, makeProviderRequest, routeTranslation } from '@switchyard/testing';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { llama2Provider } from './llama2.provider.js';

const RAW: ModelOptions = { llama2_format: 'raw', upstream_url: 'http://tgi.internal/' };
const request = (options: ModelOptions = RAW, overrides: Partial<ProviderRequest> = {}) =>
  makeProviderRequest({ provider: 'llama2', name: 'llama-2-7b-chat-hf', options }, overrides);
const chat = routeTranslation(llama2Provider, 'llm/v1/chat');
const completions = routeTranslation(llama2Provider, 'llm/v1/completions');
const completionsRequest = (options: ModelOptions = RAW) =>
  request(options, { routeType: 'llm/v1/completions' });

// Kong's spec/fixtures/ai-proxy/unit/requests/llm-v1-chat.json
const KONG_CHAT: ChatCompletionRequest = {
  messages: [
    { role: 'system', content: 'You are a mathematician.' },
    { role: 'user', content: 'What is 1 + 2?' },
    { role: 'assistant', content: 'The sum of 1 + 2 is 3.' },
    { role: 'user', content: 'Multiply that by 2' },
    { role: 'assistant', content: 'Certainly! The result is 6.' },
    { role: 'user', content: "Why can't you divide by zero?" },
  ],
};

describe('llama2Provider', () => {
  it('serves chat and completions in three formats', () => {
    expect(llama2Provider.telemetryName).toBe('llama2');
    expect(Object.keys(llama2Provider.routes)).toEqual(['llm/v1/chat', 'llm/v1/completions']);
    expect(chat.stream(request({ llama2_format: 'ollama' }, { stream: true })).framing).toBe('ndjson');
    expect(chat.stream(request(RAW, { stream: true })).framing).toBe('sse');
  });

  it('sends the openai format as it is (an OpenAI-compatible server), without top_k', () => {
    const body = { messages: [{ role: 'user' as const, content: 'Hi' }], top_k: 4, user: 'u' };
    expect(chat.request(body, request({ llama2_format: 'openai' })).body).toEqual({
      messages: [{ role: 'user', content: 'Hi' }],
      user: 'u',
      model: 'llama-2-7b-chat-hf',
      stream: false,
    });
  });
});

describe('llama2 raw requests', () => {
  it("builds Kong's one-line Llama 2 prompt, keeping the model's earlier answers (Kong drops them)", () => {
    expect(chat.request(KONG_CHAT, request()).body).toEqual({
      inputs:
        '<s>[INST] <<SYS>> You are a mathematician. <</SYS>> What is 1 + 2? [/INST] The sum of 1 + 2 is 3. </s> ' +
        '<s>[INST] Multiply that by 2 [/INST] Certainly! The result is 6. </s> ' +
        "<s>[INST] Why can't you divide by zero? [/INST]",
      parameters: { details: true },
      stream: false,
    });
  });

  it('has no system block without a system message, and joins system, developer and consecutive user messages', () => {
    const prompt = (messages: ChatCompletionRequest['messages']) =>
      (chat.request({ messages }, request()).body as { inputs: string }).inputs;
    expect(prompt([{ role: 'user', content: 'Hi' }])).toBe('<s>[INST] Hi [/INST]');
    expect(
      prompt([
        { role: 'user', content: 'Hi' },
        { role: 'developer', content: 'Be brief.' },
        { role: 'system', content: [{ type: 'text', text: 'Be kind.' }] },
        { role: 'user', content: 'Who are you?' },
      ]),
    ).toBe('<s>[INST] <<SYS>> Be brief.\nBe kind. <</SYS>> Hi\nWho are you? [/INST]');
  });

  it('maps the sampling fields to parameters, leaving out the values a text-generation server refuses', () => {
    const body = {
      ...KONG_CHAT,
      max_tokens: 512,
      temperature: 0.5,
      top_p: 0.9,
      top_k: 40,
      seed: 3,
      stop: '</s>',
      frequency_penalty: 0.1,
      presence_penalty: 0.5,
      n: 2,
      user: 'u',
      stream_options: { include_usage: true },
      repetition_penalty: 1.1,
    };
    expect(chat.request(body, request(RAW, { stream: true })).body).toMatchObject({
      parameters: {
        max_new_tokens: 512,
        temperature: 0.5,
        top_p: 0.9,
        top_k: 40,
        seed: 3,
        stop: ['</s>'],
        frequency_penalty: 0.1,
        repetition_penalty: 1.1,
        details: true,
      },
      stream: true,
    });
    const neutral = chat.request({ ...KONG_CHAT, temperature: 0, top_p: 1, top_k: 0 }, request()).body;
    expect(neutral).toMatchObject({ parameters: { details: true } });
    expect((neutral as { parameters: object }).parameters).toEqual({ details: true });
  });

  it('maps response_format to a JSON grammar', () => {
    const schema = { type: 'object', properties: { n: { type: 'number' } } };
    const body = {
      ...KONG_CHAT,
      response_format: { type: 'json_schema', json_schema: { name: 'n', schema } },
    };
    expect(chat.request(body, request()).body).toMatchObject({
      parameters: { grammar: { type: 'json', value: schema } },
    });
  });

  it('refuses tools, tool results and images with a 400 message naming the formats that take them', () => {
    expect(() =>
      chat.request({ ...KONG_CHAT, tools: [{ type: 'function', function: { name: 'f' } }] }, request()),
    ).toThrow(
      new TranslationError('llama2_format raw cannot call tools: use llama2_format ollama or openai'),
    );
    expect(() =>
      chat.request({ messages: [{ role: 'tool', tool_call_id: 'c', content: 'x' }] }, request()),
    ).toThrow(
      new TranslationError(
        "llama2_format raw cannot express 'tool' messages: use llama2_format ollama or openai for tools",
      ),
    );
    expect(() =>
      chat.request(
        {
          messages: [
            { role: 'user', content: [{ type: 'image_url', image_url: { url: 'https://x/y.png' } }] },
          ],
        },
        request(),
      ),
    ).toThrow(
      new TranslationError(
        "llama2_format raw takes text only, not 'image_url' parts: use llama2_format ollama or openai",
      ),
    );
  });

  it("wraps a completion prompt in Kong's instruction, with its system block closed", () => {
    expect(
      completions.request({ prompt: 'What is 1 + 1?', max_tokens: 20 }, completionsRequest()).body,
    ).toEqual({
      inputs: '<s>[INST] <<SYS>> You are a helpful assistant. <</SYS>> What is 1 + 1? [/INST]',
      parameters: { max_new_tokens: 20, details: true },
      stream: false,
    });
  });
});

describe('llama2 raw answers', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['Date'], now: FIXTURE_NOW_MS });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("reads Kong's {data: [...]} answer: the text after the last [/INST], trimmed", () => {
    // Kong's spec/fixtures/ai-proxy/unit/real-responses/llama2/raw/llm-v1-chat.json
    const kong = {
      data: [
        {
          generated_text:
            "<s>[INST] <<SYS>> You are a mathematician. <</SYS>> What is 1 + 2? [/INST] <s>[INST] Multiply that by 2 [/INST] <s>[INST] Why can't you divide by zero? [/INST]\n\nYou cannot divide by zero because it is not a valid operation in mathematics.",
        },
      ],
    };
    expect(chat.response(kong, request()).body).toEqual({
      id: `chatcmpl-${FIXTURE_NOW_MS}`,
      object: 'chat.completion',
      created: FIXTURE_NOW_MS / 1000,
      model: 'llama-2-7b-chat-hf',
      choices: [
        {
          index: 0,
          message: {
            role: 'assistant',
            content: 'You cannot divide by zero because it is not a valid operation in mathematics.',
          },
          finish_reason: 'stop',
        },
      ],
    });
  });

  it("reads TGI's [{generated_text, details}]: length, and the completion tokens for the analytics", () => {
    const tgi = [
      {
        generated_text: ' Two, because',
        details: { finish_reason: 'length', generated_tokens: 3, seed: null },
      },
    ];
    const translated = completions.response(tgi, completionsRequest());
    expect(translated.body).toMatchObject({
      object: 'text_completion',
      choices: [{ index: 0, text: 'Two, because', finish_reason: 'length' }],
    });
    expect(translated.usage).toEqual({ completion_tokens: 3 });
  });

  it('passes on a usage the server reports (Kong), with its total', () => {
    const body = {
      data: [{ generated_text: '[/INST] Two.' }],
      usage: { prompt_tokens: 12, completion_tokens: 2 },
    };
    const translated = chat.response(body, request());
    expect(translated.body).toMatchObject({
      usage: { prompt_tokens: 12, completion_tokens: 2, total_tokens: 14 },
    });
    expect(translated.usage).toEqual({ prompt_tokens: 12, completion_tokens: 2 });
  });

  it("fails with Kong's messages for bodies that are no answer", () => {
    expect(() => chat.response({ error: 'x' }, request())).toThrow(
      new TranslationError('cannot parse response from llama2 endpoint'),
    );
    expect(() => chat.response([{}, {}], request())).toThrow(
      new TranslationError('cannot parse response from llama2 endpoint'),
    );
    expect(() => chat.response([{ generated_text: null }], request())).toThrow(
      new TranslationError('response data is empty from llama2 endpoint'),
    );
  });
});

describe('llama2 raw streams', () => {
  const token = (text: string, special = false) =>
    JSON.stringify({
      index: 1,
      token: { id: 1, text, logprob: -0.1, special },
      generated_text: null,
      details: null,
    });

  function run(frames: readonly string[]): StreamStep[] {
    const translator = chat.stream(request(RAW, { stream: true, clientWantsUsage: true }));
    return frames.map((data) => translator.translate({ data }));
  }

  it('turns tokens into chunks, leaves special tokens out, and closes on the event with generated_text', () => {
    const steps = run([
      token('Two'),
      token('.'),
      JSON.stringify({
        index: 3,
        token: { id: 2, text: '</s>', logprob: 0, special: true },
        generated_text: 'Two.',
        details: { finish_reason: 'eos_token', generated_tokens: 3, seed: null },
      }),
    ]);
    const deltas = steps
      .flatMap((step) => step.events)
      .map((event) => (event === '[DONE]' ? event : JSON.parse(event as string).choices[0]));
    expect(deltas).toEqual([
      { index: 0, delta: { role: 'assistant', content: '' }, logprobs: null, finish_reason: null },
      { index: 0, delta: { content: 'Two' }, logprobs: null, finish_reason: null },
      { index: 0, delta: { content: '.' }, logprobs: null, finish_reason: null },
      { index: 0, delta: {}, logprobs: null, finish_reason: 'stop' },
      '[DONE]',
    ]);
    expect(steps.at(-1)).toMatchObject({
      final: true,
      finishReason: 'stop',
      usage: { completion_tokens: 3 },
    });
  });

  it("ends with an error event on the server's error event", () => {
    const [step] = run([
      JSON.stringify({
        error: 'Request failed during generation: Server error: CUDA OOM',
        error_type: 'generation',
      }),
    ]);
    expect(step).toMatchObject({
      error: 'llama2 reported an error: Request failed during generation: Server error: CUDA OOM',
    });
  });
});
