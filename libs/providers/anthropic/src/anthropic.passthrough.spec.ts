import { makeProviderRequest, routeTranslation } from '@switchyard/testing';
import { describe, expect, it } from 'vitest';
import { anthropicProvider } from './anthropic.provider.js';

const passThrough = routeTranslation(anthropicProvider, 'llm/v1/chat', 'anthropic');
const request = (stream: boolean) =>
  makeProviderRequest(
    { provider: 'anthropic', name: 'claude-haiku-4-5', options: { anthropic_version: '2023-06-01' } },
    { clientFormat: 'anthropic', stream },
  );
const frame = (data: Record<string, unknown>) => ({ event: String(data.type), data: JSON.stringify(data) });

describe('the Messages API passed through to Anthropic', () => {
  it('sends the client body with the resolved model, the streaming decision and the configured version', () => {
    const client = {
      model: 'claude-haiku-4-5',
      max_tokens: 64,
      messages: [{ role: 'user', content: 'hi' }],
      thinking: { type: 'enabled', budget_tokens: 1024 },
    };
    const before = structuredClone(client);
    expect(passThrough.request(client, request(true))).toEqual({
      body: { ...client, stream: true },
      headers: { 'anthropic-version': '2023-06-01' },
    });
    expect(client).toEqual(before);
  });

  it("answers with Anthropic's very answer, and reads its usage, model, id and stop reason", () => {
    const answer = {
      id: 'msg_1',
      type: 'message',
      model: 'claude-haiku-4-5-20251001',
      content: [{ type: 'text', text: 'Hi.' }],
      stop_reason: 'end_turn',
      usage: { input_tokens: 5, output_tokens: 2, cache_read_input_tokens: 3 },
    };
    const translated = passThrough.response(answer, request(false));
    expect(translated.body).toBe(answer);
    expect(translated).toMatchObject({
      id: 'msg_1',
      model: 'claude-haiku-4-5-20251001',
      finishReasons: ['stop'],
      usage: { prompt_tokens: 8, completion_tokens: 2, total_tokens: 10 },
    });
  });

  it('sends every event on as it came, reading the usage, the text, the end and in-stream errors', () => {
    const translator = passThrough.stream(request(true));
    const frames = [
      frame({
        type: 'message_start',
        message: { id: 'msg_1', model: 'm', usage: { input_tokens: 9, output_tokens: 1 } },
      }),
      frame({ type: 'ping' }),
      frame({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Hi' } }),
      frame({ type: 'message_delta', delta: { stop_reason: 'end_turn' }, usage: { output_tokens: 8 } }),
      frame({ type: 'message_stop' }),
    ];
    const steps = frames.map((f) => translator.translate(f));
    expect(steps.map((step) => step.events)).toEqual(frames.map((f) => [f]));
    expect(steps[0]).toMatchObject({ id: 'msg_1', usage: { prompt_tokens: 9 } });
    expect(steps[2].text).toBe('Hi');
    expect(steps[3]).toMatchObject({
      finishReason: 'stop',
      usage: { prompt_tokens: 9, completion_tokens: 8 },
    });
    expect(steps[4].final).toBe(true);

    const error = frame({ type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } });
    const failed = passThrough.stream(request(true)).translate(error);
    expect(failed).toMatchObject({ events: [error], error: 'Overloaded' });
  });
});
