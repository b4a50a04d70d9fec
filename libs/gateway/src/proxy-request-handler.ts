import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  GatewayError,
  type AttemptFailure,
  type AttemptFailureReason,
  type ConsumerIdentity,
  type PluginHandler,
  type ProxyLimits,
  type RequestContext,
  type UpstreamFailover,
} from '@switchyard/plugin-api';
import { forwardableRequestHeaders, readBody, sendJson } from './http-messages.js';
import type { ActiveConfig } from './active-config.js';
import type { CompiledConfig, PluginChain } from './compiled-config.js';
import type { ProxyTracer, RequestTrace } from './request-trace.js';
import {
  IncomingClientRequest,
  ProxyRequestContext,
  ServiceUpstreamRequest,
} from './proxy-request-context.js';
import { sendBuffered, sendPassthrough, sendStreamed } from './upstream-answer.js';
import {
  UpstreamCallError,
  type UpstreamClient,
  type UpstreamResponse,
  type UpstreamTimeouts,
} from './upstream-client.js';

/** One finished request, as the access log records it. */
export interface AccessLogEntry {
  readonly method: string;
  readonly path: string;
  readonly status: number;
  readonly routeId: string | null;
  readonly serviceId: string | null;
  /** The route's and the service's names, when they have one (metrics label by name, else by id). */
  readonly routeName: string | null;
  readonly serviceName: string | null;
  /** Total time in milliseconds; `upstream` is the upstream's share, `ttfb` the first byte to the client. */
  readonly latency: {
    readonly total: number;
    readonly upstream: number | null;
    readonly ttfb: number | null;
  };
  /** The plugins' analytics (`ai.proxy`, ...). */
  readonly log: Readonly<Record<string, unknown>>;
  /**
   * The consumer an authentication plugin identified (Kong's log serializer's `consumer`, next
   * to the `ai.proxy` analytics); absent on unauthenticated requests.
   */
  readonly consumer?: ConsumerIdentity;
  /** The credential that identified it (Kong's `authenticated_entity`); absent for an anonymous consumer. */
  readonly authenticated_entity?: { readonly id: string };
  /** Whether the client went away before the response was complete. */
  readonly aborted: boolean;
  /** Whether the answer was streamed (server-sent events), so `latency.ttfb` is its first token. */
  readonly streamed: boolean;
  /**
   * Why the answer failed after its status was sent (`RequestContext.failure`: a stream cut
   * short, idle too long, unreadable), when it did; the metrics count it as a failure.
   */
  readonly failure?: string;
  /**
   * The upstream attempts of a request with a failover policy (`ctx.failover`), in order: each
   * one that failed over with its reason, the last one without. Absent without a policy.
   */
  readonly attempts?: readonly UpstreamAttempt[];
  /** The request's trace id, when it is traced. */
  readonly traceId?: string;
}

/** One upstream attempt of a request with a failover policy. */
export interface UpstreamAttempt {
  /** The target it went to (`UpstreamFailover.target`). */
  readonly target: string;
  /** Why it failed over to the next attempt; absent for the attempt that answered the client. */
  readonly failedOver?: AttemptFailureReason;
}

export interface ProxyRequestHandlerOptions {
  readonly config: ActiveConfig;
  readonly upstream: UpstreamClient;
  /** The largest request body the proxy reads, in bytes; plugins may set lower limits. */
  readonly maxBodyBytes: number;
  /** The limits every request's plugins keep to (`RequestContext.limits`). */
  readonly limits: ProxyLimits;
  /** Receives one entry per request after its response; must not block. */
  readonly accessLog?: (entry: AccessLogEntry) => void;
  /** Receives unexpected errors (not `GatewayError`s). */
  readonly onError: (error: Error) => void;
  /** Traces each request when tracing is on; absent, the request path does no tracing work. */
  readonly tracer?: ProxyTracer;
}

