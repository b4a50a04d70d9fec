import type {
  ClientStreamEvent,
  StreamFrame,
  StreamStep,
  StreamTransformer,
  StreamTranslator,
} from '@switchyard/plugin-api';
import type { FrameParser } from './frame-parser.js';

/** Kong's answer when a frame cannot be translated (`normalize-sse-chunk`'s `ERROR__NOT_SET`), as an SSE event. */
export const UNSUPPORTED_FRAME_EVENT =
  'data: {"error": true, "message": "empty or unsupported transformer response"}\n\n';

/** One event for the client: `data:` only, or named (`event:` first) when the translator names it. */
function sseEvent(event: ClientStreamEvent): string {
  // Kong writes the terminator without the closing blank line; an SSE client dispatches an event
  // only at a blank line, so `[DONE]` gets one here like every other event.
  return typeof event === 'string' ? `data: ${event}\n\n` : `event: ${event.event}\ndata: ${event.data}\n\n`;
}

/** The error event that ends a stream the upstream broke off. */
export function upstreamFailureEvent(reason: string): string {
  return sseEvent(JSON.stringify({ error: { message: `upstream stream failed: ${reason}` } }));
}

/**
 * A stream that cannot be translated at all (the upstream answered JSON, or compressed it): Kong's error event in place of the body, then nothing.
 */
export function createRejectedStream(): StreamTransformer {
  let sent = false;
  const once = () => {
    if (sent) return '';
    sent = true;
    return UNSUPPORTED_FRAME_EVENT;
  };
  return { transform: once, end: once, fail: once };
}

/** The parts of one stream's translation, all created for that response. */
export interface StreamTranslationOptions {
  readonly parser: FrameParser;
  readonly translator: StreamTranslator;
  /** Sees every translated step, in order (usage, text, model for the analytics). */
  readonly onStep: (step: StreamStep) => void;
}

/**
 * Rewrites one provider stream into OpenAI's: each chunk is cut into frames,
 * each frame translated by the driver, and every resulting event written at once as
 * `data: <event>\n\n`. A frame the parser or translator rejects ends the client's stream with
 * Kong's error event; whatever the upstream sends after it is dropped. Created per response.
 */
export function createStreamTranslation(options: StreamTranslationOptions): StreamTransformer {
  const { parser, translator, onStep } = options;
  let stopped = false;

  function translateAll(frames: readonly StreamFrame[], ignoreRejected: boolean): string {
    let out = '';
    for (const frame of frames) {
      let step: StreamStep;
      try {
        step = translator.translate(frame);
      } catch {
        if (ignoreRejected) continue;
        stopped = true;
        return out + UNSUPPORTED_FRAME_EVENT;
      }
      onStep(step);
      for (const event of step.events) out += sseEvent(event);
    }
    return out;
  }

  return {
    transform(chunk) {
      if (stopped) return '';
      let frames: StreamFrame[];
      try {
        frames = parser.push(chunk);
      } catch {
        stopped = true;
        return UNSUPPORTED_FRAME_EVENT;
      }
      return translateAll(frames, false);
    },
    end() {
      if (stopped) return '';
      stopped = true;
      // As Kong, an unfinished last frame is translated when it can be, and dropped otherwise.
      let out = translateAll(parser.end(), true);
      // Formats without a closing event of their own are closed by the translator.
      const closing = translator.end?.();
      if (closing) {
        onStep(closing);
        for (const event of closing.events) out += sseEvent(event);
      }
      return out;
    },
    fail(error) {
      if (stopped) return '';
      stopped = true;
      return upstreamFailureEvent(error.message);
    },
  };
}
