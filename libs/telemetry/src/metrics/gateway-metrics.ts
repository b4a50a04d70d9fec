import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { MetricsSource } from './metrics-source.js';
import type { MeteredAiAnalytics, MeteredRequest } from './metered-request.js';

/** Kong's `ai_llm_provider_latency_ms` buckets (`kong/plugins/prometheus/exporter.lua`). */
export const AI_LATENCY_BUCKETS_MS = [250, 500, 1000, 2000, 4000, 8000, 16000, 32000, 60000];

/** Kong's `request_latency_ms` / `upstream_latency_ms` buckets (`kong/plugins/prometheus/exporter.lua`). */
export const HTTP_LATENCY_BUCKETS_MS = [
  1, 2, 5, 7, 10, 15, 20, 25, 30, 40, 50, 60, 70, 80, 90, 100, 200, 300, 400, 500, 1000, 2000, 5000, 10000,
  30000, 60000,
];

/** Time-to-first-token buckets: finer at the low end, where a streamed answer's first token lands. */
export const TTFT_BUCKETS_MS = [50, 100, 250, 500, 1000, 2000, 4000, 8000, 16000, 32000, 60000];

// Kong's AI labels; Switchyard has no semantic cache, vector db or embeddings, so those are empty.
const AI_LABELS = [
  'ai_provider',
  'ai_model',
  'cache_status',
  'vector_db',
  'embeddings_provider',
  'embeddings_model',
  'workspace',
] as const;
const WORKSPACE = 'default';
const AI_ANALYTICS = 'ai.proxy';

interface AiHandles {
  readonly requests: Counter.Internal;
  readonly cost: Counter.Internal;
  readonly providerLatency: Histogram.Internal<string>;
  readonly promptTokens: Counter.Internal;
  readonly completionTokens: Counter.Internal;
  readonly totalTokens: Counter.Internal;
  readonly timeToFirstToken: Histogram.Internal<string>;
}

interface RouteHandles {
  readonly latency: Histogram.Internal<string>;
  readonly upstreamLatency: Histogram.Internal<string>;
  /** By status code, created on first use. */
  readonly requests: Map<number, Counter.Internal>;
}

/**
 * A proxy node's Prometheus metrics, in its own `Registry` (one per process; a cluster primary
 * aggregates its workers' registries). Kong's names where Kong has the metric (`kong_` prefix),
 * `switchyard_` otherwise. `record` runs once per finished request: the labelled children are
 * created on a label set's first request and reused, so a request only adds to existing series.
 */
export class GatewayMetrics implements MetricsSource {
  readonly registry = new Registry();

  private readonly aiRequests = this.counter('kong_ai_llm_requests_total', 'AI requests', AI_LABELS);
  private readonly aiCost = this.counter('kong_ai_llm_cost_total', 'AI requests cost', AI_LABELS);
  private readonly aiTokens = this.counter('kong_ai_llm_tokens_total', 'AI requests tokens', [
    ...AI_LABELS,
    'token_type',
  ]);
  private readonly aiProviderLatency = new Histogram({
    name: 'kong_ai_llm_provider_latency_ms',
    help: 'LLM response latency, in milliseconds',
    labelNames: AI_LABELS,
    buckets: AI_LATENCY_BUCKETS_MS,
    registers: [this.registry],
  });
  private readonly aiTimeToFirstToken = new Histogram({
    name: 'switchyard_ai_time_to_first_token_ms',
    help: 'Streamed AI answers: milliseconds from the request to its first byte to the client',
    labelNames: AI_LABELS,
    buckets: TTFT_BUCKETS_MS,
    registers: [this.registry],
  });
  private readonly httpRequests = this.counter(
    'kong_http_requests_total',
    'HTTP status codes per service/route',
    ['service', 'route', 'code'],
  );
  private readonly requestLatency = this.latencyHistogram(
    'kong_request_latency_ms',
    'Total latency incurred during requests, in milliseconds',
  );
  private readonly upstreamLatency = this.latencyHistogram(
    'kong_upstream_latency_ms',
    'Latency added by the upstream, in milliseconds',
  );
  private readonly configVersion = new Gauge({
    name: 'switchyard_config_version',
    help: 'Version of the config snapshot served (the highest among a cluster’s workers)',
    aggregator: 'max',
    registers: [this.registry],
  });
  private readonly configSwappedAt = new Gauge({
    name: 'switchyard_config_last_swap_timestamp_seconds',
    help: 'Unix time of the last config swap, in seconds (the latest among a cluster’s workers)',
    aggregator: 'max',
    registers: [this.registry],
  });

