import { gunzipSync } from 'node:zlib';
import { GatewayError } from '@switchyard/plugin-api';
import type { RequestContext, ResponseHead, StreamTransformer } from '@switchyard/plugin-api';
import { RequestAnalytics } from './analytics.js';
import { checkRequestBodyEncoding, contentEncodingOf } from './content-encoding.js';
import type { PreservedExchange } from './exchange-state.js';
import type { HandlerSetup } from './handler-setup.js';
import { checkJsonDepth } from './json-depth.js';
import { describePreservedRequest } from './llm-call-trace.js';
import { modelHeaderFor } from './model-header.js';
import { COOKIE_STRIPPED } from './provider-traits.js';
import type { ModelFields } from './template.resolver.js';
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
 * `access` for the `preserve` route type: the body goes upstream as the client sent it (read
 * only to place a body credential, or to enforce `response_streaming = deny`: then it must come
 * uncompressed and no deeper than `MAX_JSON_DEPTH`), to the provider with the client's path
 * (see `preserveUpstreamUrl`), with the configured credential. The answer is passed through as
 * it comes (`stream` mode, no transformer), whatever its shape.
 */
export function startPreservedExchange(
  ctx: RequestContext,
  setup: HandlerSetup,
  fields: ModelFields,
  startedAt: number,
): PreservedExchange {
  const { config, driver, auth } = setup;
  const needsBody = auth.placesInBody || config.response_streaming === 'deny';
  if (needsBody) {
    checkRequestBodyEncoding(ctx.request.headers);
    checkJsonDepth(ctx.request.body);
  }
  const body = needsBody ? parseJsonObject(ctx.request.body) : undefined;
  if (config.response_streaming === 'deny' && body?.stream === true) {
    throw new GatewayError(400, 'response streaming is not enabled for this LLM');
  }

  const upstream = ctx.upstream;
  upstream.url = preserveUpstreamUrl({
    options: fields.options,
    clientPath: ctx.request.path,
    clientQuery: ctx.request.query,
    providerUrl: () => {
      if (!driver) throw setup.noTransformer;
      return driver.upstreamUrl({
        routeType: driver.routeTypes[0] ?? 'llm/v1/chat',
        model: { provider: driver.id, name: fields.name ?? '', options: fields.options },
        stream: false,
        clientQuery: ctx.request.query,
        wantsUsage: false,
      });
    },
  });
  upstream.label = config.model.provider;
  if (ctx.upstreamTrace) describePreservedRequest(ctx.upstreamTrace, config.model.provider);
  auth.applyToRequest(ctx);
  // A body that is not a JSON object has no place for the credential; the provider will say so.
  if (auth.placesInBody && body) {
    auth.applyToBody(body, body);
    upstream.body = JSON.stringify(body);
    delete upstream.headers['content-length'];
  }
  ctx.responseMode = 'stream';

  const analytics = setup.analyticsOn
    ? new RequestAnalytics({
        pluginId: setup.scope.pluginId,
        provider: config.model.provider,
        logStatistics: config.logging.log_statistics,
        logPayloads: config.logging.log_payloads,
        requestModel: fields.name,
        options: fields.options,
        promptEstimate: undefined,
        startedAt,
      })
    : undefined;
  return { kind: 'preserved', modelHeader: modelHeaderFor(setup, ctx, fields.name), analytics };
}

/**
 * `streamStart` for `preserve`: the answer passes through untouched, but for Kong's header
 * rules on a 200. It is recorded only when analytics are logged, and only up to
 * `ctx.limits.maxResponseBodyBytes`.
 */
export function startPreservedStream(
  ctx: RequestContext,
  head: ResponseHead,
  exchange: PreservedExchange,
  setup: HandlerSetup,
): StreamTransformer | undefined {
  if (head.status === 200) {
    if (COOKIE_STRIPPED.has(setup.config.model.provider)) delete head.headers['set-cookie'];
    if (exchange.modelHeader !== undefined) head.headers['x-kong-llm-model'] = exchange.modelHeader;
  }
  if (!exchange.analytics) return undefined;
  const recorded = {
    chunks: [] as Buffer[],
    headers: { ...head.headers },
    limit: ctx.limits.maxResponseBodyBytes,
    overflowed: false,
  };
  exchange.recorded = recorded;
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
 * In the log phase: the recorded answer's usage and model, when it is JSON (as Kong reads them).
 * A gzipped answer is inflated here, synchronously since the log phase is, and so at most to the
 * recording limit (a few milliseconds for the default 10 MiB); one inflating further is not read.
 */
export function readPreservedAnswer(exchange: PreservedExchange): void {
  const { analytics, recorded } = exchange;
  if (!analytics || !recorded || recorded.overflowed) return;
  let raw = Buffer.concat(recorded.chunks);
  if (contentEncodingOf(recorded.headers).kind === 'gzip') {
    try {
      raw = gunzipSync(raw, { maxOutputLength: recorded.limit });
    } catch {
      return;
    }
  }
  const answer = parseJsonObject(raw);
  analytics.answered(answer?.usage, answer?.model, () => raw.toString('utf8'));
}
