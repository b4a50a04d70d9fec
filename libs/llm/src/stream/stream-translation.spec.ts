import { TranslationError } from '@switchyard/plugin-api';
import type { StreamStep, StreamTranslator } from '@switchyard/plugin-api';
import { describe, expect, it } from 'vitest';
import { runStream } from '@switchyard/testing';
import { NdjsonFrameParser } from './ndjson-frame.parser.js';
import { SseFrameParser } from './sse-frame.parser.js';
import {
  INCOMPLETE_STREAM_EVENT,
  MAX_HELD_STEPS,
  UNSUPPORTED_FRAME_EVENT,
  createRejectedStream,
  createStreamTranslation,
  type StreamFailure,
} from './stream-translation.js';

/** Upper-cases each frame's data; `[DONE]` ends; `bad` is rejected. */
const shouting: StreamTranslator = {
  contentType: 'text/event-stream',
  translate(frame): StreamStep {
    if (frame.data === 'bad') throw new TranslationError('cannot read');
    if (frame.data === '[DONE]') return { events: ['[DONE]'], final: true };
    return { events: [frame.data.toUpperCase()], text: frame.data };
  },
};

function translation(steps: StreamStep[] = [], failures: StreamFailure[] = []) {
  return createStreamTranslation({
    parser: new SseFrameParser(),
    translator: shouting,
    onStep: (step) => steps.push(step),
    onFailure: (reason) => failures.push(reason),
  });
}

describe('createStreamTranslation', () => {
  it('writes every translated event as a data line and a blank line, the terminator included', () => {
    const steps: StreamStep[] = [];
    const failures: StreamFailure[] = [];
    expect(runStream(translation(steps, failures), ['data: a\n\ndata: b\n\n', 'data: [DONE]\n\n'])).toBe(
      'data: A\n\ndata: B\n\ndata: [DONE]\n\n',
    );
    expect(steps.map((step) => step.text)).toEqual(['a', 'b', undefined]);
    expect(failures).toEqual([]);
  });

  it('writes named events as event and data lines', () => {
    const named: StreamTranslator = {
      contentType: 'text/event-stream',
      translate: (frame) => ({ events: [{ event: 'message_start', data: frame.data }], final: true }),
    };
    const transformer = createStreamTranslation({
      parser: new SseFrameParser(),
      translator: named,
      onStep: () => undefined,
      onFailure: () => undefined,
    });
    expect(runStream(transformer, ['data: {}\n\n'])).toBe('event: message_start\ndata: {}\n\n');
  });

  it("ends the stream after a step that reports the provider's failure, and marks it failed", () => {
    const failing: StreamTranslator = {
      contentType: 'text/event-stream',
      translate: (frame) =>
        frame.data === 'boom'
          ? { events: ['{"error":{"message":"overloaded"}}'], error: 'overloaded' }
          : { events: [frame.data] },
    };
    const failures: StreamFailure[] = [];
    const transformer = createStreamTranslation({
      parser: new SseFrameParser(),
      translator: failing,
      onStep: () => undefined,
      onFailure: (reason) => failures.push(reason),
    });
    expect(runStream(transformer, ['data: a\n\ndata: boom\n\ndata: b\n\n'])).toBe(
      'data: a\n\ndata: {"error":{"message":"overloaded"}}\n\n',
    );
    expect(failures).toEqual(['provider_stream_error']);
  });

  it("closes a format without a closing event of its own with the translator's end()", () => {
    const steps: StreamStep[] = [];
    const closing: StreamTranslator = {
      contentType: 'text/event-stream',
      translate: (frame) => ({ events: [frame.data] }),
      end: () => ({ events: ['[DONE]'], final: true, finishReason: 'stop' }),
    };
    const failures: StreamFailure[] = [];
    const transformer = createStreamTranslation({
      parser: new SseFrameParser(),
      translator: closing,
      onStep: (step) => steps.push(step),
      onFailure: (reason) => failures.push(reason),
    });
    expect(runStream(transformer, ['data: a\n\n'])).toBe('data: a\n\ndata: [DONE]\n\n');
    expect(steps.at(-1)?.finishReason).toBe('stop');
    expect(failures).toEqual([]);
  });

  it('writes each event with the chunk that completes it', () => {
    const transformer = translation();
    expect(transformer.transform(Buffer.from('data: a\n'))).toBe('');
    expect(transformer.transform(Buffer.from('\ndata: b'))).toBe('data: A\n\n');
    expect(transformer.end()).toBe(`data: B\n\n${INCOMPLETE_STREAM_EVENT}`);
  });

  it('ends the stream with an OpenAI-style error event at a frame the translator rejects, and drops the rest', () => {
    const failures: StreamFailure[] = [];
    const transformer = translation([], failures);
    expect(transformer.transform(Buffer.from('data: a\n\ndata: bad\n\ndata: c\n\n'))).toBe(
      `data: A\n\n${UNSUPPORTED_FRAME_EVENT}`,
    );
    expect(transformer.transform(Buffer.from('data: d\n\n'))).toBe('');
    expect(transformer.end()).toBe('');
    expect(UNSUPPORTED_FRAME_EVENT).toBe(
      'data: {"error":{"message":"empty or unsupported transformer response"}}\n\n',
    );
    expect(failures).toEqual(['unsupported_stream_frame']);
  });

  it('ends with an error event naming the reason when the upstream breaks off', () => {
    const transformer = translation();
    expect(transformer.transform(Buffer.from('data: a\n\n'))).toBe('data: A\n\n');
    expect(transformer.fail(new Error('other side closed'))).toBe(
      'data: {"error":{"message":"upstream stream failed: other side closed"}}\n\n',
    );
  });

  it('translates an unfinished last frame at the end, and ignores it when it is rejected (as Kong)', () => {
    expect(runStream(translation(), ['data: a\n\ndata: b\n\ndata: [DONE]'])).toBe(
      'data: A\n\ndata: B\n\ndata: [DONE]\n\n',
    );
    expect(runStream(translation(), ['data: [DONE]\n\ndata: bad'])).toBe('data: [DONE]\n\n');
  });

  it('ends a stream that stops before its terminator with an error event, and reports it incomplete', () => {
    const failures: StreamFailure[] = [];
    expect(runStream(translation([], failures), ['data: a\n\n'])).toBe(
      `data: A\n\n${INCOMPLETE_STREAM_EVENT}`,
    );
    expect(runStream(translation([], failures), ['<html>not a stream</html>'])).toBe(INCOMPLETE_STREAM_EVENT);
    expect(failures).toEqual(['stream_incomplete', 'stream_incomplete']);
    expect(INCOMPLETE_STREAM_EVENT).toBe(
      'data: {"error":{"message":"upstream stream ended before its last event; the answer is incomplete"}}\n\n',
    );
  });

  it('answers the unsupported-response event for a line its translator cannot read', () => {
    const transformer = createStreamTranslation({
      parser: new NdjsonFrameParser(),
      translator: shouting,
      onStep: () => undefined,
      onFailure: () => undefined,
    });
    expect(runStream(transformer, ['bad\n'])).toBe(UNSUPPORTED_FRAME_EVENT);
  });
});

