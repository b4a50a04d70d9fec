import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  chatCompletionChunk,
  nowInSeconds,
  streamChunkBuilder,
  textCompletionChunk,
} from './stream-chunks.js';

const header = { id: 'gen-1', created: 1700000000, model: 'command-r' };
const usage = { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 };

describe('stream chunks', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('writes a chat.completion.chunk in OpenAI key order', () => {
    expect(chatCompletionChunk(header, { content: 'Hi' })).toBe(
      '{"id":"gen-1","object":"chat.completion.chunk","created":1700000000,"model":"command-r","choices":[{"index":0,"delta":{"content":"Hi"},"finish_reason":null}]}',
    );
  });

  it('writes a text_completion chunk with finish reason and usage', () => {
    expect(JSON.parse(textCompletionChunk(header, '', 'length', usage))).toEqual({
      ...header,
      object: 'text_completion',
      choices: [{ index: 0, text: '', finish_reason: 'length' }],
      usage,
    });
  });

  it('opens a chat answer with the assistant role and a completion with nothing', () => {
    expect(
      streamChunkBuilder('llm/v1/chat')
        .opening(header)
        .map((event) => JSON.parse(event).choices[0].delta),
    ).toEqual([{ role: 'assistant', content: '' }]);
    expect(streamChunkBuilder('llm/v1/completions').opening(header)).toEqual([]);
  });

  it('closes a chat answer with an empty delta, the finish reason and usage', () => {
    const closing = JSON.parse(streamChunkBuilder('llm/v1/chat').finish(header, 'stop', usage));
    expect(closing.choices).toEqual([{ index: 0, delta: {}, finish_reason: 'stop' }]);
    expect(closing.usage).toEqual(usage);
  });

  it('stamps created in Unix seconds', () => {
    vi.useFakeTimers({ toFake: ['Date'], now: 1_700_000_000_999 });
    expect(nowInSeconds()).toBe(1700000000);
  });
});
