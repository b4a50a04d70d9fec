import type { ProviderDriver } from '@switchyard/plugin-api';
import { createServiceAccountAuthenticator } from './gemini.authenticator.js';
import { GEMINI_EMBEDDINGS } from './gemini.embeddings.js';
import { translateGeminiChatRequest } from './gemini.request-map.js';
import { translateGeminiChatResponse } from './gemini.response.js';
import { createGeminiStreamTranslator } from './gemini.stream.js';
import { geminiConfiguredUpstreamUrl, geminiUpstreamUrl } from './gemini.urls.js';
import { geminiClientApi } from './gemini.client-api.js';
import { geminiPassThrough } from './gemini.passthrough.js';

/** google-auth-library's default: a token is replaced 5 minutes before it expires. */
export const DEFAULT_TOKEN_REFRESH_MARGIN_MS = 5 * 60_000;

/** How a Gemini driver is made; the defaults are what the gateway ships. */
export interface GeminiProviderOptions {
  /**
   * How long before its expiry a service account's access token is replaced, in ms (more than
   * 0). Default {@link DEFAULT_TOKEN_REFRESH_MARGIN_MS}.
   */
  readonly tokenRefreshMarginMs?: number;
  /** Where the `GCP_SERVICE_ACCOUNT` variable is read (once per plugin config). Default `process.env`. */
  readonly environment?: Readonly<Record<string, string | undefined>>;
}

/**
 * A Gemini driver: the Gemini API (`generativelanguage.googleapis.com`, the API key in the
 * header or query parameter the config names: `x-goog-api-key` or `key`) and Gemini on Vertex AI
 * (`model.options.gemini`), authenticated with a service account's OAuth token when
 * `auth.gcp_use_service_account` is on. Streams are `streamGenerateContent`'s JSON array, which
 * carries usage in every chunk. Embeddings call `:batchEmbedContents` (Vertex AI: `:predict`).
 */
export function createGeminiProvider(options: GeminiProviderOptions = {}): ProviderDriver {
  const refreshMarginMs = options.tokenRefreshMarginMs ?? DEFAULT_TOKEN_REFRESH_MARGIN_MS;
  if (!(refreshMarginMs > 0))
    throw new RangeError(`tokenRefreshMarginMs must be more than 0, not ${refreshMarginMs}`);
  const environment = options.environment ?? process.env;
  return {
    id: 'gemini',
    telemetryName: 'gcp.gemini',
    traits: { streamFraming: 'json-array', streamReportsUsage: true, dropsSetCookie: true },
    routes: {
      'llm/v1/chat': {
        openai: {
          request: translateGeminiChatRequest,
          response: translateGeminiChatResponse,
          stream: createGeminiStreamTranslator,
        },
        gemini: geminiPassThrough,
      },
      'llm/v1/embeddings': { openai: GEMINI_EMBEDDINGS },
    },
    clientApi: geminiClientApi,
    nativeFormat: 'gemini',
    optionFields: {
      gemini: {
        type: 'record',
        description: 'Gemini on Vertex AI: set all three fields, or none for the Gemini API.',
        fields: {
          api_endpoint: {
            type: 'string',
            description:
              'Regional Vertex AI API endpoint, host name only (us-central1-aiplatform.googleapis.com).',
          },
          project_id: { type: 'string', description: 'GCP project id that hosts the model.' },
          location_id: { type: 'string', description: 'GCP location (region) of the model.' },
        },
        entity_checks: [{ mutually_required: ['api_endpoint', 'project_id', 'location_id'] }],
      },
    },
    upstreamUrl: geminiUpstreamUrl,
    configuredUpstreamUrl: geminiConfiguredUpstreamUrl,
    createAuthenticator: (auth) => createServiceAccountAuthenticator(auth, { refreshMarginMs, environment }),
  };
}

/** The Gemini driver this build ships. */
export const geminiProvider: ProviderDriver = createGeminiProvider();
