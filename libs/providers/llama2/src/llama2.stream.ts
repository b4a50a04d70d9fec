import { TranslationError } from '@switchyard/plugin-api';
import type { ProviderRequest, StreamStep, StreamTranslator } from '@switchyard/plugin-api';
import {
  EVENT_STREAM_TYPE,
  STREAM_TERMINATOR,
  createOpenAiChunkWriter,
  isRecord,
  streamErrorEvent,
} from '@switchyard/provider-openai-compatible';
import { rawAnswerId, rawFinishReason, rawUsage } from './llama2.fields.js';

const NOTHING: StreamStep = { events: [] };

function parseEvent(data: string): unknown {
  try {
    return JSON.parse(data);
  } catch (error) {
    throw new TranslationError(`failed to decode event frame from llama2: ${(error as Error).message}`);
  }
}

/**
 * Translates one text-generation server stream (TGI's SSE: `data: {"token": {"text", "special"},
 * "generated_text": null, "details": null}` per token; the last event carries the whole
 * `generated_text` and `details`) to OpenAI chunks: the first event opens the answer, each
 * token's text (special tokens such as `</s>` left out) is a chunk, and the last event closes the
 * answer with the finish reason and `[DONE]`. The server reports no prompt count, so there is
 * no usage chunk; the gateway logs the completion tokens of `details` and estimates the prompt.
 * An `{"error": ...}` event ends the stream with an OpenAI-style error event. Created per response.
 */
export function createLlama2RawStreamTranslator(request: ProviderRequest): StreamTranslator {
  const chunks = createOpenAiChunkWriter(request);
  const model = request.model.name;
  let opened = false;

  return {
    contentType: EVENT_STREAM_TYPE,
    framing: 'sse',
    translate(frame) {
      if (frame.data === '') return NOTHING;
      const event = parseEvent(frame.data);
      if (!isRecord(event)) return NOTHING;
      if (typeof event.error === 'string') {
        const error = `llama2 reported an error: ${event.error}`;
        return { events: [streamErrorEvent(error)], error };
      }
      const events: string[] = [];
      if (!opened) {
        opened = true;
        chunks.id = rawAnswerId();
        events.push(...chunks.opening());
      }
      const token = isRecord(event.token) ? event.token : {};
      const text = token.special !== true && typeof token.text === 'string' ? token.text : '';
      if (text !== '') events.push(chunks.text(text));
      const step = { id: chunks.id, model, ...(text !== '' && { text }) };
      if (typeof event.generated_text !== 'string') return { ...step, events };
      const finishReason = rawFinishReason(event.details);
      const usage = rawUsage(event.details);
      events.push(...chunks.finish(finishReason), STREAM_TERMINATOR);
      return { ...step, events, finishReason, final: true, ...(usage && { usage }) };
    },
  };
}
