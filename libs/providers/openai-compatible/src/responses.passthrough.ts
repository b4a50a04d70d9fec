import { TranslationError } from '@switchyard/plugin-api';
import type {
  ClientBody,
  ProviderRequest,
  RouteTranslation,
  StreamStep,
  StreamTranslator,
  TranslatedRequest,
  TranslatedResponse,
} from '@switchyard/plugin-api';
import { isRecord } from './json-shapes.js';
import { nativeTuning } from './native-pass-through.js';
import type { JsonRecord } from './json-shapes.js';
import { EVENT_STREAM_TYPE } from './stream-chunks.js';
import { responsesErrorEvent } from './responses.client-stream.js';
import { finishReasonOfResponse, readResponsesUsage } from './responses.usage.js';

const NOTHING: StreamStep = { events: [] };

/** The events that end a Responses stream as the provider meant it. */
const LAST_EVENTS: ReadonlySet<string> = new Set([
  'response.completed',
  'response.incomplete',
  'response.failed',
]);

/** The tuning options under the Responses API's names (it has no `top_k`). */
const RESPONSES_TUNING = {
  max_tokens: 'max_output_tokens',
  temperature: 'temperature',
  top_p: 'top_p',
};

/**
 * A Responses request for OpenAI or Azure: the client's body with the resolved model, the
 * configured tuning options under the Responses API's names (a configured `max_tokens` is its
 * `max_output_tokens`) and the streaming decision; `top_k`, which it has not, is not sent,
 * whoever set it. A new object.
 */
function passRequest(client: ClientBody, request: ProviderRequest): TranslatedRequest {
  const { top_k: _notOpenAi, ...body } = client;
  return {
    body: {
      ...body,
      ...nativeTuning(request.model.options, RESPONSES_TUNING),
      model: request.model.name,
      stream: request.stream,
    },
  };
}

/** What the gateway reads of a `response` object: usage, model, id, finish reason. */
function summaryOf(response: JsonRecord): Omit<TranslatedResponse, 'body'> {
  const finish = finishReasonOfResponse(response);
  return {
    usage: readResponsesUsage(response.usage),
    ...(typeof response.model === 'string' && response.model !== '' && { model: response.model }),
    ...(typeof response.id === 'string' && response.id !== '' && { id: response.id }),
    ...(finish && { finishReasons: [finish] }),
  };
}

/**
 * OpenAI's `response`, unchanged (the same object, so its bytes reach the client as they came),
 * with what the gateway reads of it. Throws `TranslationError` for a body that is no response.
 */
function passResponse(body: unknown, request: ProviderRequest): TranslatedResponse {
  if (!isRecord(body) || body.object !== 'response')
    throw new TranslationError(`'object: response' not in ${request.routeType} response`);
  return { ...summaryOf(body), body };
}

/**
 * The Responses stream, each named event sent on as it came; each is read once for the text
 * (`response.output_text.delta`), the usage, model and finish (`response.completed`,
 * `response.incomplete`, which end it, as `response.failed` does) and failures (`error`,
 * `response.failed`). Created per response.
 */
function passStream(): StreamTranslator {
  /** The next `sequence_number`: the one after the provider's last. */
  let next = 0;
  return {
    contentType: EVENT_STREAM_TYPE,
    // A failure the core finds continues the provider's numbering.
    errorEvent: (message) => responsesErrorEvent(message, next++),
    translate(frame) {
      if (frame.data === '') return NOTHING;
      const events = [frame.event ? { event: frame.event, data: frame.data } : frame.data];
      let event: unknown;
      try {
        event = JSON.parse(frame.data);
      } catch {
        return { events };
      }
      if (!isRecord(event)) return { events };
      if (typeof event.sequence_number === 'number') next = event.sequence_number + 1;
      const type = typeof event.type === 'string' ? event.type : frame.event;
      if (type === 'response.output_text.delta' && typeof event.delta === 'string')
        return { events, text: event.delta };
      if (type === 'error')
        return { events, error: typeof event.message === 'string' ? event.message : 'error' };
      if (type === undefined || !LAST_EVENTS.has(type) || !isRecord(event.response)) return { events };
      const response = event.response;
      const { finishReasons, ...summary } = summaryOf(response);
      const failure =
        isRecord(response.error) && typeof response.error.message === 'string'
          ? response.error.message
          : undefined;
      return {
        events,
        ...summary,
        ...(finishReasons?.[0] && { finishReason: finishReasons[0] }),
        ...(type === 'response.failed' && { error: failure ?? 'response failed' }),
        final: true,
      };
    },
  };
}

/**
 * `routes['llm/v1/responses'].openai` for OpenAI and Azure: the Responses API passed through,
 * its tuning options placed as `nativeTuning` places a native API's; not a `nativePassThrough`:
 * its stream is SSE the core writes event by event (so that a failover may hold its opening
 * events, and a failure continues the provider's `sequence_number`s), usage read from the answer's `usage` (`input_tokens`, `output_tokens`) and, streamed, from
 * `response.completed`.
 */
export const RESPONSES_PASS_THROUGH: RouteTranslation = {
  request: passRequest,
  response: passResponse,
  stream: passStream,
};
