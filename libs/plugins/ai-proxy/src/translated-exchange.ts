import { GatewayError, TranslationError } from '@switchyard/plugin-api';
import type {
  LlmRequest,
  LlmRouteType,
  ProviderDriver,
  ProviderRequest,
  RequestContext,
  ResponseHead,
  StreamStep,
  StreamTransformer,
  TranslatedRequest,
} from '@switchyard/plugin-api';
import { RequestAnalytics } from './analytics.js';
import { acceptsGzip, checkRequestBodyEncoding, contentEncodingOf, mediaTypeOf } from './content-encoding.js';
import type { TranslatedExchange } from './exchange-state.js';
import type { HandlerSetup } from './handler-setup.js';
import { createStreamedAnswerRecorder, describeLlmRequest } from './llm-call-trace.js';
import { modelHeaderFor } from './model-header.js';
import { resolveModelName } from './model-resolver.js';
import { COOKIE_STRIPPED, UPSTREAM_ACCEPT_ENCODING } from './provider-traits.js';
import {
  applyTuningOptions,
  checkRouteFormat,
  decideStreaming,
  parseClientBody,
} from './request-normalizer.js';
import type { ClientBody } from './request-normalizer.js';
import { createFrameParser } from './stream/create-frame-parser.js';
import { isStreamMediaType, usualStreamMediaType } from './stream/stream-media-types.js';
import {
  createRejectedStream,
  createStreamTranslation,
  type StreamFailure,
} from './stream/stream-translation.js';
import type { ModelFields } from './template.resolver.js';
import { estimatePromptTokens } from './token-estimates.js';
import { llmUpstreamUrl } from './upstream-url.js';

function translate(driver: ProviderDriver, body: ClientBody, request: ProviderRequest): TranslatedRequest {
  try {
    return driver.translateRequest(body as LlmRequest, request);
  } catch (error) {
    if (!(error instanceof TranslationError)) throw error;
    throw new GatewayError(
      400,
      `error transforming to ${driver.id}://${request.routeType}: ${error.message}`,
    );
  }
}

/**
 * `access` for a chat or completions route (Kong's `normalize-request`, in its order): the body
 * is parsed once and checked (it must come uncompressed), the model reconciled, tuning options
 * applied, the body translated by the driver, and `ctx.upstream` pointed at the provider with
 * its credential. The provider is asked for gzip only when the client accepts it, so that an
 * error answer passed through as it came is one the client can read.
 */
export function startTranslatedExchange(
  ctx: RequestContext,
  setup: HandlerSetup,
  routeType: LlmRouteType,
  fields: ModelFields,
  startedAt: number,
): TranslatedExchange {
  const { config, driver, auth } = setup;
  checkRequestBodyEncoding(ctx.request.headers);
  const body = parseClientBody(ctx.request.body);
  const name = resolveModelName(fields.name, body);
  checkRouteFormat(body, routeType);
  const stream = decideStreaming(body, config.response_streaming);
  if (!driver?.routeTypes.includes(routeType)) throw setup.noTransformer;

  const request: ProviderRequest = {
    routeType,
    model: { provider: driver.id, name, options: fields.options },
    stream,
    clientQuery: ctx.request.query,
    wantsUsage: config.logging.log_statistics,
  };
  applyTuningOptions(body, fields.options);
  if (ctx.upstreamTrace) describeLlmRequest(ctx.upstreamTrace, request, body);
  const translated = translate(driver, body, request);
  if (auth.placesInBody && isRecord(translated.body)) auth.applyToBody(translated.body, body);

  const upstream = ctx.upstream;
  upstream.url = llmUpstreamUrl(driver, request);
  upstream.method = 'POST';
  upstream.label = driver.id;
  upstream.body = JSON.stringify(translated.body);
  const headers = upstream.headers;
  // The body is the gateway's own now: it has its own length and no encoding.
  delete headers['content-length'];
  delete headers['content-encoding'];
  delete headers['accept-encoding'];
  headers['content-type'] = 'application/json';
  const clientAcceptsGzip = acceptsGzip(ctx.request.headers);
  // A stream is asked for uncompressed, so that each event can be translated the moment it
  // arrives; a whole answer may come gzipped where Kong asks for it (openai, azure), when the
  // client takes gzip too.
  const acceptEncoding = stream || !clientAcceptsGzip ? 'identity' : UPSTREAM_ACCEPT_ENCODING[driver.id];
  if (acceptEncoding) headers['accept-encoding'] = acceptEncoding;
  for (const [header, value] of Object.entries(translated.headers ?? {}))
    headers[header.toLowerCase()] = value;
  auth.applyToRequest(ctx);
  ctx.responseMode = stream ? 'stream' : 'buffered';

  const analytics = setup.analyticsOn
    ? new RequestAnalytics({
        pluginId: setup.scope.pluginId,
        provider: driver.id,
        logStatistics: config.logging.log_statistics,
        logPayloads: config.logging.log_payloads,
        requestModel: name,
        options: fields.options,
        // Kong's estimate for providers that may leave the prompt count out (more words per token in a stream).
        promptEstimate: driver.streamReportsUsage
          ? undefined
          : () => estimatePromptTokens(body, stream ? 1.8 : 1),
        startedAt,
      })
    : undefined;
  return {
    kind: 'translated',
    request,
    clientAcceptsGzip,
    modelHeader: modelHeaderFor(setup, ctx, name),
    analytics,
    trace: ctx.upstreamTrace,
  };
}

