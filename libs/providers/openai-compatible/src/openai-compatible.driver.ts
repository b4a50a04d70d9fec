import type { LlmRouteType, ProviderDriver, ProviderId, ProviderRequest } from '@switchyard/plugin-api';
import { translateOpenAiRequest } from './openai.request-map.js';
import { translateOpenAiResponse } from './openai.response.js';
import { createOpenAiStreamTranslator } from './openai.stream.js';

/** What sets one OpenAI-format provider apart from another. */
export interface OpenAiCompatibleDriverSpec {
  readonly id: ProviderId;
  /** The upstream URL of a request (the plugin uses `model.options.upstream_url` instead when set). */
  readonly upstreamUrl: (request: ProviderRequest) => URL;
  /** The route types served; both chat and completions unless given. */
  readonly routeTypes?: readonly LlmRouteType[];
  /** Kong's `streaming_has_token_counts`; false unless given (usage must be asked for). */
  readonly streamReportsUsage?: boolean;
}

const ALL_LLM_ROUTE_TYPES: readonly LlmRouteType[] = ['llm/v1/chat', 'llm/v1/completions'];

/**
 * A driver for an upstream that speaks the OpenAI format: the request gets the resolved model,
 * an explicit `stream` and no `top_k`; answers and SSE events pass through unchanged.
 */
export function createOpenAiCompatibleDriver(spec: OpenAiCompatibleDriverSpec): ProviderDriver {
  return {
    id: spec.id,
    routeTypes: spec.routeTypes ?? ALL_LLM_ROUTE_TYPES,
    streamFraming: 'sse',
    streamReportsUsage: spec.streamReportsUsage ?? false,
    upstreamUrl: spec.upstreamUrl,
    translateRequest: translateOpenAiRequest,
    translateResponse: translateOpenAiResponse,
    createStreamTranslator: createOpenAiStreamTranslator,
  };
}
