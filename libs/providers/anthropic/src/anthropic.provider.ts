import { requiredOptionCheck } from '@switchyard/plugin-api';
import type { EntityCheck, ProviderDriver } from '@switchyard/plugin-api';
import { upstreamPath } from '@switchyard/provider-openai-compatible';
import type { RoutePaths } from '@switchyard/provider-openai-compatible';
import { translateAnthropicChatRequest, translateAnthropicCompleteRequest } from './anthropic.request-map.js';
import { translateAnthropicChatResponse, translateAnthropicCompleteResponse } from './anthropic.response.js';
import { createAnthropicStreamTranslator } from './anthropic.stream.js';
import { anthropicClientApi } from './anthropic.client-api.js';
import { anthropicMessagesPassThrough } from './anthropic.passthrough.js';

/** Anthropic's API origin (Kong's `upstream_url_format`). */
const ANTHROPIC_ORIGIN = 'https://api.anthropic.com:443';

/** Anthropic's path per route type (Kong's `operation_map`): the Messages and the legacy Text Completions APIs. */
const ANTHROPIC_PATHS: RoutePaths = {
  'llm/v1/chat': '/v1/messages',
  'llm/v1/completions': '/v1/complete',
};

/** Kong's refusal of statistics on anthropic completions: that API reports no token counts. */
const completionsStatisticsCheck: EntityCheck = {
  field_sources: ['route_type', 'model', 'logging'],
  custom: (config) => {
    const routeType = config['route_type'] as string;
    const provider = (config['model'] as { provider: string }).provider;
    const logStatistics = (config['logging'] as { log_statistics: boolean | null }).log_statistics;
    return provider === 'anthropic' && logStatistics === true && routeType === 'llm/v1/completions'
      ? `anthropic does not support statistics when route_type is ${routeType}`
      : undefined;
  },
};

/**
 * Anthropic (`https://api.anthropic.com/v1/messages` | `/v1/complete`), with the
 * `anthropic-version` header from `model.options.anthropic_version`; the key goes in the header
 * the config names (`x-api-key`). Streams are named SSE events that carry usage by themselves.
 * Its Messages API is also a client format (`llm_format: anthropic`), for every provider.
 */
export const anthropicProvider: ProviderDriver = {
  id: 'anthropic',
  telemetryName: 'anthropic',
  traits: { streamFraming: 'sse', streamReportsUsage: true, dropsSetCookie: false },
  routes: {
    'llm/v1/chat': {
      openai: {
        request: translateAnthropicChatRequest,
        response: translateAnthropicChatResponse,
        stream: createAnthropicStreamTranslator,
      },
      anthropic: anthropicMessagesPassThrough,
    },
    'llm/v1/completions': {
      openai: {
        request: translateAnthropicCompleteRequest,
        response: translateAnthropicCompleteResponse,
        stream: createAnthropicStreamTranslator,
      },
    },
  },
  optionFields: {
    anthropic_version: {
      type: 'string',
      description: 'The `anthropic-version` header sent to Anthropic. Required for the anthropic provider.',
    },
  },
  configChecks: [requiredOptionCheck('anthropic', 'anthropic_version'), completionsStatisticsCheck],
  clientApi: anthropicClientApi,
  upstreamUrl: (request) => new URL(upstreamPath(request, ANTHROPIC_PATHS), ANTHROPIC_ORIGIN),
};