  private readonly aiHandles = new Map<string, AiHandles>();
  private readonly routeHandles = new Map<string, RouteHandles>();

  /** Counts one finished request: its HTTP series, and its AI series when it carries `ai.proxy` statistics. */
  record(request: MeteredRequest): void {
    const route = this.routeFor(request.serviceId ?? '', request.routeId ?? '');
    let requests = route.requests.get(request.status);
    if (!requests) {
      requests = this.httpRequests.labels(
        request.serviceId ?? '',
        request.routeId ?? '',
        String(request.status),
      );
      route.requests.set(request.status, requests);
    }
    requests.inc();
    route.latency.observe(request.latency.total);
    if (request.latency.upstream !== null) route.upstreamLatency.observe(request.latency.upstream);

    const analytics = request.log[AI_ANALYTICS] as MeteredAiAnalytics | undefined;
    const meta = analytics?.meta;
    if (!meta) return;
    // Kong labels by the model that answered; the requested one stands in when the answer named none.
    const ai = this.aiFor(meta.provider_name, meta.response_model || meta.request_model);
    ai.requests.inc();
    ai.providerLatency.observe(meta.llm_latency);
    if (request.streamed && request.latency.ttfb !== null) ai.timeToFirstToken.observe(request.latency.ttfb);
    const usage = analytics.usage;
    if (!usage) return;
    ai.promptTokens.inc(usage.prompt_tokens);
    ai.completionTokens.inc(usage.completion_tokens);
    ai.totalTokens.inc(usage.total_tokens);
    ai.cost.inc(usage.cost);
  }

  /** Records a config swap: the version now served, and when (`Date.now()` milliseconds). */
  configSwapped(version: number, atMs: number = Date.now()): void {
    this.configVersion.set(version);
    this.configSwappedAt.set(atMs / 1000);
  }

  /** The `Content-Type` of `metrics()`'s text (Prometheus text format 0.0.4). */
  get contentType(): string {
    return this.registry.contentType;
  }

  /** The exposition text of this process's registry. */
  metrics(): Promise<string> {
    return this.registry.metrics();
  }

  private aiFor(provider: string, model: string): AiHandles {
    const key = `${provider}\n${model}`;
    let handles = this.aiHandles.get(key);
    if (!handles) {
      const labels = [provider, model, '', '', '', '', WORKSPACE] as const;
      handles = {
        requests: this.aiRequests.labels(...labels),
        cost: this.aiCost.labels(...labels),
        providerLatency: this.aiProviderLatency.labels(...labels),
        promptTokens: this.aiTokens.labels(...labels, 'prompt_tokens'),
        completionTokens: this.aiTokens.labels(...labels, 'completion_tokens'),
        totalTokens: this.aiTokens.labels(...labels, 'total_tokens'),
        timeToFirstToken: this.aiTimeToFirstToken.labels(...labels),
      };
      this.aiHandles.set(key, handles);
    }
    return handles;
  }

  private routeFor(service: string, route: string): RouteHandles {
    const key = `${service}\n${route}`;
    let handles = this.routeHandles.get(key);
    if (!handles) {
      handles = {
        latency: this.requestLatency.labels(service, route),
        upstreamLatency: this.upstreamLatency.labels(service, route),
        requests: new Map(),
      };
      this.routeHandles.set(key, handles);
    }
    return handles;
  }

  private counter<Label extends string>(
    name: string,
    help: string,
    labelNames: readonly Label[],
  ): Counter<Label> {
    return new Counter({ name, help, labelNames, registers: [this.registry] });
  }

  private latencyHistogram(name: string, help: string): Histogram<'service' | 'route'> {
    return new Histogram({
      name,
      help,
      labelNames: ['service', 'route'],
      buckets: HTTP_LATENCY_BUCKETS_MS,
      registers: [this.registry],
    });
  }
}
