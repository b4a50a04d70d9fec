import type { ProviderDriver } from '@switchyard/plugin-api';
import { upstreamPath } from '@switchyard/provider-openai-compatible';
import type { RoutePaths } from '@switchyard/provider-openai-compatible';
import { translateGeminiChatRequest } from './gemini.request-map.js';
import { translateGeminiChatResponse } from './gemini.response.js';
import { createGeminiStreamTranslator } from './gemini.stream.js';

/** Gemini's API origin (Kong's `upstream_url_format`). */
const GEMINI_ORIGIN = 'https://generativelanguage.googleapis.com:443';

/** Gemini's path per route type (Kong's `operation_map`). */
const GEMINI_PATHS: RoutePaths = {
  'llm/v1/chat': '/v1beta/models',
};

/**
 * Gemini (`https://generativelanguage.googleapis.com/v1beta/models`).
 * Build the path from the request: `/v1beta/models/{model}:generateContent` (`:streamGenerateContent`), or Vertex AI when `model.options.gemini` is set.
 */
export const geminiProvider: ProviderDriver = {
  id: 'gemini',
  telemetryName: 'gcp.gemini',
  traits: { streamFraming: 'json-array', streamReportsUsage: false, dropsSetCookie: false },
  routes: {
    'llm/v1/chat': {
      openai: {
        request: translateGeminiChatRequest,
        response: translateGeminiChatResponse,
        stream: createGeminiStreamTranslator,
      },
    },
  },
  upstreamUrl: (request) => new URL(upstreamPath(request, GEMINI_PATHS), GEMINI_ORIGIN),
};