const NO_ROUTE = { message: 'no Route matched with those values' };
const NO_SERVICE = { message: 'no Service found with those values' };
const NO_CONFIG = { message: 'this proxy has not received its configuration yet; retry in a moment' };
const UNEXPECTED = { message: 'An unexpected error occurred' };
const DEFAULT_TIMEOUTS: UpstreamTimeouts = { connect: 60_000, read: 60_000, write: 60_000 };
/** The most upstream calls one request makes, whatever its failover policy asks. */
const MAX_UPSTREAM_ATTEMPTS = 16;

/** Error statuses a failover policy hears of (Kong's `http_<status>` criteria). */
const FAILOVER_STATUSES: ReadonlyMap<number, AttemptFailureReason> = new Map([
  [403, 'http_403'],
  [404, 'http_404'],
  [429, 'http_429'],
  [500, 'http_500'],
  [502, 'http_502'],
  [503, 'http_503'],
  [504, 'http_504'],
]);

/** An error status the policy may fail over on, as an attempt failure (its body is not read). */
function statusFailureOf(response: UpstreamResponse): AttemptFailure | undefined {
  const reason = FAILOVER_STATUSES.get(response.status);
  if (reason === undefined) return undefined;
  return {
    reason,
    sent: true,
    status: response.status,
    headers: response.headers,
    message: `the upstream answered ${response.status}`,
  };
}

/** A call that failed before its head (502 or 504), as an attempt failure. */
function callFailure(error: UpstreamCallError): AttemptFailure {
  return {
    reason: error.status === 504 ? 'timeout' : 'error',
    sent: error.sent,
    message: error.message,
  };
}

/**
 * The proxy's request path, as a plain function for `node:http`: route match on the config in
 * force when the request arrived, the route's plugin chain, the upstream call, and the
 * response handled as the plugins chose (passed through, buffered and rewritten, or streamed
 * through transformers and flushed chunk by chunk).
 */
