import { gunzipSync } from 'node:zlib';
import { GatewayError } from '@switchyard/plugin-api';
import type {
  BufferedResponse,
  OutgoingLlmRequest,
  ProviderDriver,
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
import { contentEncodingOf } from './content-encoding.js';
import type { LlmExchange } from './llm-exchange.js';
import { afterAuthentication, type MaybePromise } from './authenticated.js';
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

/** The provider's own URL for a `preserve` request, when `upstream_url` does not give the origin. */
function providerUrl(
  driver: ProviderDriver | undefined,
  target: CompiledTarget,
  ctx: RequestContext,
  fields: ModelFields,
): URL {
  if (!driver) throw target.noTransformer;
  const routeTypes = Object.keys(driver.routes) as (keyof ProviderDriver['routes'])[];
  return driver.upstreamUrl({
    routeType: routeTypes[0] ?? 'llm/v1/chat',
    clientFormat: 'openai',
    model: { provider: driver.id, name: fields.name ?? '', options: fields.options },
    stream: false,
    clientQuery: ctx.upstream.query,
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

  const upstream = ctx.upstream;
  dropClientCredentials(upstream.headers, overridingClientHeader(config.auth, ctx.request.headers));
  const url = preserveUpstreamUrl({
    options: fields.options,
    clientPath: ctx.request.path,
    clientQuery: ctx.upstream.query,
    providerUrl: () => providerUrl(driver, target, ctx, fields),
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
  return afterAuthentication(authenticator.authenticate(outgoing, ctx.request), () => {
    upstream.url = outgoing.url;
    upstream.label = config.model.provider;
    ctx.responseMode = 'stream';
    return new PreservedExchange(driver?.traits.dropsSetCookie === true, modelHeader, analytics);
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

/** A `preserve` request: proxied as is, its answer passed through as it comes. */
export class PreservedExchange implements LlmExchange {
  private recorded: RecordedAnswer | undefined;

  constructor(
    private readonly dropsSetCookie: boolean,
    /** The `X-Kong-LLM-Model` value, when the header is sent. */
    private readonly modelHeader: string | undefined,
    private readonly analytics: RequestAnalytics | undefined,
  ) {}

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
   * The recorded answer's usage and model, when it is JSON (as Kong reads them). A gzipped
   * answer is inflated here, synchronously since the log phase is, and so at most to the
   * recording limit; one inflating further is not read.
   */
  logEntry(requestBody: Buffer): AiProxyLogEntry | undefined {
    const { analytics, recorded } = this;
    if (!analytics) return undefined;
    if (recorded && !recorded.overflowed) {
      let raw = Buffer.concat(recorded.chunks);
      let readable = true;
      if (contentEncodingOf(recorded.headers).kind === 'gzip') {
        try {
          raw = gunzipSync(raw, { maxOutputLength: recorded.limit });
        } catch {
          readable = false;
        }
      }
      if (readable) {
        const answer = parseJsonObject(raw);
        const usage = answer?.usage as { prompt_tokens?: unknown; completion_tokens?: unknown } | undefined;
        analytics.answered(
          {
            usage: {
              ...(typeof usage?.prompt_tokens === 'number' && { prompt_tokens: usage.prompt_tokens }),
              ...(typeof usage?.completion_tokens === 'number' && {
                completion_tokens: usage.completion_tokens,
              }),
            },
            ...(typeof answer?.model === 'string' && { model: answer.model }),
          },
          () => raw.toString('utf8'),
        );
      }
    }
    return analytics.entry(requestBody);
  }
}
