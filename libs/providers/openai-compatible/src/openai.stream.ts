import type {
  FinishReason,
  ChatCompletionRouteType,
  ProviderRequest,
  StreamStep,
  StreamTranslator,
} from '@switchyard/plugin-api';
import { isRecord, readOpenAiUsage } from './json-shapes.js';
import type { JsonRecord } from './json-shapes.js';
import { EVENT_STREAM_TYPE, STREAM_TERMINATOR } from './stream-chunks.js';

type MutableStep = { -readonly [K in keyof StreamStep]: StreamStep[K] };

const NOTHING: StreamStep = { events: [] };
const TERMINATOR_STEP: StreamStep = { events: [STREAM_TERMINATOR], final: true };

/** Where each route type's chunk carries its text (the Responses API has a stream of its own). */
const TEXT_OF: Readonly<Record<ChatCompletionRouteType, (choice: JsonRecord) => unknown>> = {
  'llm/v1/chat': (choice) => (isRecord(choice.delta) ? choice.delta.content : undefined),
  'llm/v1/completions': (choice) => choice.text,
};

/**
 * A stream translator for an OpenAI-format upstream. Each event's `data` goes to the client
 * unchanged (the same string, never re-serialised); it is parsed once only to report text, usage,
 * model, id and finish reason. A `data` that is not JSON still passes through, as in Kong.
 * The usage chunk (empty `choices`) that the gateway asked for on its own account is kept from a
 * client that did not ask for it: clients read `choices[0]` of every chunk. An error event
 * (`{"error":{...}}`) passes through and ends the stream as the provider's failure.
 */
export function createOpenAiStreamTranslator(request: ProviderRequest): StreamTranslator {
  // Only chat and completions streams come here (embeddings never stream; the Responses API has its own).
  const textOf = TEXT_OF[request.routeType as ChatCompletionRouteType];
  const keepUsageChunk = request.clientWantsUsage;
  return {
    contentType: EVENT_STREAM_TYPE,
    translate(frame) {
      if (frame.data === '') return NOTHING;
      if (frame.data === STREAM_TERMINATOR) return TERMINATOR_STEP;
      const step: MutableStep = { events: [frame.data] };
      let chunk: unknown;
      try {
        chunk = JSON.parse(frame.data);
      } catch {
        return step;
      }
      if (!isRecord(chunk)) return step;
      // An OpenAI-style error event (`{"error":{"message":...}}`) ends the stream: the provider failed.
      if (isRecord(chunk.error)) {
        const message = chunk.error.message;
        step.error = typeof message === 'string' && message !== '' ? message : 'upstream stream error';
        return step;
      }
      // Azure opens with a content-filter chunk whose id and model are empty: not worth reporting.
      if (typeof chunk.id === 'string' && chunk.id !== '') step.id = chunk.id;
      if (typeof chunk.model === 'string' && chunk.model !== '') step.model = chunk.model;
      const usage = readOpenAiUsage(chunk.usage);
      if (usage) {
        step.usage = usage;
        const choices = chunk.choices;
        if (!keepUsageChunk && Array.isArray(choices) && choices.length === 0) step.events = [];
      }
      const choice = Array.isArray(chunk.choices) ? chunk.choices[0] : undefined;
      if (isRecord(choice)) {
        const text = textOf(choice);
        if (typeof text === 'string' && text !== '') step.text = text;
        if (typeof choice.finish_reason === 'string')
          step.finishReason = choice.finish_reason as FinishReason;
      }
      return step;
    },
  };
}
