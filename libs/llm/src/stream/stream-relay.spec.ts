import { TranslationError } from '@switchyard/plugin-api';
import type { StreamRelay, StreamStep, StreamTranslator } from '@switchyard/plugin-api';
import { describe, expect, it } from 'vitest';
import { runStream } from '@switchyard/testing';
import { NdjsonFrameParser } from './ndjson-frame.parser.js';
import { createStreamRelay } from './stream-relay.js';
import type { StreamFailure } from './stream-translation.js';

/** Reads NDJSON lines `{"n": tokens}`; `{"end": true}` ends, `{"error": "..."}` is the provider's failure; `bad` cannot be read. */
const counting: StreamTranslator = {
  contentType: 'application/x-ndjson',
  translate(frame): StreamStep {
    if (frame.data === 'bad') throw new TranslationError('cannot read');
    const line = JSON.parse(frame.data) as { n?: number; end?: boolean; error?: string };
    if (line.error) return { events: ['ignored'], error: line.error };
    if (line.end) return { events: ['ignored'], final: true };
    return { events: ['ignored'], usage: { completion_tokens: line.n } };
  },
};

const relay: StreamRelay = { errorFrame: (message) => `{"failed":${JSON.stringify(message)}}\n` };

function relayed(steps: StreamStep[], failures: StreamFailure[]) {
  return createStreamRelay({
    parser: new NdjsonFrameParser(),
    translator: counting,
    relay,
    onStep: (step) => steps.push(step),
    onFailure: (reason) => failures.push(reason),
  });
}

describe('createStreamRelay', () => {
  it("sends the provider's bytes as they came (chunks cut anywhere) and reads every frame on the side", () => {
    const steps: StreamStep[] = [];
    const failures: StreamFailure[] = [];
    const chunks = ['{"n":1}\n{"n"', ':2}\nbad\n', '{"end":true}\n'];
    expect(runStream(relayed(steps, failures), chunks)).toBe(chunks.join(''));
    // The line it cannot read is skipped; the client reads its provider's lines itself.
    expect(steps.map((step) => step.usage?.completion_tokens ?? step.final)).toEqual([1, 2, true]);
    expect(failures).toEqual([]);
  });

  it('ends a stream cut before its last frame with the relay’s error frame, and marks it incomplete', () => {
    const failures: StreamFailure[] = [];
    const out = runStream(relayed([], failures), ['{"n":1}\n']);
    expect(out).toBe(
      '{"n":1}\n{"failed":"upstream stream ended before its last event; the answer is incomplete"}\n',
    );
    expect(failures).toEqual(['stream_incomplete']);
  });

  it("passes the provider's own error frame on and marks the request failed, adding nothing", () => {
    const failures: StreamFailure[] = [];
    const out = runStream(relayed([], failures), ['{"error":"overloaded"}\n']);
    expect(out).toBe('{"error":"overloaded"}\n');
    expect(failures).toEqual(['provider_stream_error']);
  });

  it('ends a stream the upstream broke off with the relay’s error frame, once', () => {
    const transformer = relayed([], []);
    transformer.transform(Buffer.from('{"n":1}\n'));
    expect(transformer.fail(new Error('socket hang up')).toString()).toBe(
      '{"failed":"upstream stream failed: socket hang up"}\n',
    );
    expect(transformer.end().toString()).toBe('');
  });
});
