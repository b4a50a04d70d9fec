import type { ProviderDriver } from '@switchyard/plugin-api';
import { upstreamPath } from '@switchyard/provider-openai-compatible';
import type { RoutePaths } from '@switchyard/provider-openai-compatible';
import { translateCohereRequest } from './cohere.request-map.js';
import { translateCohereResponse } from './cohere.response.js';
import { createCohereStreamTranslator } from './cohere.stream.js';

const COHERE_ORIGIN = 'https://api.cohere.com:443';

const COHERE_PATHS: RoutePaths = {
  'llm/v1/chat': '/v1/chat',
  'llm/v1/completions': '/v1/generate',
};

/**
 * Cohere's v1 API (`https://api.cohere.com/v1/chat` | `/v1/generate`), streamed as NDJSON
 * with billed token counts at the end of each stream.
 */
export const cohereProvider: ProviderDriver = {
  id: 'cohere',
  routeTypes: ['llm/v1/chat', 'llm/v1/completions'],
  streamFraming: 'ndjson',
  streamReportsUsage: true,
  upstreamUrl: (request) => new URL(upstreamPath(request, COHERE_PATHS), COHERE_ORIGIN),
  translateRequest: translateCohereRequest,
  translateResponse: translateCohereResponse,
  createStreamTranslator: createCohereStreamTranslator,
};
