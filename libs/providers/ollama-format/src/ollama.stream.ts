import { TranslationError } from '@switchyard/plugin-api';
import type { ProviderRequest, StreamStep, StreamTranslator } from '@switchyard/plugin-api';
import {
  EVENT_STREAM_TYPE,
  STREAM_TERMINATOR,
  createOpenAiChunkWriter,
  isRecord,
  streamErrorEvent,
} from '@switchyard/provider-openai-compatible';
import type { JsonRecord } from '@switchyard/provider-openai-compatible';
import { answerModel, ollamaAnswerId, ollamaFinishReason, ollamaUsage } from './ollama.fields.js';
import { openAiToolCalls } from './ollama.tool-calls.js';

const NOTHING: StreamStep = { events: [] };

function parseLine(data: string): unknown {
  try {
    return JSON.parse(data);
  } catch {
    // Kong's message for an Ollama frame it cannot decode.
    throw new TranslationError('failed to decode ollama response');
  }
}

/**
 * Translates one Ollama NDJSON stream (`/api/chat` or `/api/generate`) to OpenAI chunks: the
 * first line opens the answer (its `created_at` names it), each line's `message.content` (chat)
 * or `response` (generate) is text, a line's `message.tool_calls` are sent whole (Ollama streams
 * each call in one piece), and the `done` line closes the answer with the finish reason and
 * usage (the usage chunk only for a client that asked), then `[DONE]`. An `{"error": ...}` line
 * (a model that fails while it generates) ends the stream with an OpenAI-style error event.
 * Created per response.
 */
export function createOllamaStreamTranslator(request: ProviderRequest): StreamTranslator {
  const chunks = createOpenAiChunkWriter(request);
  const chat = request.routeType === 'llm/v1/chat';
  let opened = false;
  let calls = 0;

  const textOf = (line: JsonRecord): string => {
    const value = chat ? (isRecord(line.message) ? line.message.content : undefined) : line.response;
    return typeof value === 'string' ? value : '';
  };

  return {
    contentType: EVENT_STREAM_TYPE,
    framing: 'ndjson',
    translate(frame) {
      if (frame.data === '') return NOTHING;
      const line = parseLine(frame.data);
      if (!isRecord(line)) return NOTHING;
      if (typeof line.error === 'string') {
        const error = `ollama reported an error: ${line.error}`;
        return { events: [streamErrorEvent(error)], error };
      }
      const events: string[] = [];
      if (!opened) {
        opened = true;
        chunks.id = ollamaAnswerId(line.created_at);
        events.push(...chunks.opening());
      }
      const text = textOf(line);
      if (text !== '') events.push(chunks.text(text));
      const toolCalls = chat && isRecord(line.message) ? line.message.tool_calls : undefined;
      for (const call of openAiToolCalls(toolCalls, chunks.id, calls)) {
        events.push(chunks.toolCall({ index: calls, ...call }));
        calls += 1;
      }
      const step = {
        id: chunks.id,
        model: answerModel(line, request.model.name),
        ...(text !== '' && { text }),
      };
      if (line.done !== true) return { ...step, events };
      const finishReason = ollamaFinishReason(line, calls > 0);
      const usage = ollamaUsage(line);
      events.push(...chunks.finish(finishReason, usage.client), STREAM_TERMINATOR);
      return { ...step, events, finishReason, usage: usage.reported, final: true };
    },
  };
}
