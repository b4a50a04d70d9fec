import { GatewayError } from '@switchyard/plugin-api';
import type { ClientApi, ClientBody } from '@switchyard/plugin-api';
import { anthropicToOpenAiChat } from './anthropic.client-request.js';
import { anthropicErrorBody, anthropicMessageFromOpenAi } from './anthropic.client-response.js';
import { anthropicStreamErrorEvent, createAnthropicStreamAdapter } from './anthropic.client-stream.js';

/** The Messages API's path, under the route (`/claude/v1/messages` for a route at `/claude`). */
const MESSAGES_PATH = '/v1/messages';

/** What Anthropic answers a body without turns or without a numeric `max_tokens`, before any model runs. */
function read(body: ClientBody): { model: unknown; stream: boolean } {
  if (!Array.isArray(body.messages) || body.messages.length === 0)
    throw new GatewayError(400, 'messages: at least one message is required');
  if (body.max_tokens !== undefined && (typeof body.max_tokens !== 'number' || body.max_tokens < 1))
    throw new GatewayError(400, 'max_tokens: must be a positive integer');
  return { model: body.model, stream: body.stream === true };
}

/**
 * Anthropic's Messages API (`POST /v1/messages`) as a client format (`llm_format: anthropic`), so
 * that `@anthropic-ai/sdk` pointed at a route is served by any provider: passed through to
 * Anthropic (the anthropic driver's own entry), translated through OpenAI's shape for the others.
 */
export const anthropicClientApi: ClientApi = {
  format: 'anthropic',
  routeTypes: ['llm/v1/chat'],
  paths: [MESSAGES_PATH],
  matches: (path) => path.endsWith(MESSAGES_PATH),
  read,
  pivot: {
    toOpenAi: (body) => anthropicToOpenAiChat(body),
    fromOpenAiResponse: (answer, request) => anthropicMessageFromOpenAi(answer, request.model.name),
    createStreamAdapter: createAnthropicStreamAdapter,
  },
  errorBody: anthropicErrorBody,
  streamErrorEvent: (message) => anthropicStreamErrorEvent(message),
};
