import type { ProviderDriver } from '@switchyard/plugin-api';
import {
  createOpenAiCompatibleDriver,
  responsesClientApi,
  upstreamPath,
} from '@switchyard/provider-openai-compatible';
import type { RoutePaths } from '@switchyard/provider-openai-compatible';

const OPENAI_ORIGIN = 'https://api.openai.com:443';

const OPENAI_PATHS: RoutePaths = {
  'llm/v1/chat': '/v1/chat/completions',
  'llm/v1/completions': '/v1/completions',
  'llm/v1/embeddings': '/v1/embeddings',
  'llm/v1/responses': '/v1/responses',
};

/**
 * OpenAI (`https://api.openai.com/v1/chat/completions` | `/v1/completions` | `/v1/embeddings` |
 * `/v1/responses`). Bodies and SSE events pass through; token counts in chat streams only when
 * asked for (`stream_options.include_usage`). It owns the Responses API as a client API, which
 * every other provider serves through chat.
 */
export const openaiProvider: ProviderDriver = createOpenAiCompatibleDriver({
  id: 'openai',
  telemetryName: 'openai',
  upstreamUrl: (request) => new URL(upstreamPath(request, OPENAI_PATHS), OPENAI_ORIGIN),
  clientApi: responsesClientApi,
});
