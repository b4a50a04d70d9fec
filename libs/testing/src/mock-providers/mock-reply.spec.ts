import { describe, expect, it } from 'vitest';
import { countWords, ReplyScript } from './mock-reply.js';

describe('ReplyScript', () => {
  it('cuts the reply into word pieces that keep their whitespace and join back into the text', () => {
    const reply = new ReplyScript('Two lines\nof  text').reply([], undefined);

    expect(reply.pieces).toEqual(['Two', ' lines', '\nof', '  text']);
    expect(reply.text).toBe('Two lines\nof  text');
    expect(reply.completionTokens).toBe(4);
    expect(reply.truncated).toBe(false);
  });

  it('repeats the words to reach eventCount pieces', () => {
    const reply = new ReplyScript('one two', 5).reply([], undefined);

    expect(reply.pieces).toEqual(['one', ' two', ' one', ' two', ' one']);
    expect(reply.text).toBe('one two one two one');
  });

  it('keeps at most maxTokens pieces and marks the reply truncated', () => {
    const reply = new ReplyScript('a b c d').reply([], 2);

    expect(reply).toMatchObject({ text: 'a b', completionTokens: 2, truncated: true });
    expect(new ReplyScript('a b').reply([], 2).truncated).toBe(false);
  });

  it('counts the words of every input as prompt tokens', () => {
    expect(
      new ReplyScript('x').reply(['You are terse.', ' What is\t1 + 1? ', ''], undefined).promptTokens,
    ).toBe(8);
    expect(countWords('  ')).toBe(0);
  });
});
