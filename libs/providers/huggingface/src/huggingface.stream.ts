import { TranslationError } from '@switchyard/plugin-api';
import type {
  ProviderRequest,
  StreamFrame,
  StreamStep,
  StreamTranslator,
  TokenUsage,
} from '@switchyard/plugin-api';
import {
  EVENT_STREAM_TYPE,
  STREAM_TERMINATOR,
  createOpenAiChunkWriter,
  createOpenAiStreamTranslator,
  isRecord,
  streamErrorEvent,
} from '@switchyard/provider-openai-compatible';
import type { JsonRecord } from '@switchyard/provider-openai-compatible';
import { openAiFinishReason } from './huggingface.fields.js';

const NOTHING: StreamStep = { events: [] };
const TERMINATOR_STEP: StreamStep = { events: [STREAM_TERMINATOR], final: true };

function parseEvent(data: string): JsonRecord {
  let event: unknown;
  try {
    event = JSON.parse(data);
  } catch (error) {
    throw new TranslationError(
      `failed to decode stream event frame from huggingface: ${(error as Error).message}`,
    );
  }
  if (!isRecord(event))
    throw new TranslationError('failed to decode stream event frame from huggingface: not an object');
  return event;
}

/**
 * An error event as the client's OpenAI-style error event: TGI's (`{"error": "...",
 * "error_type": "..."}`, sent when a generation fails after the 200), or the OpenAI-style one a
 * router provider sends (`{"error": {"message", "type"}}`); `undefined` for any other event.
 */
function errorStep(event: JsonRecord): StreamStep | undefined {
  const { error } = event;
  const message = typeof error === 'string' ? error : isRecord(error) ? error.message : undefined;
  if (typeof message !== 'string') return undefined;
  const type = isRecord(error) ? error.type : event.error_type;
  const kind = typeof type === 'string' && type !== '' ? type : 'upstream_error';
  return { events: [streamErrorEvent(message, kind)], error: message };
}

// Cheap tests on the raw event, so that only the rare event that needs a change is parsed twice.
/** A `finish_reason` that is not OpenAI's (TGI's `eos_token`, `stop_sequence`). */
const FOREIGN_FINISH_REASON =
  /"finish_reason"\s*:\s*"(?!(?:stop|length|tool_calls|content_filter|function_call)")/;
/** A `stop` finish reason, which is `tool_calls` in an answer that called tools. */
const STOP_FINISH_REASON = /"finish_reason"\s*:\s*"stop"/;
/** A chunk that carries a piece of a tool call. */
const TOOL_CALL_DELTA = /"tool_calls"\s*:\s*\[\s*\{/;
/** An event that opens with an `error` member: an error event. */
const ERROR_EVENT = /^\s*\{\s*"error"\s*:/;

/** A chunk whose choices carry TGI's finish reasons, with OpenAI's instead. */
function withOpenAiFinishReasons(chunk: JsonRecord, callsTools: boolean): StreamFrame {
  const choices = Array.isArray(chunk.choices) ? chunk.choices : [];
  const fixed = choices.map((choice: unknown) => {
    if (!isRecord(choice)) return choice;
    const reason = openAiFinishReason(choice.finish_reason, callsTools);
    return reason === undefined ? choice : { ...choice, finish_reason: reason };
  });
  return { data: JSON.stringify({ ...chunk, choices: fixed }) };
}

/**
 * Translates one stream of the OpenAI-compatible chat route: its chunks pass through as they
 * come (OpenAI's translator: text, tool-call deltas, usage, the usage chunk kept from a client
 * that did not ask), but a chunk with TGI's finish reason gets OpenAI's (`tool_calls` once the
 * answer called tools), and TGI's error event becomes OpenAI's. A stream that ends after its finish reason without `[DONE]` (TGI before 2.2)
 * is closed with one. Created per response.
 */
export function createHuggingfaceChatStreamTranslator(request: ProviderRequest): StreamTranslator {
  const openAi = createOpenAiStreamTranslator(request);
  let callsTools = false;
  let finished = false;
  let terminated = false;
  return {
    contentType: openAi.contentType,
    translate(frame) {
      let step: StreamStep;
      if (!callsTools && TOOL_CALL_DELTA.test(frame.data)) callsTools = true;
      if (ERROR_EVENT.test(frame.data)) {
        const event = parseEvent(frame.data);
        step = errorStep(event) ?? openAi.translate(frame);
      } else if (
        FOREIGN_FINISH_REASON.test(frame.data) ||
        (callsTools && STOP_FINISH_REASON.test(frame.data))
      ) {
        step = openAi.translate(withOpenAiFinishReasons(parseEvent(frame.data), callsTools));
      } else {
        step = openAi.translate(frame);
      }
      if (step.finishReason) finished = true;
      if (step.final) terminated = true;
      return step;
    },
    end: () => (finished && !terminated ? TERMINATOR_STEP : NOTHING),
  };
}

/**
 * The usage of a text-generation stream's last event: its `details` give the prompt
 * (`input_length`) and generated (`generated_tokens`) counts. `whole` when both are known,
 * `reported` with what is.
 */
function streamUsage(details: JsonRecord): { whole?: TokenUsage; reported?: Partial<TokenUsage> } {
  const prompt = typeof details.input_length === 'number' ? details.input_length : undefined;
  const completion = typeof details.generated_tokens === 'number' ? details.generated_tokens : undefined;
  if (prompt !== undefined && completion !== undefined) {
    const whole = { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion };
    return { whole, reported: whole };
  }
  if (completion !== undefined) return { reported: { completion_tokens: completion } };
  return {};
}

/**
 * Translates one text-generation stream (TGI's SSE events: `{"token": {"text", "special"},
 * "generated_text": null, "details": null}` per token, and on the last one the whole
 * `generated_text` and the `details`) to OpenAI `text_completion` chunks: each token's text (a
 * special token, such as the closing `</s>`, is no text), then with the last event the finish
 * chunk, the usage chunk for a client that asked, and `[DONE]` (TGI's stream has none: it ends
 * with its last event). An error event becomes OpenAI's. Created per response.
 */
export function createHuggingfaceGenerateStreamTranslator(request: ProviderRequest): StreamTranslator {
  const chunks = createOpenAiChunkWriter(request);
  let terminated = false;
  return {
    contentType: EVENT_STREAM_TYPE,
    translate(frame) {
      if (frame.data === '') return NOTHING;
      if (frame.data === STREAM_TERMINATOR) return terminated ? NOTHING : TERMINATOR_STEP;
      const event = parseEvent(frame.data);
      const failure = errorStep(event);
      if (failure) return failure;
      const token = isRecord(event.token) ? event.token : {};
      const piece = token.special !== true && typeof token.text === 'string' ? token.text : '';
      const events = piece === '' ? [] : [chunks.text(piece)];
      const text = piece === '' ? {} : { text: piece };
      // Every event but the last has `generated_text: null`.
      if (typeof event.generated_text !== 'string') return { events, ...text };
      terminated = true;
      const details = isRecord(event.details) ? event.details : {};
      const finishReason = openAiFinishReason(details.finish_reason) ?? 'stop';
      const { whole, reported } = streamUsage(details);
      events.push(...chunks.finish(finishReason, whole), STREAM_TERMINATOR);
      return {
        events,
        ...text,
        model: request.model.name,
        finishReason,
        ...(reported && { usage: reported }),
        final: true,
      };
    },
  };
}
