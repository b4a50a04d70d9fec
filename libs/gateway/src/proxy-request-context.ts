import type { IncomingMessage } from 'node:http';
import type {
  CallTracer,
  ClientRequest,
  ConsumerDirectory,
  ConsumerIdentity,
  CredentialIdentity,
  LlmRequestState,
  LlmUsage,
  ProxyLimits,
  RequestContext,
  RequestTimings,
  ResponseMode,
  UpstreamCallTrace,
  UpstreamFailover,
  UpstreamRequest,
} from '@switchyard/plugin-api';
import type { Service } from '@switchyard/config';
import type { CallCancellation } from './upstream-call.js';

/**
 * The upstream request as the route's service would get it. Its URL is built only when read:
 * a plugin that sends the request elsewhere (ai-proxy does) never pays for it.
 */
export class ServiceUpstreamRequest implements UpstreamRequest {
  private target: URL | null | undefined;
  private pendingQuery: URLSearchParams | undefined;
  timeouts: UpstreamRequest['timeouts'] = undefined;

  constructor(
    private readonly service: Service | null,
    private readonly upstreamPath: string,
    private readonly rawQuery: string,
    public method: string,
    public headers: Record<string, string>,
    public body: Buffer | string,
    public label: string,
  ) {}

  /** Null when the route has no service and no plugin set a URL. */
  get url(): URL {
    if (this.target === undefined) {
      // A query a plugin touched is serialized again; an untouched one goes as the client sent it.
      const query = this.pendingQuery ? this.pendingQuery.toString() : this.rawQuery;
      this.target = this.service ? serviceUrl(this.service, this.upstreamPath, query) : null;
    }
    return this.target as URL;
  }

  /** The client's query until the URL exists; the URL's own parameters after. */
  get query(): URLSearchParams {
    if (this.target) return this.target.searchParams;
    return (this.pendingQuery ??= new URLSearchParams(this.rawQuery));
  }

  set url(value: URL) {
    this.target = value;
  }
}

function serviceUrl(
  service: { protocol: string; host: string; port: number },
  upstreamPath: string,
  rawQuery: string,
): URL {
  const scheme = service.protocol === 'https' || service.protocol === 'grpcs' ? 'https' : 'http';
  return new URL(
    `${scheme}://${service.host}:${service.port}${upstreamPath}${rawQuery ? `?${rawQuery}` : ''}`,
  );
}

/** The client's request, its query string parsed only when a plugin asks. */
export class IncomingClientRequest implements ClientRequest {
  private parsedQuery: URLSearchParams | undefined;

  constructor(
    readonly method: string,
    readonly path: string,
    private readonly rawQuery: string,
    readonly headers: IncomingMessage['headers'],
    readonly body: Buffer,
  ) {}

  get query(): URLSearchParams {
    return (this.parsedQuery ??= new URLSearchParams(this.rawQuery));
  }
}

/** What the proxy knows of a request when its plugins start (`RequestContext`'s fixed part). */
export interface ProxyRequestStart {
  readonly request: ClientRequest;
  readonly route: RequestContext['route'];
  readonly service: RequestContext['service'];
  readonly uriCaptures: RequestContext['uriCaptures'];
  readonly clientAddress: string | undefined;
  readonly upstream: UpstreamRequest;
  readonly consumers: ConsumerDirectory;
  readonly startedAt: number;
  readonly limits: ProxyLimits;
  readonly upstreamTrace: UpstreamCallTrace | undefined;
  readonly callTracer: CallTracer | undefined;
}

/**
 * One proxied request's `RequestContext`, with the proxy's side of the client going away
 * (`CallCancellation`): `leave()` cuts the upstream call off, and aborts `signal`, which is
 * created only when a plugin reads it (an `AbortController` and its listener cost each request
 * that never needs them).
 */
export class ProxyRequestContext implements RequestContext, CallCancellation {
  readonly request: ClientRequest;
  readonly route: RequestContext['route'];
  readonly service: RequestContext['service'];
  readonly uriCaptures: RequestContext['uriCaptures'];
  readonly clientAddress: string | undefined;
  upstream: UpstreamRequest;
  readonly consumers: ConsumerDirectory;
  consumer: ConsumerIdentity | undefined = undefined;
  credential: CredentialIdentity | undefined = undefined;
  llm: LlmRequestState | undefined = undefined;
  responseMode: ResponseMode = 'passthrough';
  readonly timings: RequestTimings;
  status: number | undefined = undefined;
  failure: string | undefined = undefined;
  readonly limits: ProxyLimits;
  readonly log: Record<string, unknown> = {};
  readonly upstreamTrace: UpstreamCallTrace | undefined;
  readonly callTracer: CallTracer | undefined;
  failover: UpstreamFailover | undefined = undefined;
  llmUsage: (() => LlmUsage) | undefined = undefined;
  /** True once the client went away (`leave()`). */
  cancelled = false;
  onCancel: (() => void) | undefined = undefined;
  private abortController: AbortController | undefined;

  constructor(start: ProxyRequestStart) {
    this.request = start.request;
    this.route = start.route;
    this.service = start.service;
    this.uriCaptures = start.uriCaptures;
    this.clientAddress = start.clientAddress;
    this.upstream = start.upstream;
    this.consumers = start.consumers;
    this.timings = { startedAt: start.startedAt };
    this.limits = start.limits;
    this.upstreamTrace = start.upstreamTrace;
    this.callTracer = start.callTracer;
  }

  get signal(): AbortSignal {
    if (!this.abortController) {
      this.abortController = new AbortController();
      if (this.cancelled) this.abortController.abort();
    }
    return this.abortController.signal;
  }

  /** The client went away: the upstream call in flight is cut off, and `signal` aborted. */
  leave(): void {
    if (this.cancelled) return;
    this.cancelled = true;
    this.abortController?.abort();
    this.onCancel?.();
  }
}
