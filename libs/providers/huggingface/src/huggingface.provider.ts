import type { ProviderDriver } from '@switchyard/plugin-api';
import { upstreamPath } from '@switchyard/provider-openai-compatible';
import type { RoutePaths } from '@switchyard/provider-openai-compatible';
import { translateHuggingfaceChatRequest } from './huggingface.request-map.js';
import { translateHuggingfaceChatResponse } from './huggingface.response.js';
import { createHuggingfaceStreamTranslator } from './huggingface.stream.js';

/** Hugging Face's API origin (Kong's `upstream_url_format`). */
const HUGGINGFACE_ORIGIN = 'https://api-inference.huggingface.co:443';

/** Hugging Face's path per route type (Kong's `operation_map`). */
const HUGGINGFACE_PATHS: RoutePaths = {
  'llm/v1/chat': '/models',
  'llm/v1/completions': '/models',
};

/**
 * Hugging Face (`https://api-inference.huggingface.co/models`).
 * Build the path from the request: `/models/{model}`.
 */
export const huggingfaceProvider: ProviderDriver = {
  id: 'huggingface',
  telemetryName: 'huggingface',
  traits: { streamFraming: 'sse', streamReportsUsage: false, dropsSetCookie: false },
  routes: {
    'llm/v1/chat': {
      openai: {
        request: translateHuggingfaceChatRequest,
        response: translateHuggingfaceChatResponse,
        stream: createHuggingfaceStreamTranslator,
      },
    },
  },
  upstreamUrl: (request) => new URL(upstreamPath(request, HUGGINGFACE_PATHS), HUGGINGFACE_ORIGIN),
};
