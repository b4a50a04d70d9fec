import type { ProviderDriver } from '@switchyard/plugin-api';
import { upstreamPath } from '@switchyard/provider-openai-compatible';
import type { RoutePaths } from '@switchyard/provider-openai-compatible';
import { translateAnthropicChatRequest } from './anthropic.request-map.js';
import { translateAnthropicChatResponse } from './anthropic.response.js';
import { createAnthropicStreamTranslator } from './anthropic.stream.js';

/** Anthropic's API origin (Kong's `upstream_url_format`). */
const ANTHROPIC_ORIGIN = 'https://api.anthropic.com:443';

/** Anthropic's path per route type (Kong's `operation_map`). */
const ANTHROPIC_PATHS: RoutePaths = {
  'llm/v1/chat': '/v1/messages',
  'llm/v1/completions': '/v1/complete',
};

/**
 * Anthropic (`https://api.anthropic.com/v1/messages`).
 */
export const anthropicProvider: ProviderDriver = {
  id: 'anthropic',
  telemetryName: 'anthropic',
  traits: { streamFraming: 'sse', streamReportsUsage: false, dropsSetCookie: false },
  routes: {
    'llm/v1/chat': {
      openai: {
        request: translateAnthropicChatRequest,
        response: translateAnthropicChatResponse,
        stream: createAnthropicStreamTranslator,
      },
    },
  },
  upstreamUrl: (request) => new URL(upstreamPath(request, ANTHROPIC_PATHS), ANTHROPIC_ORIGIN),
};
