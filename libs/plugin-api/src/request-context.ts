import type { IncomingHttpHeaders } from 'node:http';
import type { ConsumerDirectory, ConsumerIdentity, CredentialIdentity } from './consumers.js';
import type { UpstreamFailover } from './failover.js';
import type { ClientFormat } from './ids.js';
import type { LlmUsage } from './llm-usage.js';

/** The request the client sent, as the proxy received it. */
export interface ClientRequest {
  readonly method: string;
  /** The path, without the query string. */
  readonly path: string;
  readonly query: URLSearchParams;
  /** Header names are lower case. */
  readonly headers: IncomingHttpHeaders;
  /** The whole body (read once, up to the proxy's limit). */
  readonly body: Buffer;
}

/** The request the proxy will send upstream; access handlers rewrite it. */
export interface UpstreamRequest {
  url: URL;
  /**
   * The query string sent upstream: the client's, parsed when first read. A plugin that removes
   * or adds a parameter (key-auth's `hide_credentials`) does it here; the service's URL and the
   * LLM core's provider URL are built with it. Once `url` is built or set, this is `url`'s own
   * `searchParams`.
   */
  readonly query: URLSearchParams;
  method: string;
  /** Header names are lower case; hop-by-hop headers are never forwarded. */
  headers: Record<string, string>;
  /**
   * The body sent upstream: the client's bytes, unless a plugin rewrote it (key-auth removing a
   * key it hides, an AI plugin's translation). The LLM core parses this, not the client's bytes.
   */
  body: Buffer | string;
  /**
   * Who is called, for error messages and telemetry (`openai`, or the service's name). The proxy
   * answers 502 "could not reach the <label> upstream ..." and 504 "the <label> upstream timed out".
   */
  label: string;
  /**
   * Timeouts of this call, in milliseconds, when a plugin sets them (`ai-proxy-advanced`'s
   * balancer); absent, the route's service's apply.
   */
  timeouts?: UpstreamTimeouts;
}

/** Kong's `connect_timeout`, `read_timeout` and `write_timeout`, in milliseconds. */
export interface UpstreamTimeouts {
  readonly connect: number;
  readonly read: number;
  readonly write: number;
}

/** How the proxy handles the upstream response. */
export type ResponseMode =
  /** Pass the body through as it comes, no handler involved (the default). */
  | 'passthrough'
  /** Read it whole, give it to `bufferedResponse` handlers, then send it. */
  | 'buffered'
  /** Send the head at once, then each chunk through the handlers' `StreamTransformer`s. */
  | 'stream';

/** Upstream status and headers, rewritable before they are sent. Header names are lower case. */
export interface ResponseHead {
  status: number;
  headers: Record<string, string | string[]>;
}

export interface BufferedResponse extends ResponseHead {
  body: Buffer;
}

/**
 * Rewrites a streamed body chunk by chunk. Created per request by `streamStart`; whatever it
 * returns is written and flushed at once.
 */
export interface StreamTransformer {
  /** One upstream chunk: the bytes to send now (empty for none). */
  transform(chunk: Buffer): Buffer | string;
  /** The upstream body ended: the last bytes to send. */
  end(): Buffer | string;
  /** The upstream failed mid-stream: the last bytes to send (an error event), after which the response ends. */
  fail(error: Error): Buffer | string;
}

/** A value an OpenTelemetry span attribute can hold. */
export type TraceAttributeValue = string | number | boolean | string[] | number[];

/**
 * What plugins tell the tracer about the upstream call (OpenTelemetry semantic conventions),
 * present on a request only when it is traced: a plugin that finds it absent skips the work.
 * The gateway starts the call's client span after the `access` phase, named `name` (else the
 * HTTP method), and sets these attributes on it when it ends, after the `log` phase: request
 * attributes belong in `access`, response ones wherever the answer is read.
 */
export interface UpstreamCallTrace {
  /** The client span's name (`chat gpt-4o`); set in `access`. */
  name: string | undefined;
  readonly attributes: Record<string, TraceAttributeValue>;
}

/**
 * A call a plugin makes itself during a request (an LLM sub-request of a transformer plugin),
 * traced as a client span of its own under the request's server span. Created per call by
 * `CallTracer.start`; the span ends with `end`, at the time it is called.
 */
export interface CallTrace {
  /** Attributes set on the span when it ends (the answer's: response model, token usage, ...). */
  readonly attributes: Record<string, TraceAttributeValue>;
  /** Adds this call's trace context (W3C `traceparent`) to the headers the call sends. */
  inject(headers: Record<string, string>): void;
  /**
   * The call is over: `status` is the HTTP status the callee answered with, when it answered;
   * `errorType` says how the call failed (`timeout`, `ECONNREFUSED`, ...), when it did.
   */
  end(outcome: CallOutcome): void;
}

/** How a traced call ended (see `CallTrace.end`). */
export interface CallOutcome {
  readonly status?: number;
  readonly errorType?: string;
}

