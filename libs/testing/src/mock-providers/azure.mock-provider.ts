import { ProviderErrorReply, type MockProviderDefinition } from './mock-provider-definition.js';
import {
  openAiEmbeddingsApi,
  openAiErrorBody,
  openAiResponder,
  readOpenAiInput,
} from './openai.mock-provider.js';

const PATH = /^\/openai\/deployments\/([^/]+)\/(chat\/completions|completions|embeddings)$/;

const OPERATIONS = {
  'chat/completions': 'chat',
  completions: 'completions',
  embeddings: 'embeddings',
} as const;
/** The Responses API: one path for every deployment, which the body's `model` names. */
const RESPONSES_PATH = '/openai/responses';

// Azure's gateway errors use their own envelope (`code` is a string); body errors are OpenAI's.
const RESOURCE_NOT_FOUND = new ProviderErrorReply(404, {
  error: { code: '404', message: 'Resource not found' },
});
const ACCESS_DENIED = new ProviderErrorReply(401, {
  error: {
    code: '401',
    message:
      'Access denied due to invalid subscription key or wrong API endpoint. Make sure to provide a valid key for an active ' +
      'subscription and use a correct regional API endpoint for your resource.',
  },
});

/**
 * Azure OpenAI: the OpenAI bodies with content-filter annotations, on
 * `POST /openai/deployments/{deployment}/chat/completions|completions|embeddings?api-version=...` and the
 * Responses API at `POST /openai/responses?api-version=...`, with an `api-key` header.
 * Without `api-version` Azure answers 404 "Resource not found", as for any unknown path.
 * The reply's model is the body's `model`, else the deployment name.
 */
export const azureMockProvider: MockProviderDefinition = {
  id: 'azure',
  route(method, url) {
    const versioned = method === 'POST' && url.searchParams.get('api-version');
    if (versioned && url.pathname === RESPONSES_PATH) return { operation: 'chat', responsesApi: true };
    const match = versioned ? PATH.exec(url.pathname) : null;
    if (match === null) return RESOURCE_NOT_FOUND;
    return {
      operation: OPERATIONS[match[2] as keyof typeof OPERATIONS],
      deployment: decodeURIComponent(match[1]),
    };
  },
  authorize: (headers, apiKey) => (headers['api-key'] === apiKey ? undefined : ACCESS_DENIED),
  embeddings: openAiEmbeddingsApi,
  readInput: (route, body) => readOpenAiInput(route, body, route.deployment),
  respond: openAiResponder({ contentFilter: true }),
  errorBody: openAiErrorBody,
};
