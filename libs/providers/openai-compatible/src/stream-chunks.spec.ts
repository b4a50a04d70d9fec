import { makeProviderRequest } from '@switchyard/testing';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createOpenAiChunkWriter, nowInSeconds, streamErrorEvent } from './stream-chunks.js';

const model = { provider: 'cohere' as const, name: 'command-r', options: {} };
const usage = { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 };
const chat = (clientWantsUsage = false) => makeProviderRequest(model, { stream: true, clientWantsUsage });
const completions = (clientWantsUsage = false) =>
  makeProviderRequest(model, { routeType: 'llm/v1/completions', stream: true, clientWantsUsage });

describe('createOpenAiChunkWriter', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['Date'], now: 1_700_000_000_999 });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('writes chat.completion.chunks in OpenAI key order, with logprobs null and the id once known', () => {
    const writer = createOpenAiChunkWriter(chat());
    writer.id = 'gen-1';
    expect(writer.text('Hi')).toBe(
      '{"id":"gen-1","object":"chat.completion.chunk","created":1700000000,"model":"command-r","choices":[{"index":0,"delta":{"content":"Hi"},"logprobs":null,"finish_reason":null}]}',
    );
  });

  it('opens a chat answer with the assistant role and a completion with nothing', () => {
    expect(
      createOpenAiChunkWriter(chat())
        .opening()
        .map((event) => JSON.parse(event).choices[0].delta),
    ).toEqual([{ role: 'assistant', content: '' }]);
    expect(createOpenAiChunkWriter(completions()).opening()).toEqual([]);
  });

  it('writes a tool-call delta for its index', () => {
    const delta = {
      index: 1,
      id: 'call_1',
      type: 'function' as const,
      function: { name: 'f', arguments: '' },
    };
    expect(JSON.parse(createOpenAiChunkWriter(chat()).toolCall(delta)).choices[0].delta).toEqual({
      tool_calls: [delta],
    });
  });

  it('closes with the finish reason and no usage for a client that did not ask for it', () => {
    const chunks = createOpenAiChunkWriter(chat())
      .finish('stop', usage)
      .map((event) => JSON.parse(event));
    expect(chunks).toHaveLength(1);
    expect(chunks[0].choices).toEqual([{ index: 0, delta: {}, logprobs: null, finish_reason: 'stop' }]);
    expect(chunks[0]).not.toHaveProperty('usage');
  });

  it("adds OpenAI's usage chunk, with empty choices, for a client that asked", () => {
    const [finish, usageChunk] = createOpenAiChunkWriter(completions(true))
      .finish('length', usage)
      .map((event) => JSON.parse(event));
    expect(finish.choices).toEqual([{ index: 0, text: '', logprobs: null, finish_reason: 'length' }]);
    expect(usageChunk).toMatchObject({ object: 'text_completion', choices: [], usage });
  });

  it('stamps created in Unix seconds', () => {
    expect(nowInSeconds()).toBe(1700000000);
  });
});

describe('streamErrorEvent', () => {
  it("is OpenAI's error object", () => {
    expect(JSON.parse(streamErrorEvent('overloaded', 'overloaded_error'))).toEqual({
      error: { message: 'overloaded', type: 'overloaded_error' },
    });
  });
});
