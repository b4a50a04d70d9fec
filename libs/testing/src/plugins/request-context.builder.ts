import type { IncomingHttpHeaders } from 'node:http';
import type { ConsumerDirectory, RequestContext } from '@switchyard/plugin-api';

/** The request a test context stands for; everything is optional. */
export interface RequestContextOptions {
  readonly method?: string;
  /** Path and query string, e.g. `/chat?x=1`. Default `/openai/chat`. */
  readonly url?: string;
  readonly headers?: IncomingHttpHeaders;
  /** An object is sent as JSON, a string as is. */
  readonly body?: unknown;
  readonly uriCaptures?: Record<string, string>;
  /** `ctx.limits.maxResponseBodyBytes`; default 1 MiB. */
  readonly maxResponseBodyBytes?: number;
  /** `ctx.consumers`: the snapshot's consumers and credentials; default none. */
  readonly consumers?: ConsumerDirectory;
}

const NO_CONSUMERS: ConsumerDirectory = { find: () => undefined, findKeyAuth: () => undefined };

/**
 * A request context as the gateway builds it before the plugins' `access`: a JSON request to a
 * route (`route-1`) of a service (`service-1`, upstream `http://service.test`), the client's
 * headers forwarded upstream, nothing logged or traced yet. For plugin and core specs.
 */
export function buildRequestContext(options: RequestContextOptions = {}): RequestContext {
  const url = new URL(options.url ?? '/openai/chat', 'http://proxy.test');
  const body =
    options.body === undefined
      ? Buffer.alloc(0)
      : Buffer.from(typeof options.body === 'string' ? options.body : JSON.stringify(options.body));
  const headers: IncomingHttpHeaders = { 'content-type': 'application/json', ...options.headers };
  const forwarded: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) forwarded[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return {
    request: {
      method: options.method ?? 'POST',
      path: url.pathname,
      query: new URLSearchParams(url.searchParams),
      headers,
      body,
    },
    route: { id: 'route-1', name: null },
    service: { id: 'service-1', name: 'llm' },
    uriCaptures: options.uriCaptures ?? {},
    clientAddress: '127.0.0.1',
    consumers: options.consumers ?? NO_CONSUMERS,
    upstream: {
      url: new URL(`http://service.test${url.pathname}${url.search}`),
      // As the gateway's: the URL's own parameters once it exists.
      get query() {
        return this.url.searchParams;
      },
      method: options.method ?? 'POST',
      headers: forwarded,
      body,
      label: 'llm',
    },
    responseMode: 'passthrough',
    signal: new AbortController().signal,
    timings: { startedAt: performance.now() },
    log: {},
    limits: { maxResponseBodyBytes: options.maxResponseBodyBytes ?? 1024 * 1024 },
  };
}
