import type {
  ClientStreamEvent,
  FinishReason,
  StreamStep,
  StreamTranslator,
  ToolCallDelta,
  TranslatedResponse,
} from '@switchyard/plugin-api';
import { isRecord } from './json-shapes.js';
import type { JsonRecord } from './json-shapes.js';
import { EVENT_STREAM_TYPE } from './stream-chunks.js';

/*
 * What every client API that pivots through OpenAI's chat shape (Anthropic's Messages API, the
 * Responses API) reads of the chat side's answers and events, and how it wraps a chat stream.
 */

function parsedEvent(event: ClientStreamEvent): unknown {
  try {
    return JSON.parse(typeof event === 'string' ? event : event.data);
  } catch {
    return undefined;
  }
}

/** The first choice's delta of an OpenAI chat chunk, when the event is one. */
function chatDeltaOf(event: ClientStreamEvent): JsonRecord | undefined {
  const chunk = parsedEvent(event);
  if (!isRecord(chunk) || !Array.isArray(chunk.choices)) return undefined;
  const choice: unknown = chunk.choices[0];
  return isRecord(choice) && isRecord(choice.delta) ? choice.delta : undefined;
}

/** What a client API writes for the pieces of a chat stream. */
export interface ChatDeltaWriter {
  /** A piece of the answer's text (never empty). */
  text(piece: string): void;
  /** A piece of a tool call: its opening (id, name) or a piece of its arguments. */
  toolCall(delta: ToolCallDelta): void;
}

/** Hands the text and tool-call pieces of a step's chat chunks to `writer`, in order. */
export function writeChatDeltas(events: readonly ClientStreamEvent[], writer: ChatDeltaWriter): void {
  for (const event of events) {
    const delta = chatDeltaOf(event);
    if (!delta) continue;
    if (typeof delta.content === 'string' && delta.content !== '') writer.text(delta.content);
    if (Array.isArray(delta.tool_calls))
      for (const call of delta.tool_calls as ToolCallDelta[]) writer.toolCall(call);
  }
}

/** The `type` of the first of a step's events when it is an OpenAI-shaped error (`{"error":{"type"}}`). */
export function streamErrorTypeOf(events: readonly ClientStreamEvent[]): string | undefined {
  const body = events[0] === undefined ? undefined : parsedEvent(events[0]);
  return isRecord(body) && isRecord(body.error) && typeof body.error.type === 'string'
    ? body.error.type
    : undefined;
}

/** The first choice of a whole OpenAI chat answer: its message (`{}` when absent) and finish reason. */
export function firstChatChoiceOf(answer: TranslatedResponse): {
  readonly body: JsonRecord;
  readonly message: JsonRecord;
  readonly finish: FinishReason | null;
} {
  const body = isRecord(answer.body) ? answer.body : {};
  const choice = Array.isArray(body.choices) && isRecord(body.choices[0]) ? body.choices[0] : {};
  const message = isRecord(choice.message) ? choice.message : {};
  const finish = typeof choice.finish_reason === 'string' ? (choice.finish_reason as FinishReason) : null;
  return { body, message, finish };
}

/**
 * A chat stream translator whose every step (the upstream's frames and its `end`) goes through
 * `adapt`, which writes the client API's events; framing is the chat translator's.
 */
export function adaptedStreamTranslator(
  openAi: StreamTranslator,
  adapt: (step: StreamStep) => StreamStep,
  errorEvent?: (message: string) => ClientStreamEvent,
): StreamTranslator {
  const end = openAi.end;
  return {
    contentType: EVENT_STREAM_TYPE,
    ...(openAi.framing && { framing: openAi.framing }),
    translate: (frame) => adapt(openAi.translate(frame)),
    ...(end && { end: () => adapt(end.call(openAi)) }),
    ...(errorEvent && { errorEvent }),
  };
}
