import type { ProviderDriver } from '@switchyard/plugin-api';
import { upstreamPath } from '@switchyard/provider-openai-compatible';
import type { RoutePaths } from '@switchyard/provider-openai-compatible';
import { translateMistralChatRequest } from './mistral.request-map.js';
import { translateMistralChatResponse } from './mistral.response.js';
import { createMistralStreamTranslator } from './mistral.stream.js';

/** Mistral's API origin (Kong's `upstream_url_format`). */
const MISTRAL_ORIGIN = 'https://api.mistral.ai:443';

/** Mistral's path per route type (Kong's `operation_map`). */
const MISTRAL_PATHS: RoutePaths = {
  'llm/v1/chat': '/v1/chat/completions',
};

/**
 * Mistral (`https://api.mistral.ai/v1/chat/completions`).
 */
export const mistralProvider: ProviderDriver = {
  id: 'mistral',
  telemetryName: 'mistral_ai',
  traits: { streamFraming: 'sse', streamReportsUsage: false, dropsSetCookie: false },
  routes: {
    'llm/v1/chat': {
      openai: {
        request: translateMistralChatRequest,
        response: translateMistralChatResponse,
        stream: createMistralStreamTranslator,
      },
    },
  },
  upstreamUrl: (request) => new URL(upstreamPath(request, MISTRAL_PATHS), MISTRAL_ORIGIN),
};
