import { TranslationError } from '@switchyard/plugin-api';
import type { ProviderRequest, StreamStep, StreamTranslator } from '@switchyard/plugin-api';
import {
  EVENT_STREAM_TYPE,
  STREAM_TERMINATOR,
  createOpenAiChunkWriter,
  isRecord,
  streamErrorEvent,
} from '@switchyard/provider-openai-compatible';
import type { JsonRecord, OpenAiChunkWriter } from '@switchyard/provider-openai-compatible';
import { billedUsage, cohereAnswerId, cohereFinish } from './cohere.fields.js';
import { openAiToolCall, readCohereToolCall, toolCallId } from './cohere.tool-calls.js';

const NOTHING: StreamStep = { events: [] };

function parseEvent(data: string): unknown {
  try {
    return JSON.parse(data);
  } catch (error) {
    throw new TranslationError(`failed to decode event frame from cohere: ${(error as Error).message}`);
  }
}

// Current streams name their events; legacy generate lines are only `{text, is_finished}`.
function eventType(event: JsonRecord): unknown {
  return event.event_type ?? (event.is_finished === true ? 'stream-end' : 'text-generation');
}

/**
 * The tool calls of one streamed chat answer, as OpenAI `tool_calls` deltas. Cohere v1 streams
 * each call as `tool-calls-chunk` events (`tool_call_delta` with `index` and `name` first, then
 * `parameters` text), and then all of them whole in `tool-calls-generation`; a call seen only
 * there (a stream without chunks) is sent whole.
 */
class ToolCallStream {
  /** The indexes of the calls already announced to the client. */
  readonly #announced = new Set<number>();

  constructor(private readonly chunks: OpenAiChunkWriter) {}

  /** Whether the answer called tools. */
  get called(): boolean {
    return this.#announced.size > 0;
  }

  /** A `tool_call_delta`: the call's opening delta (id, name) or more of its arguments. */
  delta(delta: JsonRecord): string[] {
    const index = typeof delta.index === 'number' ? delta.index : 0;
    const parameters = typeof delta.parameters === 'string' ? delta.parameters : undefined;
    if (typeof delta.name === 'string' && !this.#announced.has(index)) {
      this.#announced.add(index);
      const id = toolCallId(this.chunks.id, index);
      const opening = { name: delta.name, arguments: parameters ?? '' };
      return [this.chunks.toolCall({ index, id, type: 'function', function: opening })];
    }
    if (parameters === undefined || parameters === '') return [];
    return [this.chunks.toolCall({ index, function: { arguments: parameters } })];
  }

  /** `tool-calls-generation`: every call not announced yet, whole. */
  generation(calls: unknown): string[] {
    if (!Array.isArray(calls)) return [];
    return calls.flatMap((entry: unknown, index) => {
      const call = readCohereToolCall(entry);
      if (!call || this.#announced.has(index)) return [];
      this.#announced.add(index);
      const { id, type, function: fn } = openAiToolCall(call, this.chunks.id, index);
      return [this.chunks.toolCall({ index, id, type, function: fn })];
    });
  }
}

/** What a `stream-error` event says when its finish reason does not. */
const STREAM_ERROR = 'cohere reported a failed generation (stream-error)';

/**
 * The step that closes the answer (`stream-end`, or generate's `stream-error`): the finish
 * reason and usage, or the client's error event.
 */
function closingStep(
  event: JsonRecord,
  chunks: OpenAiChunkWriter,
  tools: ToolCallStream,
  model: string,
): StreamStep {
  const response = isRecord(event.response) ? event.response : {};
  if (!chunks.id) chunks.id = cohereAnswerId(response);
  const usage = billedUsage(response.meta);
  const summary = { id: chunks.id, model, final: true, ...(usage && { usage }) };
  let finish = cohereFinish(event.finish_reason, tools.called);
  if (event.event_type === 'stream-error' && finish.failure === undefined) finish = { failure: STREAM_ERROR };
  if (finish.failure !== undefined) {
    // A failed generation is no finished answer: the client's stream ends on an error event.
    const error =
      typeof event.err === 'string' && event.err !== '' ? `${finish.failure} (${event.err})` : finish.failure;
    return { ...summary, events: [streamErrorEvent(error)], error };
  }
  const finishReason = finish.reason;
  return { ...summary, events: [...chunks.finish(finishReason, usage), STREAM_TERMINATOR], finishReason };
}

/**
 * Translates one Cohere NDJSON stream (`/v1/chat` or `/v1/generate`) to OpenAI chunks:
 * `stream-start` opens the answer (and names its id), `text-generation` carries text,
 * `tool-calls-chunk` carries the tool plan (as text) and the tool calls, `tool-calls-generation`
 * completes them, `stream-end` closes the answer with the finish reason and the billed usage
 * (the usage chunk only for a client that asked), then `[DONE]`. A failed generation
 * (`stream-error`, or a failure finish reason) ends the stream with an OpenAI-style error event
 * instead. Other events (search results, citations, ...) send nothing. A line that is not JSON
 * throws `TranslationError`, as Kong fails the stream. Created per response.
 */
export function createCohereStreamTranslator(request: ProviderRequest): StreamTranslator {
  const chunks = createOpenAiChunkWriter(request);
  const tools = new ToolCallStream(chunks);
  const model = request.model.name;
  const text = (value: unknown): StreamStep => {
    const piece = typeof value === 'string' ? value : '';
    return { events: [chunks.text(piece)], text: piece };
  };

  return {
    contentType: EVENT_STREAM_TYPE,
    translate(frame) {
      if (frame.data === '') return NOTHING;
      const event = parseEvent(frame.data);
      if (!isRecord(event)) return NOTHING;
      switch (eventType(event)) {
        case 'stream-start':
          // Chat names its id here; generate only in its closing `response`.
          if (typeof event.generation_id === 'string') chunks.id = event.generation_id;
          return { events: chunks.opening(), id: chunks.id, model };
        case 'text-generation':
          return text(event.text);
        case 'tool-calls-chunk': {
          // A chunk carries either a piece of a call or a piece of the tool plan (text).
          const delta = isRecord(event.tool_call_delta) ? event.tool_call_delta : {};
          if (delta.name !== undefined || delta.parameters !== undefined)
            return { events: tools.delta(delta) };
          const plan = event.text ?? delta.text;
          return typeof plan === 'string' && plan !== '' ? text(plan) : NOTHING;
        }
        case 'tool-calls-generation':
          return { events: tools.generation(event.tool_calls) };
        case 'stream-end':
        case 'stream-error':
          // Generate streams have no stream-start: the model is named here too.
          return closingStep(event, chunks, tools, model);
        default:
          return NOTHING;
      }
    },
  };
}
