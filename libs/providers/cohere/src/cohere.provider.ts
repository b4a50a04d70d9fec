import type { ProviderDriver } from '@switchyard/plugin-api';
import { upstreamPath } from '@switchyard/provider-openai-compatible';
import type { RoutePaths } from '@switchyard/provider-openai-compatible';
import { COHERE_EMBEDDINGS } from './cohere.embeddings.js';
import { translateCohereChatRequest, translateCohereGenerateRequest } from './cohere.request-map.js';
import { translateCohereChatResponse, translateCohereGenerateResponse } from './cohere.response.js';
import { createCohereStreamTranslator } from './cohere.stream.js';
import { cohereClientApi } from './cohere.client-api.js';
import { cohereChatPassThrough } from './cohere.passthrough.js';

const COHERE_ORIGIN = 'https://api.cohere.com:443';

const COHERE_PATHS: RoutePaths = {
  'llm/v1/chat': '/v1/chat',
  'llm/v1/completions': '/v1/generate',
  'llm/v1/embeddings': '/v2/embed',
};

/**
 * Cohere's v1 API (`https://api.cohere.com/v1/chat` | `/v1/generate`), streamed as NDJSON
 * with billed token counts at the end of each stream; embeddings on the v2 API (`/v2/embed`).
 */
export const cohereProvider: ProviderDriver = {
  id: 'cohere',
  telemetryName: 'cohere',
  traits: { streamFraming: 'ndjson', streamReportsUsage: true, dropsSetCookie: false },
  routes: {
    'llm/v1/chat': {
      openai: {
        request: translateCohereChatRequest,
        response: translateCohereChatResponse,
        stream: createCohereStreamTranslator,
      },
      cohere: cohereChatPassThrough,
    },
    'llm/v1/completions': {
      openai: {
        request: translateCohereGenerateRequest,
        response: translateCohereGenerateResponse,
        stream: createCohereStreamTranslator,
      },
    },
    'llm/v1/embeddings': { openai: COHERE_EMBEDDINGS },
  },
  clientApi: cohereClientApi,
  nativeFormat: 'cohere',
  upstreamUrl: (request) => new URL(upstreamPath(request, COHERE_PATHS), COHERE_ORIGIN),
};