/**
 * `streamStart` for a translated stream (Kong's `normalize-sse-chunk`): a 200 becomes an
 * OpenAI event stream, translated frame by frame; any other status passes through as one plain
 * body, as Kong sends it. A 200 whose media type is no stream (an HTML page) is a 502 before
 * the client gets anything. A stream that ends with an error event is marked failed
 * (`ctx.failure`) for the log and the metrics.
 */
export function startTranslatedStream(
  ctx: RequestContext,
  head: ResponseHead,
  exchange: TranslatedExchange,
  driver: ProviderDriver,
): StreamTransformer | undefined {
  if (head.status !== 200) return undefined;
  const encoding = contentEncodingOf(head.headers);
  const mediaType = mediaTypeOf(head.headers);
  // An upstream that answers a stream request with one JSON document, or compressed although
  // `identity` was asked for, gets Kong's "unsupported transformer response" event.
  const notStreamed = mediaType === 'application/json' && driver.streamFraming !== 'json-array';
  if (!notStreamed && !isStreamMediaType(driver.streamFraming, mediaType)) {
    throw new GatewayError(
      502,
      `the ${driver.id} upstream answered a stream request with '${mediaType}'; a ${driver.streamFraming} stream comes as '${usualStreamMediaType(driver.streamFraming)}'`,
    );
  }
  const headers = head.headers;
  if (COOKIE_STRIPPED.has(driver.id)) delete headers['set-cookie'];
  delete headers['content-length'];
  delete headers['content-encoding'];
  headers['content-type'] = 'text/event-stream; charset=utf-8';
  headers['cache-control'] = 'no-cache';
  headers['x-accel-buffering'] = 'no';
  if (exchange.modelHeader !== undefined) headers['x-kong-llm-model'] = exchange.modelHeader;

  const onFailure = (reason: StreamFailure) => (ctx.failure = reason);
  if (notStreamed || encoding.kind !== 'identity') return createRejectedStream(onFailure);
  return createStreamTranslation({
    parser: createFrameParser(driver.streamFraming),
    translator: driver.createStreamTranslator(exchange.request),
    onStep: stepObserver(exchange, ctx.timings.upstreamStart ?? performance.now()),
    onFailure,
  });
}

/** What sees each translated step: the analytics and the trace, whichever the request has. */
function stepObserver(exchange: TranslatedExchange, upstreamStartedAt: number): (step: StreamStep) => void {
  const { analytics, trace } = exchange;
  const recordTrace = trace && createStreamedAnswerRecorder(trace, upstreamStartedAt);
  if (analytics && recordTrace)
    return (step) => {
      analytics.streamedStep(step);
      recordTrace(step);
    };
  if (analytics) return (step) => analytics.streamedStep(step);
  return recordTrace ?? (() => undefined);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