describe('createStreamTranslation holding the opening (a request that may fail over)', () => {
  /** `open` frames carry no text (a role chunk); others carry their data as text. */
  const opening: StreamTranslator = {
    contentType: 'text/event-stream',
    translate(frame): StreamStep {
      if (frame.data === 'open') return { events: ['OPEN'] };
      if (frame.data === 'oops') return { events: ['ERROR'], error: 'overloaded' };
      if (frame.data === '[DONE]') return { events: ['[DONE]'], final: true };
      return { events: [frame.data.toUpperCase()], text: frame.data };
    },
  };
  const holding = (failures: StreamFailure[] = []) =>
    createStreamTranslation({
      parser: new SseFrameParser(),
      translator: opening,
      onStep: () => undefined,
      onFailure: (reason) => failures.push(reason),
      holdOpening: true,
    });

  it('writes nothing for the opening events, then them and the first content together', () => {
    const transformer = holding();
    expect(transformer.transform(Buffer.from('data: open\n\n'))).toBe('');
    expect(transformer.transform(Buffer.from('data: hi\n\n'))).toBe('data: OPEN\n\ndata: HI\n\n');
    expect(transformer.transform(Buffer.from('data: [DONE]\n\n'))).toBe('data: [DONE]\n\n');
  });

  it("writes the opening and the provider's error at once when the error comes before any content", () => {
    const failures: StreamFailure[] = [];
    const transformer = holding(failures);
    expect(transformer.transform(Buffer.from('data: open\n\n'))).toBe('');
    expect(transformer.transform(Buffer.from('data: oops\n\n'))).toBe('data: OPEN\n\ndata: ERROR\n\n');
    expect(failures).toEqual(['provider_stream_error']);
  });

  it('releases the opening after at most MAX_HELD_STEPS steps, and before an upstream failure or an early end', () => {
    const many = holding();
    const openings = 'data: open\n\n'.repeat(MAX_HELD_STEPS);
    expect(many.transform(Buffer.from(openings))).toBe('data: OPEN\n\n'.repeat(MAX_HELD_STEPS));
    const broken = holding();
    broken.transform(Buffer.from('data: open\n\n'));
    expect(broken.fail(new Error('reset'))).toMatch(/^data: OPEN\n\ndata: \{"error"/);
    const ended = holding();
    ended.transform(Buffer.from('data: open\n\n'));
    expect(ended.end()).toBe(`data: OPEN\n\n${INCOMPLETE_STREAM_EVENT}`);
  });
});

describe('createRejectedStream', () => {
  it('sends the unsupported-response event once in place of the body, and reports it once', () => {
    const failures: StreamFailure[] = [];
    expect(
      runStream(
        createRejectedStream((reason) => failures.push(reason)),
        ['{"unexpected":', '{}}'],
      ),
    ).toBe(UNSUPPORTED_FRAME_EVENT);
    expect(
      runStream(
        createRejectedStream(() => undefined),
        [],
      ),
    ).toBe(UNSUPPORTED_FRAME_EVENT);
    expect(failures).toEqual(['unsupported_stream']);
  });
});
