import { TranslationError } from '@switchyard/plugin-api';
import type { FinishReason, ProviderRequest, StreamStep, StreamTranslator } from '@switchyard/plugin-api';
import {
  EVENT_STREAM_TYPE,
  STREAM_TERMINATOR,
  createOpenAiChunkWriter,
  isRecord,
  streamErrorEvent,
} from '@switchyard/provider-openai-compatible';
import type { JsonRecord } from '@switchyard/provider-openai-compatible';
import { bedrockFinishReason, bedrockUsage } from './bedrock.fields.js';

const NOTHING: StreamStep = { events: [] };

/** ConverseStream's exceptions (`throttlingException`, `modelStreamErrorException`, ...) end in this. */
const EXCEPTION_SUFFIX = 'Exception';

function parsePayload(data: string): JsonRecord {
  let payload: unknown;
  try {
    payload = JSON.parse(data);
  } catch (error) {
    throw new TranslationError(
      `failed to decode stream event frame from bedrock: ${(error as Error).message}`,
    );
  }
  if (!isRecord(payload))
    throw new TranslationError('failed to decode stream event frame from bedrock: not an object');
  return payload;
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

/** A failure Bedrock reported in the stream: OpenAI's error event, and the step marked failed. */
function failure(type: string, message: string): StreamStep {
  return { events: [streamErrorEvent(message, type)], error: message };
}

/**
 * Translates one ConverseStream answer (AWS event-stream messages, one frame each, named by
 * their `:event-type`) to OpenAI chunks: `messageStart` opens the answer, text deltas become
 * content chunks, a `toolUse` block's start and its input deltas become `tool_calls` deltas
 * (their OpenAI index counts tool calls only), `messageStop` gives the finish reason, and
 * `metadata`, the stream's last event, closes the answer with it and the usage (the usage chunk
 * only for a client that asked), then `[DONE]`. An exception (`throttlingException`,
 * `validationException`, `modelStreamErrorException`, ...) or a message that names no event
 * becomes OpenAI's error event. Created per response.
 */
export function createBedrockStreamTranslator(request: ProviderRequest): StreamTranslator {
  const chunks = createOpenAiChunkWriter(request);
  /** OpenAI tool-call index of each `toolUse` block, by Converse's block index. */
  const toolIndexes = new Map<number, number>();
  let opened = false;
  let finishReason: FinishReason = 'stop';

  function open(): string[] {
    if (opened) return [];
    opened = true;
    return chunks.opening();
  }

  function blockStart(event: JsonRecord): StreamStep {
    const start = isRecord(event.start) ? event.start : {};
    if (!isRecord(start.toolUse) || typeof event.contentBlockIndex !== 'number') return NOTHING;
    const index = toolIndexes.size;
    toolIndexes.set(event.contentBlockIndex, index);
    const call = start.toolUse;
    return {
      events: [
        ...open(),
        chunks.toolCall({
          index,
          id: text(call.toolUseId),
          type: 'function',
          function: { name: text(call.name), arguments: '' },
        }),
      ],
    };
  }

  function blockDelta(event: JsonRecord): StreamStep {
    const delta = isRecord(event.delta) ? event.delta : {};
    if (typeof delta.text === 'string') {
      return delta.text === '' ? NOTHING : { events: [...open(), chunks.text(delta.text)], text: delta.text };
    }
    const index =
      typeof event.contentBlockIndex === 'number' ? toolIndexes.get(event.contentBlockIndex) : undefined;
    const input = isRecord(delta.toolUse) ? text(delta.toolUse.input) : '';
    if (index === undefined || input === '') return NOTHING;
    return { events: [chunks.toolCall({ index, function: { arguments: input } })] };
  }

  /** `metadata`: the finish chunk with the reason `messageStop` gave, the usage, and `[DONE]`. */
  function metadata(event: JsonRecord): StreamStep {
    const usage = bedrockUsage(event.usage);
    return {
      events: [...open(), ...chunks.finish(finishReason, usage), STREAM_TERMINATOR],
      finishReason,
      ...(usage && { usage }),
      final: true,
    };
  }

  return {
    contentType: EVENT_STREAM_TYPE,
    translate(frame) {
      const name = frame.event;
      if (name === undefined)
        return failure(
          'bedrock_stream_error',
          'bedrock sent a stream message that names no event (an error message)',
        );
      const event = frame.data === '' ? {} : parsePayload(frame.data);
      if (name.endsWith(EXCEPTION_SUFFIX))
        return failure(name, text(event.message) || `bedrock reported a ${name} in the stream`);
      switch (name) {
        case 'messageStart':
          return { events: open() };
        case 'contentBlockStart':
          return blockStart(event);
        case 'contentBlockDelta':
          return blockDelta(event);
        case 'messageStop':
          finishReason = bedrockFinishReason(event.stopReason);
          return NOTHING;
        case 'metadata':
          return metadata(event);
        default:
          // contentBlockStop, and event types added later.
          return NOTHING;
      }
    },
  };
}
