import { TranslationError } from '@switchyard/plugin-api';
import type { ProviderRequest, StreamStep, StreamTranslator } from '@switchyard/plugin-api';
import {
  STREAM_TERMINATOR,
  isRecord,
  nowInSeconds,
  streamChunkBuilder,
} from '@switchyard/provider-openai-compatible';
import type { ChunkHeader, JsonRecord } from '@switchyard/provider-openai-compatible';
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
  const chunks = streamChunkBuilder(request.routeType);
  const created = nowInSeconds();
  const model = request.model.name;
  // Chat names its id in `stream-start`; generate only in its closing `response`.
  let id = '';
  const header = (): ChunkHeader => ({ id, created, model });

  return {
    translate(frame) {
      if (frame.data === '') return NOTHING;
      const event = parseEvent(frame.data);
      if (!isRecord(event)) return NOTHING;
      switch (eventType(event)) {
        case 'stream-start':
          if (typeof event.generation_id === 'string') id = event.generation_id;
          return { events: chunks.opening(header()), id, model };
        case 'text-generation': {
          const text = typeof event.text === 'string' ? event.text : '';
          return { events: [chunks.text(header(), text)], text };
        }
        case 'stream-end':
        case 'stream-error': {
          const response = isRecord(event.response) ? event.response : {};
          if (!id) id = cohereAnswerId(response);
          const usage = billedUsage(response.meta);
          const finishReason = cohereFinishReason(event.finish_reason);
          return {
            events: [chunks.finish(header(), finishReason, usage), STREAM_TERMINATOR],
            finishReason,
            id,
            // Generate streams have no stream-start: the model is named here too.
            model,
            ...(usage && { usage }),
          };
        }
        default:
          return NOTHING;
      }
    },
  };
}
