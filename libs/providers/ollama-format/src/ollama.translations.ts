import type { ChatCompletionRouteType, RouteTranslation } from '@switchyard/plugin-api';
import type { RoutePaths } from '@switchyard/provider-openai-compatible';
import { translateOllamaChatRequest, translateOllamaGenerateRequest } from './ollama.request-map.js';
import { translateOllamaChatResponse, translateOllamaGenerateResponse } from './ollama.response.js';
import { createOllamaStreamTranslator } from './ollama.stream.js';

/** An Ollama server's paths (`/api/chat`, `/api/generate`), as it serves them on `http://localhost:11434`. */
export const OLLAMA_PATHS: RoutePaths = {
  'llm/v1/chat': '/api/chat',
  'llm/v1/completions': '/api/generate',
};

/**
 * The Ollama wire format for OpenAI-format clients, per route type: `/api/chat` for chat,
 * `/api/generate` for completions, NDJSON streams. Shared by every driver that can speak to an
 * Ollama server (mistral's and llama2's `ollama` format).
 */
export const OLLAMA_TRANSLATIONS: Readonly<Record<ChatCompletionRouteType, RouteTranslation>> = {
  'llm/v1/chat': {
    request: translateOllamaChatRequest,
    response: translateOllamaChatResponse,
    stream: createOllamaStreamTranslator,
  },
  'llm/v1/completions': {
    request: translateOllamaGenerateRequest,
    response: translateOllamaGenerateResponse,
    stream: createOllamaStreamTranslator,
  },
};
