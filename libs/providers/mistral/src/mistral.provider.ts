import { requiredOptionCheck } from '@switchyard/plugin-api';
import type { EntityCheck, ProviderDriver, RouteTranslation } from '@switchyard/plugin-api';
import { OLLAMA_EMBEDDINGS, OLLAMA_TRANSLATIONS } from '@switchyard/provider-ollama-format';
import {
  bufferedTranslationPerFormat,
  OPENAI_TRANSLATION,
  translationPerFormat,
  upstreamPath,
} from '@switchyard/provider-openai-compatible';
import type { RoutePaths } from '@switchyard/provider-openai-compatible';
import { MISTRAL_EMBEDDINGS } from './mistral.embeddings.js';
import { translateMistralChatRequest } from './mistral.request-map.js';
import { translateMistralChatResponse } from './mistral.response.js';
import { createMistralStreamTranslator } from './mistral.stream.js';

/** Mistral's API origin (Kong's `upstream_url_format`). */
const MISTRAL_ORIGIN = 'https://api.mistral.ai:443';

/** Mistral's path per route type (Kong's `operation_map`, and its embeddings API). */
const MISTRAL_PATHS: RoutePaths = {
  'llm/v1/chat': '/v1/chat/completions',
  'llm/v1/embeddings': '/v1/embeddings',
};

/** Mistral's own chat API: OpenAI-like, with Mistral's fields, ids and checks. */
const MISTRAL_CHAT: RouteTranslation = {
  request: translateMistralChatRequest,
  response: translateMistralChatResponse,
  stream: createMistralStreamTranslator,
};

/** What Kong says to a self-hosted model without an address. */
const SELF_HOSTED = "must set 'model.options.upstream_url' for self-hosted providers/models";

/**
 * An upstream URL where Mistral's API has nothing to offer: an Ollama server (`mistral_format
 * ollama`), or completions (Mistral's API serves chat only; Kong sends them to `upstream_url`,
 * an OpenAI-compatible server). Kong would fail these requests with a 500; the Admin API
 * refuses the config instead.
 */
const selfHostedCheck: EntityCheck = {
  field_sources: ['route_type', 'model'],
  custom: (config) => {
    const model = config['model'] as { provider: string; options?: Record<string, unknown> | null };
    const options = model.options ?? {};
    if (model.provider !== 'mistral' || options['upstream_url']) return undefined;
    if (options['mistral_format'] === 'ollama') return SELF_HOSTED;
    return config['route_type'] === 'llm/v1/completions'
      ? "must set 'model.options.upstream_url' for mistral llm/v1/completions: Mistral's API serves chat only"
      : undefined;
  },
};

/**
 * Mistral (`https://api.mistral.ai/v1/chat/completions`), in the wire format
 * `model.options.mistral_format` names, per request: `openai` (Mistral's OpenAI-like API, with
 * its own fields, tool-call ids and finish reasons) or `ollama` (an Ollama server's `/api/chat`
 * and `/api/generate` at `upstream_url`). Completions go to `upstream_url` only: in the `openai`
 * format as they are (Kong's passthrough to an OpenAI-compatible server). Embeddings go to
 * Mistral's `/v1/embeddings`, or an Ollama server's `/api/embed`.
 */
export const mistralProvider: ProviderDriver = {
  id: 'mistral',
  telemetryName: 'mistral_ai',
  // Both formats report usage in streams; the gateway's prompt estimate (Kong's for mistral) is
  // only computed for an answer that reports no prompt count.
  traits: { streamFraming: 'sse', streamReportsUsage: false, dropsSetCookie: true },
  routes: {
    'llm/v1/chat': {
      openai: translationPerFormat('mistral_format', {
        openai: MISTRAL_CHAT,
        ollama: OLLAMA_TRANSLATIONS['llm/v1/chat'],
      }),
    },
    'llm/v1/completions': {
      openai: translationPerFormat('mistral_format', {
        openai: OPENAI_TRANSLATION,
        ollama: OLLAMA_TRANSLATIONS['llm/v1/completions'],
      }),
    },
    'llm/v1/embeddings': {
      openai: bufferedTranslationPerFormat('mistral_format', {
        openai: MISTRAL_EMBEDDINGS,
        ollama: OLLAMA_EMBEDDINGS,
      }),
    },
  },
  optionFields: {
    mistral_format: {
      type: 'string',
      one_of: ['openai', 'ollama'],
      description:
        "Wire format of the mistral upstream: `openai` (Mistral's API, or an OpenAI-compatible server at `upstream_url`) or `ollama` (an Ollama server at `upstream_url`). Required for the mistral provider.",
    },
  },
  configChecks: [requiredOptionCheck('mistral', 'mistral_format'), selfHostedCheck],
  upstreamUrl: (request) => new URL(upstreamPath(request, MISTRAL_PATHS), MISTRAL_ORIGIN),
};
