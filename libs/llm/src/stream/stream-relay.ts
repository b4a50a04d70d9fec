import type { StreamRelay, StreamStep, StreamTransformer, StreamTranslator } from '@switchyard/plugin-api';
import type { FrameParser } from './frame-parser.js';
import { INCOMPLETE_STREAM, upstreamFailure, type StreamFailure } from './stream-translation.js';

/** The parts of one relayed stream, all created for that response. */
export interface StreamRelayOptions {
  readonly parser: FrameParser;
  /** Reads each frame for the gateway; its steps' events are not sent. */
  readonly translator: StreamTranslator;
  /** Writes the failures the gateway reports, in the stream's own framing. */
  readonly relay: StreamRelay;
  /** Sees every step read, in order (usage, text, model for the analytics and the trace). */
  readonly onStep: (step: StreamStep) => void;
  /** Hears why the stream counts as failed: a provider's error frame, or a stream cut short. */
  readonly onFailure: (reason: StreamFailure) => void;
}

/**
 * A native stream passed through to a client of the provider's own API: every upstream chunk is
 * sent on as it came, and read on the side (cut into frames, each read by the translator) for
 * usage, analytics and traces. What the gateway cannot read is only not counted: the client reads
 * its provider's framing itself. A provider's error frame reaches the client as it came and marks
 * the request failed; a stream that ends before its last frame, or that the upstream breaks off,
 * ends with the relay's error frame in the stream's own framing. Created per response.
 */
export function createStreamRelay(options: StreamRelayOptions): StreamTransformer {
  const { parser, translator, relay, onStep, onFailure } = options;
  let readable = true;
  let terminated = false;
  let failed = false;
  let stopped = false;

  function read(step: StreamStep): void {
    onStep(step);
    if (step.error !== undefined && !failed) {
      failed = true;
      onFailure('provider_stream_error');
    }
    if (step.final) terminated = true;
  }

  function readAll(chunk: Buffer | undefined): void {
    if (!readable) return;
    try {
      for (const frame of chunk ? parser.push(chunk) : parser.end()) {
        let step: StreamStep;
        try {
          step = translator.translate(frame);
        } catch {
          continue;
        }
        read(step);
      }
    } catch {
      // A frame the parser cannot cut: the rest of the stream goes by unread.
      readable = false;
    }
  }

  return {
    transform(chunk) {
      if (stopped) return '';
      readAll(chunk);
      return chunk;
    },
    end() {
      if (stopped) return '';
      stopped = true;
      readAll(undefined);
      const closing = readable ? translator.end?.() : undefined;
      if (closing) read(closing);
      if (terminated || failed) return '';
      onFailure('stream_incomplete');
      return relay.errorFrame(INCOMPLETE_STREAM);
    },
    fail(error) {
      if (stopped) return '';
      stopped = true;
      return relay.errorFrame(upstreamFailure(error.message));
    },
  };
}
