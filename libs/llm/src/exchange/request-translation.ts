import { GatewayError, TranslationError } from '@switchyard/plugin-api';
import type {
  ClientBody,
  ProviderDriver,
  ProviderRequest,
  BufferedRouteTranslation,
  TranslatedRequest,
} from '@switchyard/plugin-api';
import { RequestAnalytics } from '../telemetry/analytics.js';
import { estimatePromptTokens } from '../telemetry/token-estimates.js';
import type { CompiledTarget } from './llm-target.js';

/**
 * The body translated for the provider by its table entry; a `TranslationError` is Kong's 400
 * "error transforming to <provider>://<route_type>: <message>".
 */
export function translateRequest(
  driver: ProviderDriver,
  translation: BufferedRouteTranslation,
  body: ClientBody,
  request: ProviderRequest,
): TranslatedRequest {
  try {
    return translation.request(body, request);
  } catch (error) {
    if (!(error instanceof TranslationError)) throw error;
    throw new GatewayError(
      400,
      `error transforming to ${driver.id}://${request.routeType}: ${error.message}`,
    );
  }
}

/** The analytics of one translated request (`body` is what the provider is asked, options merged). */
export function requestAnalytics(
  target: CompiledTarget,
  driver: ProviderDriver,
  request: ProviderRequest,
  body: ClientBody,
  startedAt: number,
): RequestAnalytics {
  const { config, pluginId } = target.settings;
  const { options, name } = request.model;
  const factor = request.stream ? 1.8 : 1;
  const embeddings = request.routeType === 'llm/v1/embeddings';
  const estimate = () => estimatePromptTokens(body, factor);
  return new RequestAnalytics({
    pluginId,
    provider: driver.id,
    logStatistics: config.logging.log_statistics,
    logPayloads: config.logging.log_payloads,
    requestModel: name,
    options,
    providerMeta: driver.analyticsMeta?.(options),
    generates: !embeddings,
    // Kong's estimate for providers that may leave the prompt count out (more words per token in
    // a stream); several embedding APIs (Gemini's, Hugging Face's) never give one.
    promptEstimate: driver.traits.streamReportsUsage && !embeddings ? undefined : estimate,
    usageEstimate: estimate,
    startedAt,
  });
}
