import { GatewayError } from '@switchyard/plugin-api';
import type {
  BufferedResponse,
  LlmRouteType,
  OutgoingLlmRequest,
  ProviderDriver,
  ProviderRequest,
  RequestContext,
  ResponseHead,
  BufferedRouteTranslation,
  RouteTranslation,
  StreamStep,
  StreamTransformer,
  StreamTranslator,
  UpstreamCallTrace,
} from '@switchyard/plugin-api';
import { dropClientCredentials, overridingClientHeader } from '../auth/client-credentials.js';
import { llmRequestOf } from '../request/llm-request.js';
import { modelHeaderFor } from '../request/model-header.js';
import {
  clientWantsStreamUsage,
  normalizeLlmRequest,
  translationBody,
} from '../request/request-normalizer.js';
import type { ModelFields } from '../request/template.resolver.js';
import { createFrameParser } from '../stream/create-frame-parser.js';
import { isStreamMediaType, usualStreamMediaType } from '../stream/stream-media-types.js';
import {
  createRejectedStream,
  createStreamTranslation,
  sseEvent,
  type StreamFailure,
} from '../stream/stream-translation.js';
import type { AiProxyLogEntry, RequestAnalytics } from '../telemetry/analytics.js';
import { createStreamRelay } from '../stream/stream-relay.js';
import { createStreamedAnswerRecorder, describeLlmRequest } from '../telemetry/llm-call-trace.js';
import { rewriteBufferedAnswer } from './buffered-answer.js';
import { acceptsGzip, contentEncodingOf, mediaTypeOf } from './content-encoding.js';
import type { LlmExchange } from './llm-exchange.js';
import { afterPending, type MaybePromise } from './authenticated.js';
import type { CompiledTarget } from './llm-target.js';
import { clientRouteFor, pivotBody, pivotRouteTypeOf, type ClientErrorShape } from './client-route.js';
import { createErrorReshaper } from './reshaped-error.js';
import { requestAnalytics, translateRequest } from './request-translation.js';
import { llmUpstreamUrl } from './upstream-url.js';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * How a stream the core writes as SSE ends on a failure: the translator's own event when it
 * depends on what was sent (the Responses API's), else the client API's, else (`undefined`)
 * OpenAI's. Relayed streams end with `StreamTranslator.relay` instead.
 */
function sseErrorEvent(
  translator: StreamTranslator,
  shape: ClientErrorShape | undefined,
): ((message: string) => string) | undefined {
  const own = translator.errorEvent?.bind(translator);
  if (own) return (message) => sseEvent(own(message));
  return shape && ((message) => sseEvent(shape.api.streamErrorEvent(message)));
}

/**
 * `access` for a chat, completions or embeddings route (Kong's `normalize-request`, in its
 * order, see `normalizeLlmRequest`): the body in `ctx.llm` is checked (Kong's checks for an
 * OpenAI body; a native client's at its own path, by its client API), the model reconciled,
 * tuning options merged (not for embeddings), the body translated by the driver's table entry
 * for (route type, client format) or, for a native format the driver has no entry for, through
 * the pivot (the client API's `toOpenAi`, then the driver's `openai` entry), and the final
 * request authenticated; `ctx.upstream` then points at the provider. The client's own
 * credentials never reach it (but the configured header that `allow_override` lets through),
 * and it is asked for gzip only when the client accepts it, so that an error answer passed
 * through as it came is one the client can read.
 */
export function startTranslatedExchange(
  ctx: RequestContext,
  target: CompiledTarget,
  routeType: LlmRouteType,
  fields: ModelFields,
  startedAt: number,
): MaybePromise<TranslatedExchange> {
  const { settings, driver, clientApi } = target;
  // A path the client API does not serve (a `GET /v1/models`) is a 404 whatever its body.
  if (clientApi && !clientApi.matches(ctx.request.path)) throw target.wrongPath;
  const llm = llmRequestOf(ctx, settings.clientFormat);
  const client = llm.body;
  const { name, stream, encodingFormat } = normalizeLlmRequest(client, routeType, {
    configuredModel: fields.name,
    streaming: settings.responseStreaming,
    clientApi,
    path: ctx.request.path,
    replacesBodyModel: settings.replacesBodyModel,
  });
  const route = driver && clientRouteFor(driver, routeType, llm.format, clientApi);
  if (!driver || !route) throw target.noTransformer;

  // The pivot asks the provider an OpenAI request (of the client API's pivot route type), always
  // with stream usage: the client's format reports usage whether or not the gateway logs it.
  const pivot = route.pivot;
  const request: ProviderRequest = {
    routeType: pivot ? pivotRouteTypeOf(pivot, routeType) : routeType,
    clientFormat: pivot ? 'openai' : llm.format,
    model: { provider: driver.id, name, options: fields.options },
    stream,
    clientQuery: ctx.upstream.query,
    wantsUsage: pivot !== undefined || settings.config.logging.log_statistics,
    clientWantsUsage: pivot !== undefined || clientWantsStreamUsage(client),
    ...(encodingFormat && { encodingFormat }),
  };
  // OpenAI's names for the tuning options are merged into OpenAI bodies (`translationBody`); a
  // native pass-through places them under the API's own names (its translation reads
  // `request.model.options`).
  let body = client;
  if (clientApi && pivot)
    body = translationBody(pivotBody(clientApi, pivot, client, routeType), routeType, fields.options);
  else if (!clientApi) body = translationBody(client, routeType, fields.options);
  if (ctx.upstreamTrace) describeLlmRequest(ctx.upstreamTrace, driver.telemetryName, request, body);
  const translation = route.translation;
  const translated = translateRequest(driver, translation, body, request);
  const { authenticator } = target;
  if (authenticator.bodyCredential && isRecord(translated.body))
    authenticator.bodyCredential(translated.body, client);

  const headers = ctx.upstream.headers;
  dropClientCredentials(headers, overridingClientHeader(settings.config.auth, ctx.request.headers));
  // The body is the gateway's own now: it has its own length and no encoding.
  delete headers['content-length'];
  delete headers['content-encoding'];
  delete headers['accept-encoding'];
  headers['content-type'] = 'application/json';
  const clientAcceptsGzip = acceptsGzip(ctx.request.headers);
  // A stream is asked for uncompressed, so that each event can be translated the moment it
  // arrives; a whole answer may come compressed where the driver takes it, when the client does too.
  const acceptEncoding = stream || !clientAcceptsGzip ? 'identity' : driver.traits.acceptEncoding;
  if (acceptEncoding) headers['accept-encoding'] = acceptEncoding;
  const providerHeaders = translated.headers;
  if (providerHeaders)
    for (const header in providerHeaders) headers[header.toLowerCase()] = providerHeaders[header]!;
  const outgoing: OutgoingLlmRequest = {
    url: llmUpstreamUrl(driver, request),
    method: 'POST',
    headers,
    body: JSON.stringify(translated.body),
    options: fields.options,
  };
  // Kept whatever is logged: a plugin that charges for the answer (`ctx.llmUsage`) reads it.
  const analytics = requestAnalytics(target, driver, request, body, startedAt);
  const modelHeader = modelHeaderFor(driver.id, settings.modelNameHeader, ctx, name);
  return afterPending(authenticator.authenticate(outgoing, ctx.request), () => {
    const upstream = ctx.upstream;
    upstream.url = outgoing.url;
    upstream.method = outgoing.method;
    upstream.body = outgoing.body;
    upstream.label = driver.id;
    ctx.responseMode = stream ? 'stream' : 'buffered';
    ctx.llmUsage = () => analytics.spent();

    return new TranslatedExchange(
      driver,
      translation,
      request,
      clientAcceptsGzip,
      modelHeader,
      analytics,
      ctx.upstreamTrace,
      clientApi && { api: clientApi, reshapesUpstreamErrors: pivot !== undefined },
    );
  });
}

/** A request translated for the provider (chat, completions, embeddings), and its answer translated back. */
export class TranslatedExchange implements LlmExchange {
  constructor(
    private readonly driver: ProviderDriver,
    /** Embeddings' translations have no stream translator: their requests are never streamed. */
    private readonly translation: RouteTranslation | BufferedRouteTranslation,
    private readonly request: ProviderRequest,
    private readonly clientAcceptsGzip: boolean,
    /** The `X-Kong-LLM-Model` value, when the header is sent. */
    private readonly modelHeader: string | undefined,
    private readonly analytics: RequestAnalytics | undefined,
    private readonly trace: UpstreamCallTrace | undefined,
    /** A native client's error shape (`llm_format` other than `openai`). */
    private readonly errorShape: ClientErrorShape | undefined,
  ) {}

  answer(ctx: RequestContext, response: BufferedResponse): MaybePromise<void> {
    this.analytics?.responded();
    return rewriteBufferedAnswer(response, {
      driver: this.driver,
      translation: this.translation,
      request: this.request,
      clientAcceptsGzip: this.clientAcceptsGzip,
      modelHeader: this.modelHeader,
      analytics: this.analytics,
      trace: this.trace,
      maxBodyBytes: ctx.limits.maxResponseBodyBytes,
      errorShape: this.errorShape,
    });
  }

  /**
   * Kong's `normalize-sse-chunk`: a 200 becomes the client's event stream, translated frame by
   * frame; any other status passes through as one plain body, as Kong sends it. A 200 whose
   * media type is no stream (an HTML page) is a 502 before the client gets anything. A stream
   * that ends with an error event is marked failed (`ctx.failure`) for the log and the metrics.
   */
  stream(ctx: RequestContext, head: ResponseHead): StreamTransformer | undefined {
    this.analytics?.responded();
    const shape = this.errorShape;
    if (head.status !== 200)
      return shape?.reshapesUpstreamErrors ? this.reshapedError(head, shape) : undefined;
    // Embeddings are never streamed: their translations have no stream translator.
    if (!('stream' in this.translation)) return undefined;
    const { driver } = this;
    const translator = this.translation.stream(this.request);
    // A driver whose wire format is an option reads each stream in its translator's framing.
    const framing = translator.framing ?? driver.traits.streamFraming;
    const encoding = contentEncodingOf(head.headers);
    const mediaType = mediaTypeOf(head.headers);
    // An upstream that answers a stream request with one JSON document, or compressed although
    // `identity` was asked for, gets Kong's "unsupported transformer response" event.
    const notStreamed = mediaType === 'application/json' && framing !== 'json-array';
    if (!notStreamed && !isStreamMediaType(framing, mediaType)) {
      throw new GatewayError(
        502,
        `the ${driver.id} upstream answered a stream request with '${mediaType}'; a ${framing} stream comes as '${usualStreamMediaType(framing)}'`,
      );
    }
    const headers = head.headers;
    if (driver.traits.dropsSetCookie) delete headers['set-cookie'];
    delete headers['content-length'];
    delete headers['content-encoding'];
    headers['content-type'] = translator.contentType;
    headers['cache-control'] = 'no-cache';
    headers['x-accel-buffering'] = 'no';
    if (this.modelHeader !== undefined) headers['x-kong-llm-model'] = this.modelHeader;

    const onFailure = (reason: StreamFailure) => (ctx.failure = reason);
    const { relay } = translator;
    const errorEvent = relay ? undefined : sseErrorEvent(translator, shape);
    if (notStreamed || encoding.kind !== 'identity')
      return createRejectedStream(onFailure, relay ? (message) => relay.errorFrame(message) : errorEvent);
    const onStep = this.stepObserver(ctx.timings.upstreamStart ?? performance.now());
    // A native pass-through relays the provider's bytes, read on the side; others are translated.
    if (relay) {
      return createStreamRelay({
        parser: createFrameParser(framing),
        translator,
        relay,
        onStep,
        onFailure,
      });
    }
    return createStreamTranslation({
      parser: createFrameParser(framing),
      translator,
      onStep,
      onFailure,
      // A request that may fail over holds the opening events: a failure right after them is retried.
      holdOpening: ctx.failover !== undefined,
      errorEvent,
    });
  }

  /** Another provider's error answer to a stream request, as one body in the native client's error shape. */
  private reshapedError(head: ResponseHead, shape: ClientErrorShape): StreamTransformer {
    const headers = head.headers;
    delete headers['content-length'];
    delete headers['content-encoding'];
    headers['content-type'] = 'application/json';
    const { analytics } = this;
    return createErrorReshaper(shape.api, head.status, (text) => analytics?.answered({}, () => text));
  }

  logEntry(requestBody: Buffer): AiProxyLogEntry | undefined {
    return this.analytics?.entry(requestBody);
  }

  /** What sees each translated step: the analytics and the trace, whichever the request has. */
  private stepObserver(upstreamStartedAt: number): (step: StreamStep) => void {
    const { analytics, trace } = this;
    const recordTrace = trace && createStreamedAnswerRecorder(trace, upstreamStartedAt);
    if (analytics && recordTrace)
      return (step) => {
        analytics.streamedStep(step);
        recordTrace(step);
      };
    if (analytics) return (step) => analytics.streamedStep(step);
    return recordTrace ?? (() => undefined);
  }
}
