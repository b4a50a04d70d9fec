import type {
  ClientBody,
  ProviderRequest,
  RouteTranslation,
  StreamTranslator,
  TranslatedRequest,
  TranslatedResponse,
} from '@switchyard/plugin-api';
import { EVENT_STREAM_TYPE, nativeTuning } from '@switchyard/provider-openai-compatible';
import { versionHeader } from './anthropic.request-map.js';
import { translateAnthropicChatResponse } from './anthropic.response.js';
import { createAnthropicStreamTranslator } from './anthropic.stream.js';

/** The tuning options under the Messages API's names: OpenAI's own. */
const MESSAGES_TUNING = {
  max_tokens: 'max_tokens',
  temperature: 'temperature',
  top_p: 'top_p',
  top_k: 'top_k',
};

/**
 * An Anthropic Messages request for Anthropic: the client's body with the resolved model, the
 * configured tuning options and the streaming decision, and the configured `anthropic-version`.
 * A new object.
 */
function passRequest(client: ClientBody, request: ProviderRequest): TranslatedRequest {
  return {
    body: {
      ...client,
      ...nativeTuning(request.model.options, MESSAGES_TUNING),
      model: request.model.name,
      stream: request.stream,
    },
    headers: versionHeader(request),
  };
}

/**
 * Anthropic's answer, unchanged (the same object, so its bytes reach the client as they came),
 * with what the gateway reads of it (usage, model, id, finish reasons), read as the OpenAI
 * translation reads it.
 */
function passResponse(body: unknown, request: ProviderRequest): TranslatedResponse {
  return { ...translateAnthropicChatResponse(body, request), body };
}

/**
 * Anthropic's stream, each named event sent on as it came; the OpenAI translator reads each one
 * for the usage, text, finish reason, the end and in-stream errors. Created per response.
 */
function passStream(request: ProviderRequest): StreamTranslator {
  const reader = createAnthropicStreamTranslator(request);
  return {
    contentType: EVENT_STREAM_TYPE,
    translate(frame) {
      if (frame.data === '') return { events: [] };
      const step = reader.translate(frame);
      return { ...step, events: [frame.event ? { event: frame.event, data: frame.data } : frame.data] };
    },
  };
}

/** `routes['llm/v1/chat'].anthropic`: Anthropic's Messages API passed through to Anthropic. */
export const anthropicMessagesPassThrough: RouteTranslation = {
  request: passRequest,
  response: passResponse,
  stream: passStream,
};
