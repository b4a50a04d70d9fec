import { requiredOptionCheck } from '@switchyard/plugin-api';
import type { ProviderDriver, RouteTranslation } from '@switchyard/plugin-api';
import { OLLAMA_PATHS, OLLAMA_TRANSLATIONS } from '@switchyard/provider-ollama-format';
import {
  OPENAI_TRANSLATION,
  translationPerFormat,
  upstreamPath,
} from '@switchyard/provider-openai-compatible';
import { translateLlama2RawChatRequest, translateLlama2RawCompletionRequest } from './llama2.request-map.js';
import { translateLlama2RawResponse } from './llama2.response.js';
import { createLlama2RawStreamTranslator } from './llama2.stream.js';

/**
 * Where a request would go without `upstream_url`, which Kong requires for llama2 (so only its
 * query, none, is ever read): an Ollama server's default address.
 */
const OLLAMA_DEFAULT_ORIGIN = 'http://localhost:11434';

/** The `raw` format: a Llama 2 prompt for a text-generation server (Hugging Face TGI's API). */
const RAW_CHAT: RouteTranslation = {
  request: translateLlama2RawChatRequest,
  response: translateLlama2RawResponse,
  stream: createLlama2RawStreamTranslator,
};
const RAW_COMPLETIONS: RouteTranslation = { ...RAW_CHAT, request: translateLlama2RawCompletionRequest };

/**
 * A self-hosted Llama 2 (or any model its server serves) at `model.options.upstream_url`, in
 * the wire format `model.options.llama2_format` names, per request: `raw` (a text-generation
 * server: the `<s>[INST] ...` prompt in `{inputs, parameters}`, SSE token streams), `ollama`
 * (an Ollama server's `/api/chat` and `/api/generate`, NDJSON streams) or `openai` (an
 * OpenAI-compatible server, as it is).
 */
export const llama2Provider: ProviderDriver = {
  id: 'llama2',
  telemetryName: 'llama2',
  // Ollama's streams report usage, raw ones only the completion count: the gateway's prompt
  // estimate is computed only for an answer that reports no prompt count.
  traits: { streamFraming: 'sse', streamReportsUsage: false, dropsSetCookie: false },
  routes: {
    'llm/v1/chat': {
      openai: translationPerFormat('llama2_format', {
        raw: RAW_CHAT,
        ollama: OLLAMA_TRANSLATIONS['llm/v1/chat'],
        openai: OPENAI_TRANSLATION,
      }),
    },
    'llm/v1/completions': {
      openai: translationPerFormat('llama2_format', {
        raw: RAW_COMPLETIONS,
        ollama: OLLAMA_TRANSLATIONS['llm/v1/completions'],
        openai: OPENAI_TRANSLATION,
      }),
    },
  },
  optionFields: {
    llama2_format: {
      type: 'string',
      one_of: ['raw', 'openai', 'ollama'],
      description:
        'Wire format of the self-hosted llama2 upstream at `upstream_url`: `raw` (a text-generation server such as Hugging Face TGI), `ollama` (an Ollama server) or `openai` (an OpenAI-compatible server). Required for the llama2 provider.',
    },
  },
  configChecks: [
    requiredOptionCheck('llama2', 'llama2_format'),
    requiredOptionCheck('llama2', 'upstream_url', 'self-hosted providers/models'),
  ],
  upstreamUrl: (request) => new URL(upstreamPath(request, OLLAMA_PATHS), OLLAMA_DEFAULT_ORIGIN),
};
