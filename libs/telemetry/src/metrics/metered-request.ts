/**
 * What the metrics read from one finished proxy request: the fields of the gateway's access log
 * entry they need (a structural copy, so telemetry does not depend on the gateway).
 */
export interface MeteredRequest {
  /** The HTTP status the client got. */
  readonly status: number;
  readonly routeId: string | null;
  readonly serviceId: string | null;
  /** The route's and service's names; the `route` and `service` labels are the names, else the ids. */
  readonly routeName?: string | null;
  readonly serviceName?: string | null;
  /** In milliseconds: `total` for the whole request, `upstream` to the upstream's head, `ttfb` to the client's first byte. */
  readonly latency: {
    readonly total: number;
    readonly upstream: number | null;
    readonly ttfb: number | null;
  };
  /** The consumer an authentication plugin identified; the `consumer` label is its username, else its id. */
  readonly consumer?: { readonly id: string; readonly username: string | null };
  /**
   * The plugins' analytics; each `ai.*` entry (`ai.proxy`, `ai.ai-request-transformer`, ...) holds
   * Kong's AI analytics of one LLM call when its plugin logs statistics.
   */
  readonly log: Readonly<Record<string, unknown>>;
  /** Whether the answer was streamed to the client (server-sent events), so `ttfb` is the first token. */
  readonly streamed?: boolean;
  /**
   * Why the answer failed after its status was sent (a stream cut short, idle too long or
   * unreadable: `stream_incomplete`, `stream_idle_timeout`, ...), when it did.
   */
  readonly failure?: string;
  /**
   * The upstream attempts of a request with a failover policy (`ai-proxy-advanced`), in order:
   * each that failed over with its reason (`failedOver`), the last one without.
   */
  readonly attempts?: readonly { readonly target: string; readonly failedOver?: string }[];
}

/** The part of an `ai.*` log entry the metrics read (Kong's `serialize-analytics.lua` shape). */
export interface MeteredAiAnalytics {
  readonly meta?: {
    readonly provider_name: string;
    readonly request_model: string;
    readonly response_model: string;
    /** Milliseconds from the request reaching the plugin to the upstream's answer. */
    readonly llm_latency: number;
  };
  readonly usage?: {
    readonly prompt_tokens: number;
    readonly completion_tokens: number;
    readonly total_tokens: number;
    /** In the currency of the route's `input_cost` / `output_cost`. */
    readonly cost: number;
  };
}

/** The `ai-rate-limiting-advanced` log entry the metrics read: what the limiter decided, and the windows it saw. */
export interface MeteredRateLimit {
  /** `allowed`, `limited`, or `counters_unreachable` (the request went on or was refused by policy). */
  readonly decision: string;
  readonly windows?: readonly {
    readonly provider: string;
    readonly window_size: number;
    readonly remaining: number;
  }[];
}
