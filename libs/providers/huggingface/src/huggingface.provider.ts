import { GatewayError } from '@switchyard/plugin-api';
import type { ProviderDriver, ProviderRequest } from '@switchyard/plugin-api';
import { HUGGINGFACE_EMBEDDINGS } from './huggingface.embeddings.js';
import {
  translateHuggingfaceChatRequest,
  translateHuggingfaceGenerateRequest,
} from './huggingface.request-map.js';
import {
  translateHuggingfaceChatResponse,
  translateHuggingfaceGenerateResponse,
} from './huggingface.response.js';
import {
  createHuggingfaceChatStreamTranslator,
  createHuggingfaceGenerateStreamTranslator,
} from './huggingface.stream.js';

/** The classic serverless Inference API (Kong's `upstream_url_format`). */
const HUGGINGFACE_ORIGIN = 'https://api-inference.huggingface.co:443';

/** The OpenAI-compatible chat route, under a model's URL (Kong's `build_url`). */
const CHAT_PATH = '/v1/chat/completions';

/** The Inference API's feature-extraction pipeline, before the model's path. */
const FEATURE_EXTRACTION_PATH = '/pipeline/feature-extraction';

/** A URL path that is the chat route already (the router's `https://router.huggingface.co/v1/chat/completions`). */
const ENDS_WITH_CHAT_ROUTE = /\/chat\/completions\/?$/;

/**
 * `/models/{model}`, each `/`-separated part of the model id (`meta-llama/Llama-3.1-8B-Instruct`)
 * percent-encoded. The name may come from the client's body: a part that is empty, `.` or `..`
 * would move the request to another path, and is a 400.
 */
function modelPath(name: string): string {
  const parts = name.split('/');
  if (parts.some((part) => part === '' || part === '.' || part === '..'))
    throw new GatewayError(
      400,
      `model name '${name}' is no Hugging Face model id: it goes in the URL path as /models/<owner>/<name>, so no part of it may be empty, '.' or '..'`,
    );
  return `/models/${parts.map(encodeURIComponent).join('/')}`;
}

/**
 * The Inference API's path of a request: `/models/{model}` for text generation, with the chat
 * route after it for chat, `/pipeline/feature-extraction/{model}` for embeddings.
 */
function defaultPath(request: ProviderRequest): string {
  const model = modelPath(request.model.name);
  if (request.routeType === 'llm/v1/embeddings')
    return `${FEATURE_EXTRACTION_PATH}${model.slice('/models'.length)}`;
  return request.routeType === 'llm/v1/chat' ? `${model}${CHAT_PATH}` : model;
}

/**
 * Kong's huggingface driver completes a configured `upstream_url` for chat with the chat path,
 * so that one URL (a dedicated Inference Endpoint, the router's
 * `https://router.huggingface.co/hf-inference/models/{model}`) serves both route types; a URL that
 * names the chat route already is kept (Kong would append the path twice).
 */
function configuredUpstreamUrl(configured: URL, request: ProviderRequest): URL {
  if (request.routeType === 'llm/v1/chat' && !ENDS_WITH_CHAT_ROUTE.test(configured.pathname))
    configured.pathname = `${configured.pathname.replace(/\/+$/, '')}${CHAT_PATH}`;
  return configured;
}

/**
 * Hugging Face: the classic Inference API's text generation for completions
 * (`https://api-inference.huggingface.co/models/{model}`, `{inputs, parameters, options}`, TGI's
 * token stream) and its OpenAI-compatible chat route (`.../models/{model}/v1/chat/completions`);
 * `upstream_url` for the router or a dedicated Inference Endpoint. Neither reports a prompt count
 * by itself in every case, so usage is Kong's estimate where it is missing. Embeddings: the
 * feature-extraction pipeline (see `HUGGINGFACE_EMBEDDINGS`).
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
        stream: createHuggingfaceChatStreamTranslator,
      },
    },
    'llm/v1/completions': {
      openai: {
        request: translateHuggingfaceGenerateRequest,
        response: translateHuggingfaceGenerateResponse,
        stream: createHuggingfaceGenerateStreamTranslator,
      },
    },
    'llm/v1/embeddings': { openai: HUGGINGFACE_EMBEDDINGS },
  },
  optionFields: {
    huggingface: {
      type: 'record',
      description: 'Hugging Face Inference API options.',
      fields: {
        use_cache: {
          type: 'boolean',
          description: 'Let the Inference API answer from its cache. Sent as false when unset, as Kong does.',
        },
        wait_for_model: {
          type: 'boolean',
          description: 'Wait for a model that is still loading instead of failing with 503.',
        },
      },
    },
  },
  upstreamUrl: (request) => new URL(defaultPath(request), HUGGINGFACE_ORIGIN),
  configuredUpstreamUrl,
};
