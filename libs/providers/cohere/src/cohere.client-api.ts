import { GatewayError } from '@switchyard/plugin-api';
import type { ClientApi, ClientBody } from '@switchyard/plugin-api';

/** Cohere's v1 chat path under the route: what `cohere-ai`'s `CohereClient` calls under its `baseUrl`. */
const CHAT_PATH = '/v1/chat';

/** Cohere's error body: `{"message"}`. */
export function cohereErrorBody(_status: number, message: string): Readonly<Record<string, unknown>> {
  return { message };
}

/** What Cohere answers a chat without a message (and without tool results), before any model runs. */
function read(body: ClientBody): { model: unknown; stream: boolean } {
  const hasMessage = typeof body.message === 'string' && body.message !== '';
  if (!hasMessage && !(Array.isArray(body.tool_results) && body.tool_results.length > 0))
    throw new GatewayError(
      400,
      'invalid request: message must be at least 1 token long or tool results must be specified.',
    );
  return { model: body.model, stream: body.stream === true };
}

/**
 * Cohere's v1 chat API (`POST /v1/chat`, the API the cohere driver speaks) as a client format
 * (`llm_format: cohere`), so that `cohere-ai`'s `CohereClient` pointed at a route is served by the
 * cohere provider: the body passes through with the configured model and options.
 */
export const cohereClientApi: ClientApi = {
  format: 'cohere',
  routeTypes: ['llm/v1/chat'],
  paths: [CHAT_PATH],
  matches: (path) => path.endsWith(CHAT_PATH),
  read,
  errorBody: cohereErrorBody,
  streamErrorEvent: (message) => JSON.stringify({ message }),
};
