import { TranslationError } from '@switchyard/plugin-api';
import type { ProviderRequest, StreamStep, StreamTranslator } from '@switchyard/plugin-api';
import {
  EVENT_STREAM_TYPE,
  STREAM_TERMINATOR,
  createOpenAiChunkWriter,
  isRecord,
} from '@switchyard/provider-openai-compatible';
import type { JsonRecord } from '@switchyard/provider-openai-compatible';
import { billedUsage, cohereAnswerId, cohereFinishReason } from './cohere.fields.js';

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
 * Translates one Cohere NDJSON stream (`/v1/chat` or `/v1/generate`) to OpenAI chunks:
 * `stream-start` opens the answer (and names its id), `text-generation` carries text,
 * `stream-end` (or generate's `stream-error`) closes it with the finish reason and the billed
 * usage, then `[DONE]`. Other events (search results, citations, ...) send nothing.
 * A line that is not JSON throws `TranslationError`, as Kong fails the stream.
 */
export function createCohereStreamTranslator(request: ProviderRequest): StreamTranslator {
  const chunks = createOpenAiChunkWriter(request);
  const model = request.model.name;

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
        case 'text-generation': {
          const text = typeof event.text === 'string' ? event.text : '';
          return { events: [chunks.text(text)], text };
        }
        case 'stream-end':
        case 'stream-error': {
          const response = isRecord(event.response) ? event.response : {};
          if (!chunks.id) chunks.id = cohereAnswerId(response);
          const usage = billedUsage(response.meta);
          const finishReason = cohereFinishReason(event.finish_reason);
          return {
            events: [...chunks.finish(finishReason, usage), STREAM_TERMINATOR],
            finishReason,
            id: chunks.id,
            // Generate streams have no stream-start: the model is named here too.
            model,
            final: true,
            ...(usage && { usage }),
          };
        }
        default:
          return NOTHING;
      }
    },
  };
}
