import type { IncomingMessage } from 'node:http';
import {
  propagation,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Attributes,
  type Context,
  type Span,
  type Tracer,
} from '@opentelemetry/api';
import type {
  AttemptFailure,
  CallOutcome,
  CallTrace,
  CallTracer,
  ConsumerIdentity,
  TraceAttributeValue,
  TracedCall,
  UpstreamCallTrace,
  UpstreamRequest,
} from '@switchyard/plugin-api';
import { upstreamErrorType } from './upstream-client.js';

/** Span times are epoch milliseconds; request timings are `performance.now()` readings. */
function epochMs(performanceNow: number): number {
  return performance.timeOrigin + performanceNow;
}

/** The plugins' attributes of one upstream attempt (`UpstreamCallTrace.attributes`), set aside. */
export type AttemptAttributes = Record<string, TraceAttributeValue>;

/** Where a request was routed, as its server span records it. */
export interface TracedRoute {
  readonly route: { readonly id: string; readonly name: string | null };
  readonly service: { readonly id: string; readonly name: string | null } | null;
}

/**
 * Starts the trace of each proxied request: a server span continuing the client's W3C
 * `traceparent` (a new trace without one). Only built when tracing is on; the request path
 * does no tracing work at all otherwise.
 */
export class ProxyTracer {
  constructor(private readonly tracer: Tracer) {}

  start(req: IncomingMessage, path: string, startedAt: number): RequestTrace {
    const parent = propagation.extract(ROOT_CONTEXT, req.headers);
    const method = req.method ?? 'GET';
    const attributes: Attributes = {
      'http.request.method': method,
      'url.path': path,
      'url.scheme': 'http',
      'network.protocol.version': req.httpVersion,
    };
    const host = req.headers.host;
    if (host) attributes['server.address'] = host.replace(/:\d+$/, '');
    if (req.socket.remoteAddress) attributes['client.address'] = req.socket.remoteAddress;
    const userAgent = req.headers['user-agent'];
    if (userAgent) attributes['user_agent.original'] = userAgent;
    const span = this.tracer.startSpan(
      method,
      { kind: SpanKind.SERVER, startTime: epochMs(startedAt), attributes },
      parent,
    );
    return new RequestTrace(this.tracer, method, span, trace.setSpan(parent, span));
  }
}

/** The attributes of a client span for an HTTP call to `url` (its query left out: some providers take their key there). */
function httpClientAttributes(method: string, url: URL): Attributes {
  return {
    'http.request.method': method,
    'server.address': url.hostname,
    'server.port': url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80,
    'url.full': `${url.origin}${url.pathname}`,
  };
}

/** Marks a client span failed when the callee answered an error status, or the call failed. */
function recordOutcome(span: Span, { status, errorType }: CallOutcome): void {
  if (status !== undefined) span.setAttribute('http.response.status_code', status);
  const failure = errorType ?? (status !== undefined && status >= 400 ? String(status) : undefined);
  if (failure === undefined) return;
  span.setAttribute('error.type', failure);
  span.setStatus({ code: SpanStatusCode.ERROR });
}

/**
 * One request's spans: the server span, and the client span of its upstream call, whose name
 * and GenAI attributes the plugins give through `upstream` (see `UpstreamCallTrace`). The client
 * span's context replaces the client's `traceparent` on the upstream request. Both spans end
 * when the response does, at the times the request's timings recorded. Calls the plugins make
 * themselves get client spans of their own through `calls`, each ended by its plugin.
 */
export class RequestTrace {
  /** Handed to the plugins as `ctx.upstreamTrace`; absent when the sampler dropped this trace. */
  readonly upstream: UpstreamCallTrace | undefined;
  /** Handed to the plugins as `ctx.callTracer`; absent when the sampler dropped this trace. */
  readonly calls: CallTracer | undefined;
  private client: Span | undefined;
  private upstreamStatus: number | undefined;

  constructor(
    private readonly tracer: Tracer,
    private readonly method: string,
    private readonly server: Span,
    private readonly serverContext: Context,
  ) {
    const recording = server.isRecording();
    this.upstream = recording ? { name: undefined, attributes: {} } : undefined;
    this.calls = recording ? { start: (call) => this.startCall(call) } : undefined;
  }

  /** The trace id, for the access log. */
  get traceId(): string {
    return this.server.spanContext().traceId;
  }

  routed({ route, service }: TracedRoute): void {
    if (route.name) this.server.updateName(`${this.method} ${route.name}`);
    this.server.setAttribute('switchyard.route.id', route.id);
    if (route.name) this.server.setAttribute('switchyard.route.name', route.name);
    if (service) {
      this.server.setAttribute('switchyard.service.id', service.id);
      if (service.name) this.server.setAttribute('switchyard.service.name', service.name);
    }
  }

