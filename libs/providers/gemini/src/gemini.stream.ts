import { TranslationError } from '@switchyard/plugin-api';
import type {
  FinishReason,
  ProviderRequest,
  StreamStep,
  StreamTranslator,
  TokenUsage,
} from '@switchyard/plugin-api';
import {
  EVENT_STREAM_TYPE,
  STREAM_TERMINATOR,
  createOpenAiChunkWriter,
  isRecord,
  streamErrorEvent,
} from '@switchyard/provider-openai-compatible';
import type { JsonRecord } from '@switchyard/provider-openai-compatible';
import { geminiFinish, geminiUsage } from './gemini.fields.js';
import {
  answerText,
  candidateParts,
  geminiAnswerId,
  geminiModel,
  openAiToolCall,
} from './gemini.response.js';

const NOTHING: StreamStep = { events: [] };

/** The frame the JSON-array parser adds when the array closes (`]`). */
const END_OF_ARRAY = '[DONE]';

function parseChunk(data: string): JsonRecord {
  let chunk: unknown;
  try {
    chunk = JSON.parse(data);
  } catch (error) {
    throw new TranslationError(
      `failed to decode stream event frame from gemini: ${(error as Error).message}`,
    );
  }
  if (!isRecord(chunk))
    throw new TranslationError('failed to decode stream event frame from gemini: not an object');
  return chunk;
}

/** Google's error object inside a stream (`{"error":{"code","message","status"}}`) as the client's error event. */
function failure(error: JsonRecord): StreamStep {
  const message =
    typeof error.message === 'string' && error.message !== ''
      ? error.message
      : 'gemini reported an error in the stream';
  const type = typeof error.status === 'string' && error.status !== '' ? error.status : 'upstream_error';
  return { events: [streamErrorEvent(message, type)], error: message };
}

/**
 * Translates one `streamGenerateContent` answer (a JSON array of `GenerateContentResponse`
 * chunks, or the same chunks as SSE) to OpenAI chunks. The first chunk opens the answer (its
 * `responseId` is the id), text parts become content chunks, each `functionCall` (Gemini sends
 * calls whole) one `tool_calls` delta with its index, id, name and arguments. Gemini's stream has
 * no closing event of its own: the finish reason and the usage (each chunk carries the usage so
 * far) are held until the array closes, or the body ends (`end()`), and then sent as the finish
 * chunk (the usage chunk only for a client that asked) and `[DONE]`. A body that ends before any
 * finish reason is left unclosed, so that the core ends it as incomplete. Google's error object
 * inside the stream, and a failed generation (`MALFORMED_FUNCTION_CALL`, ...), end the client's
 * stream with an OpenAI-style error event. Created per response.
 */
export function createGeminiStreamTranslator(request: ProviderRequest): StreamTranslator {
  const chunks = createOpenAiChunkWriter(request);
  let opened = false;
  let closed = false;
  let toolCalls = 0;
  /** Gemini's finish reason (`STOP`, `SAFETY`, ...), or `BLOCKED` for a prompt it refused. */
  let finishReason: string | undefined;
  let usage: TokenUsage | undefined;

  function open(chunk: JsonRecord): string[] {
    if (opened) return [];
    opened = true;
    chunks.id = geminiAnswerId(chunk);
    return chunks.opening();
  }

  function translateChunk(chunk: JsonRecord): StreamStep {
    const events = open(chunk);
    usage = geminiUsage(chunk.usageMetadata) ?? usage;
    const feedback = isRecord(chunk.promptFeedback) ? chunk.promptFeedback : {};
    // A blocked prompt gets no candidate, only its block reason.
    if (feedback.blockReason !== undefined) finishReason = 'BLOCKED';
    const candidates = Array.isArray(chunk.candidates) ? chunk.candidates.filter(isRecord) : [];
    // The request asked for one candidate (`n` > 1 is not streamed).
    const candidate = candidates.find((each) => each.index === undefined || each.index === 0) ?? {};
    let text = '';
    for (const part of candidateParts(candidate)) {
      const piece = answerText(part);
      if (piece !== undefined) {
        if (piece === '') continue;
        text += piece;
        events.push(chunks.text(piece));
      } else if (isRecord(part.functionCall)) {
        const { id, type, function: call } = openAiToolCall(part.functionCall, chunks.id, toolCalls);
        events.push(chunks.toolCall({ index: toolCalls++, id, type, function: call }));
      }
    }
    const summary = {
      id: chunks.id,
      model: geminiModel(chunk, request),
      ...(usage && { usage }),
      ...(text !== '' && { text }),
    };
    if (typeof candidate.finishReason === 'string') {
      const finish = geminiFinish(candidate.finishReason, toolCalls > 0, candidate.finishMessage);
      if (finish.failure !== undefined)
        return { ...summary, events: [...events, streamErrorEvent(finish.failure)], error: finish.failure };
      finishReason = candidate.finishReason;
    }
    return { ...summary, events };
  }

  /** The finish chunk and `[DONE]`, once, when the answer gave a finish reason; else nothing. */
  function close(): StreamStep {
    if (closed || finishReason === undefined) return NOTHING;
    closed = true;
    const reason: FinishReason =
      finishReason === 'BLOCKED'
        ? 'content_filter'
        : (geminiFinish(finishReason, toolCalls > 0).reason ?? 'stop');
    return {
      events: [...chunks.finish(reason, usage), STREAM_TERMINATOR],
      finishReason: reason,
      ...(usage && { usage }),
      final: true,
    };
  }

  return {
    contentType: EVENT_STREAM_TYPE,
    translate(frame) {
      if (frame.data === '') return NOTHING;
      if (frame.data === END_OF_ARRAY) return close();
      const chunk = parseChunk(frame.data);
      if (isRecord(chunk.error)) return failure(chunk.error);
      return translateChunk(chunk);
    },
    end: close,
  };
}
