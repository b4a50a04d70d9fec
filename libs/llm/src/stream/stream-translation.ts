import type {
  ClientStreamEvent,
  StreamFrame,
  StreamStep,
  StreamTransformer,
  StreamTranslator,
} from '@switchyard/plugin-api';
import type { FrameParser } from './frame-parser.js';

/** Why a translated stream ended with an error event (`RequestContext.failure`). */
export type StreamFailure =
  /** The upstream answered a stream request with one JSON document, or compressed. */
  | 'unsupported_stream'
  /** A frame the parser or the driver could not read. */
  | 'unsupported_stream_frame'
  /** The upstream ended its body before its last event (no terminator). */
  | 'stream_incomplete'
  /** The provider reported a failure inside the stream (an overloaded error, an exception frame). */
  | 'provider_stream_error';

/** One event for the client: `data:` only, or named (`event:` first) when the translator names it. */
export function sseEvent(event: ClientStreamEvent): string {
  // Kong writes the terminator without the closing blank line; an SSE client dispatches an event
  // only at a blank line, so `[DONE]` gets one here like every other event.
  return typeof event === 'string' ? `data: ${event}\n\n` : `event: ${event.event}\ndata: ${event.data}\n\n`;
}

/** Writes the SSE text of the error event that ends a client's stream with `message`. */
export type StreamErrorWriter = (message: string) => string;

/** An OpenAI-style error event (`data: {"error":{"message":...}}`), which the OpenAI SDKs raise as an error. */
export const openAiErrorEvent: StreamErrorWriter = (message) =>
  sseEvent(JSON.stringify({ error: { message } }));

/**
 * Kong's message (`normalize-sse-chunk`'s `ERROR__NOT_SET`) for a stream the gateway cannot
 * translate, or a frame it cannot read; sent in the client's error shape rather than Kong's
 * `{"error": true, ...}`, which clients do not recognise as an error.
 */
const UNSUPPORTED_FRAME = 'empty or unsupported transformer response';
export const INCOMPLETE_STREAM = 'upstream stream ended before its last event; the answer is incomplete';

/** The event for a stream the gateway cannot translate, or a frame it cannot read (OpenAI's shape). */
export const UNSUPPORTED_FRAME_EVENT = openAiErrorEvent(UNSUPPORTED_FRAME);

/** The event that ends a stream whose upstream ended before its last event (OpenAI's shape). */
export const INCOMPLETE_STREAM_EVENT = openAiErrorEvent(INCOMPLETE_STREAM);

/** The message of the error event that ends a stream the upstream broke off (or left idle too long). */
export function upstreamFailure(reason: string): string {
  return `upstream stream failed: ${reason}`;
}

/**
 * A stream that cannot be translated at all (the upstream answered JSON, or compressed it): the
 * unsupported-response event in place of the body, then nothing. `onFailure` hears of it once.
 */
export function createRejectedStream(
  onFailure: (reason: StreamFailure) => void,
  errorEvent: (message: string) => string | Buffer = openAiErrorEvent,
): StreamTransformer {
  let sent = false;
  const once = () => {
    if (sent) return '';
    sent = true;
    onFailure('unsupported_stream');
    return errorEvent(UNSUPPORTED_FRAME);
  };
  return { transform: once, end: once, fail: once };
}

/** The parts of one stream's translation, all created for that response. */
export interface StreamTranslationOptions {
  readonly parser: FrameParser;
  readonly translator: StreamTranslator;
  /** Sees every translated step, in order (usage, text, model for the analytics). */
  readonly onStep: (step: StreamStep) => void;
  /** Hears why the stream ended with an error event it wrote (not of upstream breaks: the gateway knows those). */
  readonly onFailure: (reason: StreamFailure) => void;
  /** The client's error event (a native client API's shape); OpenAI's when absent. */
  readonly errorEvent?: StreamErrorWriter;
  /**
   * Hold the stream's opening events (a role chunk, Anthropic's `message_start`: steps with no
   * text, finish reason or failure), at most `MAX_HELD_STEPS` of them, until a step with content
   * comes: set when the request may still fail over, so that a provider failing right after
   * its opening events has sent the client nothing yet.
   */
  readonly holdOpening?: boolean;
}

/** The most opening steps `holdOpening` holds back (tool-call openings are released after them). */
export const MAX_HELD_STEPS = 8;

/** Whether a step carries the answer itself, rather than its opening. */
function carriesContent(step: StreamStep): boolean {
  return (
    step.text !== undefined ||
    step.finishReason !== undefined ||
    step.error !== undefined ||
    step.final === true
  );
}

/**
 * Rewrites one provider stream into OpenAI's: each chunk is cut into frames,
 * each frame translated by the driver, and every resulting event written at once as
 * `data: <event>\n\n`. A frame the parser or translator rejects ends the client's stream with
 * the unsupported-response event; whatever the upstream sends after it is dropped. A body that
 * ends before the terminator ends it with an error event too: a client must never take a
 * stream cut short for a whole answer. Created per response.
 */
export function createStreamTranslation(options: StreamTranslationOptions): StreamTransformer {
  const { parser, translator, onStep, onFailure } = options;
  const errorEvent = options.errorEvent ?? openAiErrorEvent;
  let stopped = false;
  let terminated = false;
  let holding = options.holdOpening === true;
  let held = '';
  let heldSteps = 0;

  /** The opening events held so far, released before whatever comes next. */
  function release(): string {
    holding = false;
    const out = held;
    held = '';
    return out;
  }

  function stop(reason: StreamFailure, event: string): string {
    stopped = true;
    onFailure(reason);
    return release() + event;
  }

  function translateAll(frames: readonly StreamFrame[], ignoreRejected: boolean): string {
    let out = '';
    for (const frame of frames) {
      let step: StreamStep;
      try {
        step = translator.translate(frame);
      } catch {
        if (ignoreRejected) continue;
        return out + stop('unsupported_stream_frame', errorEvent(UNSUPPORTED_FRAME));
      }
      out += emit(step);
      if (stopped) return out;
    }
    return out;
  }

  /**
   * One translated step for the client: its events, then the end of the stream when it is the
   * provider's failure (nothing after it is sent) or its last frame.
   */
  function emit(step: StreamStep): string {
    onStep(step);
    let out = '';
    for (const event of step.events) out += sseEvent(event);
    if (holding) {
      heldSteps += 1;
      if (!carriesContent(step) && heldSteps < MAX_HELD_STEPS) {
        held += out;
        return '';
      }
      out = release() + out;
    }
    if (step.error !== undefined) return out + stop('provider_stream_error', '');
    if (step.final) terminated = true;
    return out;
  }

  return {
    transform(chunk) {
      if (stopped) return '';
      let frames: StreamFrame[];
      try {
        frames = parser.push(chunk);
      } catch {
        return stop('unsupported_stream_frame', errorEvent(UNSUPPORTED_FRAME));
      }
      return translateAll(frames, false);
    },
    end() {
      if (stopped) return '';
      // As Kong, an unfinished last frame is translated when it can be, and dropped otherwise.
      let out = translateAll(parser.end(), true);
      // Formats without a closing event of their own are closed by the translator.
      const closing = translator.end?.();
      if (closing) out += emit(closing);
      if (!stopped && !terminated) out += stop('stream_incomplete', errorEvent(INCOMPLETE_STREAM));
      stopped = true;
      return release() + out;
    },
    fail(error) {
      if (stopped) return '';
      stopped = true;
      return release() + errorEvent(upstreamFailure(error.message));
    },
  };
}
