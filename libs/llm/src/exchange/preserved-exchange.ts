import { gunzipSync } from 'node:zlib';
import { GatewayError } from '@switchyard/plugin-api';
import type {
  BufferedResponse,
  OutgoingLlmRequest,
  ProviderDriver,
  ProviderRequest,
  RequestContext,
  ResponseHead,
  StreamTransformer,
} from '@switchyard/plugin-api';
import { dropClientCredentials, overridingClientHeader } from '../auth/client-credentials.js';
import { checkJsonDepth } from '../request/json-depth.js';
import { currentRequestBody } from '../request/llm-request.js';
import { modelHeaderFor } from '../request/model-header.js';
import type { ModelFields } from '../request/template.resolver.js';
import { RequestAnalytics, type AiProxyLogEntry } from '../telemetry/analytics.js';
import { describePreservedRequest } from '../telemetry/llm-call-trace.js';
import { contentEncodingOf, mediaTypeOf } from './content-encoding.js';
import { readPreservedAnswer } from './preserved-answer.js';
import type { LlmExchange } from './llm-exchange.js';
import { afterPending, type MaybePromise } from './authenticated.js';
import type { CompiledTarget } from './llm-target.js';
import { preserveUpstreamUrl } from './upstream-url.js';

/** `raw` as a JSON object, or `undefined` when it is not one (an answer that is not JSON, say). */
function parseJsonObject(raw: Buffer): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(raw.toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * What a `preserve` request is, as a driver's functions take it: the provider's own API (its
 * `nativeFormat`), the configured model and options, the client's query.
 */
function preservedRequest(driver: ProviderDriver, ctx: RequestContext, fields: ModelFields): ProviderRequest {
  const routeTypes = Object.keys(driver.routes) as (keyof ProviderDriver['routes'])[];
  return {
    routeType: routeTypes[0] ?? 'llm/v1/chat',
    clientFormat: driver.nativeFormat ?? 'openai',
    model: { provider: driver.id, name: fields.name ?? '', options: fields.options },
    stream: false,
    clientQuery: ctx.upstream.query,
    wantsUsage: true,
    clientWantsUsage: true,
  };
}

/** The provider's own URL for a `preserve` request, when `upstream_url` does not give the origin. */
function providerUrl(
  driver: ProviderDriver | undefined,
  target: CompiledTarget,
  request: ProviderRequest | undefined,
): URL {
  if (!driver || !request) throw target.noTransformer;
  return driver.upstreamUrl({
    ...request,
    clientFormat: 'openai',
    wantsUsage: false,
    clientWantsUsage: false,
  });
}

/**
 * `access` for the `preserve` route type: the body goes upstream as the client sent it (read
 * only to place a body credential, or to enforce `response_streaming = deny`: then it must come
 * uncompressed and no deeper than `MAX_JSON_DEPTH`), to the provider with the client's path
 * (see `preserveUpstreamUrl`), authenticated, without the client's own credentials. The answer
 * is passed through as it comes (`stream` mode, no translation), whatever its shape.
 */
export function startPreservedExchange(
  ctx: RequestContext,
  target: CompiledTarget,
  fields: ModelFields,
  startedAt: number,
): MaybePromise<PreservedExchange> {
  const { settings, driver, authenticator } = target;
  const { config } = settings;
  const needsBody = authenticator.bodyCredential !== undefined || settings.responseStreaming === 'deny';
  // The body a plugin put in place of the client's, if one did: it is what goes upstream.
  const raw = needsBody ? currentRequestBody(ctx) : undefined;
  if (raw) checkJsonDepth(raw);
  const body = raw ? parseJsonObject(raw) : undefined;
  if (settings.responseStreaming === 'deny' && body?.stream === true) {
    throw new GatewayError(400, 'response streaming is not enabled for this LLM');
  }

  const request = driver && preservedRequest(driver, ctx, fields);
  const upstream = ctx.upstream;
  dropClientCredentials(upstream.headers, overridingClientHeader(config.auth, ctx.request.headers));
  const url = preserveUpstreamUrl({
    options: fields.options,
    clientPath: ctx.request.path,
    clientQuery: ctx.upstream.query,
    providerUrl: () => providerUrl(driver, target, request),
  });
  // A body that is not a JSON object has no place for the credential; the provider will say so.
  if (authenticator.bodyCredential && body) {
    authenticator.bodyCredential(body, body);
    upstream.body = JSON.stringify(body);
    delete upstream.headers['content-length'];
  }
  const outgoing: OutgoingLlmRequest = {
    url,
    method: upstream.method,
    headers: upstream.headers,
    body: upstream.body,
    options: fields.options,
  };
  if (ctx.upstreamTrace && driver) describePreservedRequest(ctx.upstreamTrace, driver.telemetryName);
  const analytics = target.analyticsOn
    ? new RequestAnalytics({
        pluginId: settings.pluginId,
        provider: config.model.provider,
        logStatistics: config.logging.log_statistics,
        logPayloads: config.logging.log_payloads,
        requestModel: fields.name,
        options: fields.options,
        providerMeta: driver?.analyticsMeta?.(fields.options),
        generates: true,
        promptEstimate: undefined,
        startedAt,
      })
    : undefined;
  const modelHeader = modelHeaderFor(config.model.provider, settings.modelNameHeader, ctx, fields.name);
  return afterPending(authenticator.authenticate(outgoing, ctx.request), () => {
    upstream.url = outgoing.url;
    upstream.label = config.model.provider;
    ctx.responseMode = 'stream';
    return new PreservedExchange(
      driver?.traits.dropsSetCookie === true,
      modelHeader,
      analytics && { analytics, driver, request },
    );
  });
}

/**
 * The answer as it went by, kept only for the analytics log, up to `limit` bytes (past it,
 * `overflowed` and the chunks dropped: the answer is not read for analytics).
 */
interface RecordedAnswer {
  readonly chunks: Buffer[];
  readonly headers: Readonly<Record<string, string | string[]>>;
  readonly limit: number;
  overflowed: boolean;
}

/** The analytics of a `preserve` request, and what reads its answer for them. */
interface PreservedAnalytics {
  readonly analytics: RequestAnalytics;
  /** The provider's driver, whose native entries read the answer. */
  readonly driver: ProviderDriver | undefined;
  readonly request: ProviderRequest | undefined;
}

/** A `preserve` request: proxied as is, its answer passed through as it comes. */
export class PreservedExchange implements LlmExchange {
  private recorded: RecordedAnswer | undefined;
  private readonly analytics: RequestAnalytics | undefined;

  constructor(
    private readonly dropsSetCookie: boolean,
    /** The `X-Kong-LLM-Model` value, when the header is sent. */
    private readonly modelHeader: string | undefined,
    private readonly reading: PreservedAnalytics | undefined,
  ) {
    this.analytics = reading?.analytics;
  }

  /** `preserve` answers are streamed through, never buffered. */
  async answer(_ctx: RequestContext, _response: BufferedResponse): Promise<void> {}

  /**
   * The answer passes through untouched, but for Kong's header rules on a 200. It is recorded
   * only when analytics are logged, and only up to `ctx.limits.maxResponseBodyBytes`.
   */
  stream(ctx: RequestContext, head: ResponseHead): StreamTransformer | undefined {
    this.analytics?.responded();
    if (head.status === 200) {
      if (this.dropsSetCookie) delete head.headers['set-cookie'];
      if (this.modelHeader !== undefined) head.headers['x-kong-llm-model'] = this.modelHeader;
    }
    if (!this.analytics) return undefined;
    const recorded: RecordedAnswer = {
      chunks: [],
      headers: { ...head.headers },
      limit: ctx.limits.maxResponseBodyBytes,
      overflowed: false,
    };
    this.recorded = recorded;
    let size = 0;
    return {
      transform(chunk) {
        size += chunk.length;
        if (size > recorded.limit) {
          recorded.overflowed = true;
          recorded.chunks.length = 0;
        } else if (!recorded.overflowed) recorded.chunks.push(chunk);
        return chunk;
      },
      end: () => '',
      fail: () => '',
    };
  }

  /**
   * The recorded answer's usage and model, read by the driver's own entries for its native API
   * (`readPreservedAnswer`): a whole answer, or a stream as it went by. A gzipped answer is
   * inflated here, synchronously since the log phase is, and so at most to the recording limit;
   * one inflating further is not read.
   */
  logEntry(requestBody: Buffer): AiProxyLogEntry | undefined {
    const { reading, recorded } = this;
    if (!reading) return undefined;
    const { analytics } = reading;
    const raw = recorded && !recorded.overflowed ? inflated(recorded) : undefined;
    if (raw && reading.request) {
      const read = readPreservedAnswer(reading.driver, reading.request, mediaTypeOf(recorded!.headers), raw);
      if (read?.kind === 'whole') analytics.answered(read.summary, () => raw.toString('utf8'));
      else if (read) for (const step of read.steps) analytics.streamedStep(step);
    }
    return analytics.entry(requestBody);
  }
}

/** The recorded answer's bytes, inflated when gzipped (up to the recording limit); `undefined` when they cannot be. */
function inflated(recorded: RecordedAnswer): Buffer | undefined {
  const raw = Buffer.concat(recorded.chunks);
  if (contentEncodingOf(recorded.headers).kind !== 'gzip') return raw;
  try {
    return gunzipSync(raw, { maxOutputLength: recorded.limit });
  } catch {
    return undefined;
  }
}
