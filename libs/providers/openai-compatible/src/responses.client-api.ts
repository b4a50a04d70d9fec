import { GatewayError } from '@switchyard/plugin-api';
import type { ClientApi, ClientBody } from '@switchyard/plugin-api';
import { responsesToOpenAiChat } from './responses.client-request.js';
import { openAiErrorBody, responseFromOpenAiChat } from './responses.client-response.js';
import { createResponsesStreamAdapter, responsesErrorEvent } from './responses.client-stream.js';

/** The Responses API's path under the route (`/route/responses`, or `/route/v1/responses`). */
const RESPONSES_PATH = '/responses';

/** What OpenAI answers a body without `input` (or with one of the wrong type), before any model runs. */
function read(body: ClientBody): { model: unknown; stream: boolean } {
  const input = body.input;
  if (input === undefined || input === null)
    throw new GatewayError(400, "Missing required parameter: 'input'.");
  if (typeof input !== 'string' && !Array.isArray(input))
    throw new GatewayError(400, "Invalid type for 'input': expected a string or an array of input items.");
  return { model: body.model, stream: body.stream === true };
}

/**
 * OpenAI's Responses API (`POST /v1/responses`) on `route_type: llm/v1/responses`, so that the
 * `openai` SDK's `responses.create` and the Vercel AI SDK's `openai(model)` work against any
 * provider: passed through to OpenAI and Azure (their own table entry), translated to and from
 * chat for the others. Errors keep OpenAI's shape.
 */
export const responsesClientApi: ClientApi = {
  format: 'openai',
  routeTypes: ['llm/v1/responses'],
  paths: [RESPONSES_PATH],
  matches: (path) => path.endsWith(RESPONSES_PATH),
  read,
  pivot: {
    routeType: 'llm/v1/chat',
    toOpenAi: (body) => responsesToOpenAiChat(body),
    fromOpenAiResponse: (answer, request) => responseFromOpenAiChat(answer, request.model.name),
    createStreamAdapter: createResponsesStreamAdapter,
  },
  errorBody: openAiErrorBody,
  // The stream adapter writes its own error events (numbered); this one opens no stream.
  streamErrorEvent: (message) => responsesErrorEvent(message, 0),
};
