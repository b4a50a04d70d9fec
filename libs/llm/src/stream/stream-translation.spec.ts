import { TranslationError } from '@switchyard/plugin-api';
import type { StreamStep, StreamTranslator } from '@switchyard/plugin-api';
import { describe, expect, it } from 'vitest';
import { runStream } from '@switchyard/testing';
import { NdjsonFrameParser } from './ndjson-frame.parser.js';
import { SseFrameParser } from './sse-frame.parser.js';
import {
  UNSUPPORTED_FRAME_EVENT,
  createRejectedStream,
  createStreamTranslation,
} from './stream-translation.js';

/** Upper-cases each frame's data; `[DONE]` ends; `bad` is rejected. */
const shouting: StreamTranslator = {
  contentType: 'text/event-stream',
  translate(frame): StreamStep {
    if (frame.data === 'bad') throw new TranslationError('cannot read');
    if (frame.data === '[DONE]') return { events: ['[DONE]'] };
    return { events: [frame.data.toUpperCase()], text: frame.data };
  },
};

function translation(steps: StreamStep[] = []) {
  return createStreamTranslation({
    parser: new SseFrameParser(),
    translator: shouting,
    onStep: (step) => steps.push(step),
  });
}

describe('createStreamTranslation', () => {
  it('writes every translated event as a data line and a blank line, the terminator included', () => {
    const steps: StreamStep[] = [];
    expect(runStream(translation(steps), ['data: a\n\ndata: b\n\n', 'data: [DONE]\n\n'])).toBe(
      'data: A\n\ndata: B\n\ndata: [DONE]\n\n',
    );
    expect(steps.map((step) => step.text)).toEqual(['a', 'b', undefined]);
  });

  it('writes each event with the chunk that completes it', () => {
    const transformer = translation();
    expect(transformer.transform(Buffer.from('data: a\n'))).toBe('');
    expect(transformer.transform(Buffer.from('\ndata: b'))).toBe('data: A\n\n');
    expect(transformer.end()).toBe('data: B\n\n');
  });

  it("ends the stream with Kong's error event at a frame the translator rejects, and drops the rest", () => {
    const transformer = translation();
    expect(transformer.transform(Buffer.from('data: a\n\ndata: bad\n\ndata: c\n\n'))).toBe(
      `data: A\n\n${UNSUPPORTED_FRAME_EVENT}`,
    );
    expect(transformer.transform(Buffer.from('data: d\n\n'))).toBe('');
    expect(transformer.end()).toBe('');
    expect(UNSUPPORTED_FRAME_EVENT).toBe(
      'data: {"error": true, "message": "empty or unsupported transformer response"}\n\n',
    );
  });

  it('ends with an error event naming the reason when the upstream breaks off', () => {
    const transformer = translation();
    expect(transformer.transform(Buffer.from('data: a\n\n'))).toBe('data: A\n\n');
    expect(transformer.fail(new Error('other side closed'))).toBe(
      'data: {"error":{"message":"upstream stream failed: other side closed"}}\n\n',
    );
  });

  it('translates an unfinished last frame at the end, and ignores it when it is rejected (as Kong)', () => {
    expect(runStream(translation(), ['data: a\n\ndata: b'])).toBe('data: A\n\ndata: B\n\n');
    expect(runStream(translation(), ['data: a\n\ndata: bad'])).toBe('data: A\n\n');
  });

  it("answers Kong's error event for a line its translator cannot read", () => {
    const transformer = createStreamTranslation({
      parser: new NdjsonFrameParser(),
      translator: shouting,
      onStep: () => undefined,
    });
    expect(runStream(transformer, ['bad\n'])).toBe(UNSUPPORTED_FRAME_EVENT);
  });
});

describe('createRejectedStream', () => {
  it("sends Kong's error event once in place of the body", () => {
    expect(runStream(createRejectedStream(), ['{"unexpected":', '{}}'])).toBe(UNSUPPORTED_FRAME_EVENT);
    expect(runStream(createRejectedStream(), [])).toBe(UNSUPPORTED_FRAME_EVENT);
  });
});