  /**
   * The consumer an authentication plugin identified: OpenTelemetry's `enduser.id` (the
   * username, else the id, as the metrics label them) and the consumer's id.
   */
  identified(consumer: ConsumerIdentity): void {
    this.server.setAttribute('enduser.id', consumer.username ?? consumer.id);
    this.server.setAttribute('switchyard.consumer.id', consumer.id);
  }

  /**
   * An upstream call (one attempt of it) starts now: its client span begins, and its context goes
   * upstream in the headers. `target` is the failover policy's name for it, when there is one.
   */
  upstreamStarting(request: UpstreamRequest, startedAt: number, target?: string): void {
    // The plugins' attributes are set once, when the span ends (the samplers read none of them).
    const attributes = httpClientAttributes(request.method, request.url);
    if (target !== undefined) attributes['switchyard.upstream.target'] = target;
    this.client = this.tracer.startSpan(
      this.upstream?.name ?? request.method,
      { kind: SpanKind.CLIENT, startTime: epochMs(startedAt), attributes },
      this.serverContext,
    );
    propagation.inject(trace.setSpan(this.serverContext, this.client), request.headers);
  }

  /** The upstream's response head arrived. */
  upstreamAnswered(status: number): void {
    this.upstreamStatus = status;
  }

  /**
   * The attempt in flight failed and the request fails over to another: its client span ends
   * now, failed, with the reason (`error.type`, `switchyard.failover.reason`) and the plugins'
   * attributes `setAttemptAside` took for it.
   */
  upstreamFailedOver(
    failure: AttemptFailure,
    endedAt: number,
    attributes: AttemptAttributes | undefined,
  ): void {
    const client = this.client;
    this.client = undefined;
    this.upstreamStatus = undefined;
    if (!client) return;
    if (attributes) client.setAttributes(attributes);
    if (failure.status !== undefined) client.setAttribute('http.response.status_code', failure.status);
    client.setAttribute('error.type', failure.reason);
    client.setAttribute('switchyard.failover.reason', failure.reason);
    client.setStatus({ code: SpanStatusCode.ERROR, message: failure.message });
    client.end(epochMs(endedAt));
  }

  /**
   * Takes the plugins' attributes of the attempt that failed, leaving the record empty for the
   * next attempt's (see `upstreamFailedOver`, and `restoreAttempt` when there is none).
   */
  setAttemptAside(): AttemptAttributes | undefined {
    if (!this.upstream) return undefined;
    const attributes = { ...this.upstream.attributes };
    for (const key in this.upstream.attributes) delete this.upstream.attributes[key];
    return attributes;
  }

  /** No next attempt after all: the failed attempt's attributes are back, for its span's end. */
  restoreAttempt(attributes: AttemptAttributes | undefined): void {
    if (!this.upstream || !attributes) return;
    for (const key in this.upstream.attributes) delete this.upstream.attributes[key];
    Object.assign(this.upstream.attributes, attributes);
  }

  /** The upstream call failed (could not connect, timed out, broke off mid-body); `error.type` says how. */
  upstreamFailed(error: Error): void {
    if (!this.client) return;
    this.client.setAttribute('error.type', upstreamErrorType(error));
    this.client.setStatus({ code: SpanStatusCode.ERROR, message: error.message });
  }

  /** A call a plugin makes itself: a client span under the server span, from now until the plugin ends it. */
  private startCall(call: TracedCall): CallTrace {
    const span = this.tracer.startSpan(
      call.name,
      {
        kind: SpanKind.CLIENT,
        attributes: { ...httpClientAttributes(call.method, call.url), ...call.attributes },
      },
      this.serverContext,
    );
    const context = trace.setSpan(this.serverContext, span);
    const attributes: CallTrace['attributes'] = {};
    return {
      attributes,
      inject: (headers) => propagation.inject(context, headers),
      end: (outcome) => {
        span.setAttributes(attributes);
        recordOutcome(span, outcome);
        span.end();
      },
    };
  }

  /**
   * The response is complete (or the client went away) at `endedAt` (`performance.now()`): both
   * spans end. `failure` (`RequestContext.failure`) marks the server span failed whatever its status.
   */
  finish(status: number, endedAt: number, clientAborted: boolean, failure?: string): void {
    const end = epochMs(endedAt);
    const client = this.client;
    if (client) {
      if (this.upstream) client.setAttributes(this.upstream.attributes);
      if (this.upstreamStatus !== undefined) recordOutcome(client, { status: this.upstreamStatus });
      client.end(end);
    }
    const server = this.server;
    server.setAttribute('http.response.status_code', status);
    if (status >= 500 || failure !== undefined) {
      server.setAttribute('error.type', failure ?? String(status));
      server.setStatus({ code: SpanStatusCode.ERROR });
    }
    if (clientAborted) server.setAttribute('switchyard.client_aborted', true);
    server.end(end);
  }
}
