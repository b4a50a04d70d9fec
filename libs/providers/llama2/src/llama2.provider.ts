import type { ProviderDriver } from '@switchyard/plugin-api';
import { upstreamPath } from '@switchyard/provider-openai-compatible';
import type { RoutePaths } from '@switchyard/provider-openai-compatible';
import { translateLlama2ChatRequest } from './llama2.request-map.js';
import { translateLlama2ChatResponse } from './llama2.response.js';
import { createLlama2StreamTranslator } from './llama2.stream.js';

/** Llama 2's API origin (Kong's `upstream_url_format`). */
const LLAMA2_ORIGIN = 'http://localhost:11434';

/** Llama 2's path per route type (Kong's `operation_map`). */
const LLAMA2_PATHS: RoutePaths = {
  'llm/v1/chat': '/api/chat',
  'llm/v1/completions': '/api/generate',
};

/**
 * Llama 2 (`http://localhost:11434/api/chat`).
 * Self-hosted: Kong has no URL of its own for llama2 and requires `model.options.upstream_url` (and `llama2_format`); the origin and paths here are Ollama&#39;s defaults, only a fallback.
 */
export const llama2Provider: ProviderDriver = {
  id: 'llama2',
  telemetryName: 'llama2',
  traits: { streamFraming: 'ndjson', streamReportsUsage: false, dropsSetCookie: false },
  routes: {
    'llm/v1/chat': {
      openai: {
        request: translateLlama2ChatRequest,
        response: translateLlama2ChatResponse,
        stream: createLlama2StreamTranslator,
      },
    },
  },
  upstreamUrl: (request) => new URL(upstreamPath(request, LLAMA2_PATHS), LLAMA2_ORIGIN),
};