export function createProxyRequestHandler(options: ProxyRequestHandlerOptions) {
  const { config: active, upstream, maxBodyBytes, limits, accessLog, onError, tracer } = options;

  return function handleProxyRequest(req: IncomingMessage, res: ServerResponse): void {
    const startedAt = performance.now();
    const url = req.url ?? '/';
    const queryAt = url.indexOf('?');
    const path = queryAt === -1 ? url : url.slice(0, queryAt);
    const requestTrace = tracer?.start(req, path, startedAt);
    // Read once: this request finishes on this config, whatever is swapped in meanwhile.
    const config = active.current;
    if (config === null)
      return answerUnrouted(req, res, 503, NO_CONFIG, requestTrace, { 'retry-after': '1' });
    const match = config.router.match({
      method: req.method ?? 'GET',
      host: req.headers.host,
      path,
      headers: req.headers,
    });
    if (match === undefined) return answerUnrouted(req, res, 404, NO_ROUTE, requestTrace);
    requestTrace?.routed(match);
    void proxy(
      config,
      match,
      req,
      res,
      path,
      queryAt === -1 ? '' : url.slice(queryAt + 1),
      startedAt,
      requestTrace,
    );
  };

  function answerUnrouted(
    req: IncomingMessage,
    res: ServerResponse,
    status: number,
    body: object,
    requestTrace: RequestTrace | undefined,
    headers?: Record<string, string>,
  ): void {
    sendJson(req, res, status, body, headers);
    requestTrace?.finish(status, performance.now(), false);
  }

  async function proxy(
    config: CompiledConfig,
    match: NonNullable<ReturnType<CompiledConfig['router']['match']>>,
    req: IncomingMessage,
    res: ServerResponse,
    path: string,
    rawQuery: string,
    startedAt: number,
    requestTrace: RequestTrace | undefined,
  ): Promise<void> {
    const { route, service } = match;
    // The consumer's chain replaces it once an authentication plugin identified them.
    let chain: PluginChain = config.chainFor(route.id);
    let ctx: ProxyRequestContext | undefined;
    let clientGone = false;
    // The attempts of a request with a failover policy, for the log and the metrics.
    let attempts: UpstreamAttempt[] | undefined;
    // One listener for both: a client gone early cuts the upstream call off; any end logs.
    res.once('close', () => {
      if (!res.writableFinished) {
        clientGone = true;
        ctx?.leave();
      }
      if (ctx) finish(ctx, chain.handlers, res, req, requestTrace, attempts);
      else requestTrace?.finish(res.statusCode, performance.now(), !res.writableFinished);
    });
    try {
      const body = await readBody(req, maxBodyBytes);
      const method = req.method ?? 'GET';
      ctx = new ProxyRequestContext({
        request: new IncomingClientRequest(method, path, rawQuery, req.headers, body),
        route: { id: route.id, name: route.name },
        service: service && { id: service.id, name: service.name },
        uriCaptures: match.uriCaptures,
        clientAddress: req.socket.remoteAddress,
        consumers: config.consumers,
        upstream: new ServiceUpstreamRequest(
          service,
          match.upstreamPath,
          rawQuery,
          method,
          forwardableRequestHeaders(req),
          body,
          service ? (service.name ?? service.host) : 'route',
        ),
        startedAt,
        limits,
        upstreamTrace: requestTrace?.upstream,
        callTracer: requestTrace?.calls,
      });
      if (clientGone) ctx.leave();
      const context = ctx;
      let consumerId: string | undefined;
      for (let index = 0; index < chain.handlers.length; index++) {
        // A phase that finished at once costs no microtask.
        const pending = chain.handlers[index]!.access?.(context);
        if (pending) await pending;
        if (context.consumer !== undefined && context.consumer.id !== consumerId) {
          consumerId = context.consumer.id;
          chain = chain.afterAuthentication(consumerId, index);
        }
      }
      if (!context.upstream.url) return sendJson(req, res, 503, NO_SERVICE);

      const serviceTimeouts = service
        ? { connect: service.connect_timeout, read: service.read_timeout, write: service.write_timeout }
        : DEFAULT_TIMEOUTS;
      if (context.failover) attempts = [];
      await callUpstream(context, chain.handlers, serviceTimeouts, res, requestTrace, attempts);
    } catch (error) {
      if (error instanceof UpstreamCallError) requestTrace?.upstreamFailed(error);
      answerError(error as Error, req, res, ctx);
    }
  }

  /**
   * The upstream call, and the answer handled as the plugins chose. With a failover policy
   * (`ctx.failover`), an attempt that fails before anything reached the client (no connection,
   * a timeout before the head, an error status, a stream that fails before its first byte) is
   * offered to the policy, which prepares the next attempt or declines; at most
   * `MAX_UPSTREAM_ATTEMPTS` attempts.
   */
  async function callUpstream(
    ctx: ProxyRequestContext,
    handlers: readonly PluginHandler[],
    serviceTimeouts: UpstreamTimeouts,
    res: ServerResponse,
    requestTrace: RequestTrace | undefined,
    attempts: UpstreamAttempt[] | undefined,
  ): Promise<void> {
    const upstreamBroke = requestTrace && ((error: Error) => requestTrace.upstreamFailed(error));
    /** Whether the policy prepared another attempt after `failure`; records the failed one if so. */
    const failedOver = async (failover: UpstreamFailover, failure: AttemptFailure): Promise<boolean> => {
      const target = failover.target;
      if (ctx.cancelled) return false;
      const endedAt = performance.now();
      const attributes = requestTrace?.setAttemptAside();
      if (!(await failover.next(ctx, failure))) {
        requestTrace?.restoreAttempt(attributes);
        return false;
      }
      attempts?.push({ target, failedOver: failure.reason });
      requestTrace?.upstreamFailedOver(failure, endedAt, attributes);
      ctx.failure = undefined;
      ctx.status = undefined;
      return true;
    };
    /** The attempt that answered the client (or failed it), last in `attempts`. */
    const lastAttempt = () => {
      if (attempts && ctx.failover) attempts.push({ target: ctx.failover.target });
    };
    for (let attempt = 1; ; attempt += 1) {
      const failover = attempt < MAX_UPSTREAM_ATTEMPTS ? ctx.failover : undefined;
      const timeouts = ctx.upstream.timeouts ?? serviceTimeouts;
      ctx.timings.upstreamStart = performance.now();
      requestTrace?.upstreamStarting(ctx.upstream, ctx.timings.upstreamStart, ctx.failover?.target);
      let response: UpstreamResponse;
      try {
        response = await upstream.send(ctx.upstream, timeouts, ctx);
      } catch (error) {
        if (
          failover &&
          error instanceof UpstreamCallError &&
          (await failedOver(failover, callFailure(error)))
        )
          continue;
        lastAttempt();
        throw error;
      }
      ctx.timings.upstreamHead = performance.now();
      ctx.status = response.status;
      requestTrace?.upstreamAnswered(response.status);
      try {
        const statusFailure = failover && statusFailureOf(response);
        if (statusFailure && (await failedOver(failover, statusFailure))) {
          response.body.abandon();
          continue;
        }
        // The service's read_timeout also bounds a whole answer's body, and the pause between two
        // stream events (not just two reads: a drip of bytes cannot hold the client).
        if (ctx.responseMode === 'buffered') await sendBuffered(ctx, handlers, response, res, timeouts.read);
        else if (ctx.responseMode === 'stream') {
          const held = await sendStreamed(
            ctx,
            handlers,
            response,
            res,
            timeouts.read,
            upstreamBroke,
            failover !== undefined,
          );
          if (held) {
            response.body.abandon();
            if (await failedOver(failover!, held.failure)) continue;
            held.release();
          }
        } else await sendPassthrough(ctx, response, res, upstreamBroke);
      } catch (error) {
        // An answer refused before its body was read (a plugin's 502) leaves nothing half-read upstream.
        response.body.abandon();
        // A whole answer that broke off or came too late, before the client got anything.
        if (
          failover &&
          error instanceof UpstreamCallError &&
          !res.headersSent &&
          (await failedOver(failover, callFailure(error)))
        )
          continue;
        lastAttempt();
        throw error;
      }
      lastAttempt();
      return;
    }
  }

  function answerError(
    error: Error,
    req: IncomingMessage,
    res: ServerResponse,
    ctx: ProxyRequestContext | undefined,
  ): void {
    if (ctx?.cancelled) return;
    if (res.headersSent) {
      res.destroy(error);
      return;
    }
    if (error instanceof GatewayError) {
      if (ctx) ctx.status = error.status;
      return sendJson(req, res, error.status, error.toBody(), error.headers);
    }
    onError(error);
    if (ctx) ctx.status = 500;
    sendJson(req, res, 500, UNEXPECTED);
  }

  function finish(
    ctx: RequestContext,
    chain: readonly PluginHandler[],
    res: ServerResponse,
    req: IncomingMessage,
    requestTrace: RequestTrace | undefined,
    attempts: readonly UpstreamAttempt[] | undefined,
  ): void {
    ctx.timings.end = performance.now();
    // The log phase runs after the response is out, never in its way.
    setImmediate(() => {
      for (const handler of chain) {
        try {
          handler.log?.(ctx);
        } catch (error) {
          onError(error as Error);
        }
      }
      const { startedAt, upstreamStart, upstreamHead, firstByte, end } = ctx.timings;
      const status = ctx.status ?? res.statusCode;
      const aborted = !res.writableFinished;
      const { consumer, credential } = ctx;
      if (consumer) requestTrace?.identified(consumer);
      requestTrace?.finish(status, end!, aborted, ctx.failure);
      accessLog?.({
        method: req.method ?? 'GET',
        path: ctx.request.path,
        status,
        routeId: ctx.route.id,
        serviceId: ctx.service?.id ?? null,
        routeName: ctx.route.name,
        serviceName: ctx.service?.name ?? null,
        latency: {
          total: round(end! - startedAt),
          upstream:
            upstreamStart !== undefined && upstreamHead !== undefined
              ? round(upstreamHead - upstreamStart)
              : null,
          ttfb: firstByte !== undefined ? round(firstByte - startedAt) : null,
        },
        log: ctx.log,
        ...(consumer && { consumer }),
        ...(credential && { authenticated_entity: { id: credential.id } }),
        aborted,
        streamed: ctx.responseMode === 'stream',
        ...(ctx.failure !== undefined && { failure: ctx.failure }),
        ...(attempts && { attempts }),
        ...(requestTrace && { traceId: requestTrace.traceId }),
      });
    });
  }
}

function round(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}