/** What a traced call is, known when it starts. */
export interface TracedCall {
  /** The span's name (`chat gpt-4o`). */
  readonly name: string;
  readonly method: string;
  /** Where the call goes; the span records it without its query (some callees take keys there). */
  readonly url: URL;
  /** The request's attributes (GenAI conventions: operation, provider, model, parameters). */
  readonly attributes: Readonly<Record<string, TraceAttributeValue>>;
}

/**
 * Opens client spans for the calls plugins make themselves, under the request's server span,
 * without plugins seeing OpenTelemetry. Present on a request only when it is traced: a plugin
 * that finds it absent skips the work.
 */
export interface CallTracer {
  /** Starts the span of one call, now. */
  start(call: TracedCall): CallTrace;
}

/**
 * The LLM request of an AI route, parsed once from the client's body (`libs/llm` parses it for
 * the first plugin that asks). Plugins that run before `ai-proxy` read and change it (prompt
 * decorators, guards, templates); `ai-proxy` translates what is there when its turn comes.
 */
export interface LlmRequestState {
  /** The API shape the client speaks. */
  readonly format: ClientFormat;
  /** The client's JSON body: change it in place, or replace it. */
  body: Record<string, unknown>;
}

/** Timings of one request, in milliseconds since `startedAt`. */
export interface RequestTimings {
  /** `performance.now()` when the request arrived. */
  readonly startedAt: number;
  /** When the upstream call started and its response head arrived, and when the body ended. */
  upstreamStart?: number;
  upstreamHead?: number;
  /** First body bytes sent to the client. */
  firstByte?: number;
  end?: number;
}

/** The proxy's limits, from its settings: what a plugin that buffers, inflates or records an answer keeps to. */
export interface ProxyLimits {
  /**
   * The most bytes of one upstream answer held at once, after gzip decoding
   * (`PROXY_MAX_RESPONSE_BODY_BYTES`). The proxy reads a buffered answer only up to it; a plugin
   * that inflates or records an answer stops there.
   */
  readonly maxResponseBodyBytes: number;
}

/**
 * Everything about one proxied request, shared by the route's plugins. Created per request,
 * dropped after the log phase.
 */
export interface RequestContext {
  readonly request: ClientRequest;
  /** The matched route's id and name, and the values its regex path captured. */
  readonly route: { readonly id: string; readonly name: string | null };
  readonly service: { readonly id: string; readonly name: string | null } | null;
  readonly uriCaptures: Readonly<Record<string, string>>;
  /** The client's IP address (the connection's remote address), when the socket still knows it. */
  readonly clientAddress?: string;
  upstream: UpstreamRequest;
  /**
   * The consumers and credentials of the config this request is served on (absent in contexts
   * no config stands behind, such as an LLM call a plugin makes of its own).
   */
  readonly consumers?: ConsumerDirectory;
  /**
   * Who is calling, once an authentication plugin identified them (Kong's
   * `kong.client.authenticate`); absent until then, or on routes without one. From the plugin
   * after the one that set it, the chain is the consumer's: plugins scoped to this consumer
   * replace the route's (see the README's precedence rule). The access log, the metrics and the
   * trace record it.
   */
  consumer?: ConsumerIdentity;
  /**
   * The credential that identified `consumer`; absent when the consumer is the `anonymous`
   * one an authentication plugin fell back to.
   */
  credential?: CredentialIdentity;
  /** The LLM request, once an AI plugin parsed the body (see `LlmRequestState`). */
  llm?: LlmRequestState;
  responseMode: ResponseMode;
  /** Aborted when the client goes away; the upstream call is aborted with it. */
  readonly signal: AbortSignal;
  readonly timings: RequestTimings;
  /** The final response status, once known. */
  status?: number;
  /**
   * Why the answer failed after its status was sent, so that the status cannot say it: a short
   * reason (`upstream_broke_off`, `stream_idle_timeout`, `stream_incomplete`, ...). Set by the
   * gateway or a plugin that ended the answer with an error; the access log records it and the
   * metrics count it as a failure.
   */
  failure?: string;
  readonly limits: ProxyLimits;
  /**
   * Analytics entries for the log, by namespace (`ai.proxy` as Kong names it). Serialized into
   * the access log line after the response.
   */
  readonly log: Record<string, unknown>;
  /** The upstream call's trace annotations, when this request is traced (see `UpstreamCallTrace`). */
  readonly upstreamTrace?: UpstreamCallTrace;
  /** Traces the calls plugins make themselves, when this request is traced (see `CallTracer`). */
  readonly callTracer?: CallTracer;
  /**
   * How the request may fail over to another target, when a plugin set a policy in `access`
   * (see `UpstreamFailover`); absent, an upstream failure is the client's answer at once.
   */
  failover?: UpstreamFailover;
  /**
   * What the LLM answer used so far (see `LlmUsage`), set by the LLM core when it translates the
   * request (`ai-proxy`'s access); a plugin that runs before it reads it in `log`. Absent on
   * requests no LLM target handled.
   */
  llmUsage?: () => LlmUsage;
}
