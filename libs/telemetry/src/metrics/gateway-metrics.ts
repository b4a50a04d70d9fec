import { Gauge, Registry } from 'prom-client';
import { BoundCounter, BoundHistogram, type CounterSeries, type HistogramSeries } from './bound-metrics.js';
import { BoundedLabelValues } from './bounded-label-values.js';
import type { MetricsSource } from './metrics-source.js';
import type { MeteredAiAnalytics, MeteredRateLimit, MeteredRequest } from './metered-request.js';
import { PairMap } from './pair-map.js';

/** Kong's `ai_llm_provider_latency_ms` buckets (`kong/plugins/prometheus/exporter.lua`). */
export const AI_LATENCY_BUCKETS_MS = [250, 500, 1000, 2000, 4000, 8000, 16000, 32000, 60000];

/** Kong's `request_latency_ms` / `upstream_latency_ms` buckets (`kong/plugins/prometheus/exporter.lua`). */
export const HTTP_LATENCY_BUCKETS_MS = [
  1, 2, 5, 7, 10, 15, 20, 25, 30, 40, 50, 60, 70, 80, 90, 100, 200, 300, 400, 500, 1000, 2000, 5000, 10000,
  30000, 60000,
];

/** Time-to-first-token buckets: finer at the low end, where a streamed answer's first token lands. */
export const TTFT_BUCKETS_MS = [50, 100, 250, 500, 1000, 2000, 4000, 8000, 16000, 32000, 60000];

// Kong's AI labels (`ai_provider`, `ai_model`, `cache_status`, `vector_db`, `embeddings_provider`,
// `embeddings_model`, `workspace`); Switchyard has no semantic cache, vector db or embeddings,
// so those are empty.
const WORKSPACE = 'default';
/** `ai-proxy`'s analytics: the proxied answer, the one the client's time to first token belongs to. */
const PROXY_ANALYTICS = 'ai.proxy';
/** Where `ai-rate-limiting-advanced` logs its decision (see `MeteredRateLimit`). */
const RATE_LIMIT_LOG = 'ai-rate-limiting-advanced';
/** Every AI plugin logs its LLM calls under `ai.<namespace>` (Kong's `ai` table of the log). */
const AI_ANALYTICS_PREFIX = 'ai.';

/** Kong's AI labels of one provider and model. */
function aiLabels(provider: string, model: string): Record<string, string> {
  return {
    ai_provider: provider,
    ai_model: model,
    cache_status: '',
    vector_db: '',
    embeddings_provider: '',
    embeddings_model: '',
    workspace: WORKSPACE,
  };
}

/** The histograms of one AI label set (no consumer label: buckets multiply series). */
interface AiModelHandles {
  readonly providerLatency: HistogramSeries;
  readonly timeToFirstToken: HistogramSeries;
  /** The counters of this label set by consumer label, created on first use. */
  readonly consumers: Map<string, AiConsumerHandles>;
}

/** The counters of one AI label set and consumer. */
interface AiConsumerHandles {
  readonly requests: CounterSeries;
  readonly cost: CounterSeries;
  readonly promptTokens: CounterSeries;
  readonly completionTokens: CounterSeries;
  readonly totalTokens: CounterSeries;
}

interface RouteHandles {
  readonly latency: HistogramSeries;
  readonly upstreamLatency: HistogramSeries;
  /** By status code and consumer label, created on first use. */
  readonly requests: PairMap<number, string, CounterSeries>;
  /** By failure reason, created on first use. */
  readonly failures: Map<string, CounterSeries>;
  /** Upstream attempts by target, and failovers by target and reason, created on first use. */
  readonly attempts: Map<string, CounterSeries>;
  readonly failovers: PairMap<string, string, CounterSeries>;
  /** Rate-limit decisions by decision and consumer label, created on first use. */
  readonly rateLimits: PairMap<string, string, CounterSeries>;
}

/** How a node's metrics are labelled. */
export interface GatewayMetricsOptions {
  /**
   * Distinct `consumer` label values this process keeps (`METRICS_MAX_CONSUMERS`); consumers
   * past them are counted as `other`. Default 100.
   */
  readonly maxConsumerLabels?: number;
}

/** `METRICS_MAX_CONSUMERS`'s default. */
export const DEFAULT_MAX_CONSUMER_LABELS = 100;

/**
 * A proxy node's Prometheus metrics, in its own `Registry` (one per process; a cluster primary
 * aggregates its workers' registries). Kong's names where Kong has the metric (`kong_` prefix),
 * `switchyard_` otherwise. `record` runs once per finished request: each label set's series is
 * bound on its first request and then updated in place (plain additions; prom-client reads the
 * series only when scraped). The request and AI counters carry a `consumer` label (Kong's
 * `per_consumer`): the consumer's username, else its id, empty without one, bounded by
 * `maxConsumerLabels` (`BoundedLabelValues`).
 */
export class GatewayMetrics implements MetricsSource {
  readonly registry = new Registry();
  private readonly consumerLabels: BoundedLabelValues;

  constructor(options: GatewayMetricsOptions = {}) {
    this.consumerLabels = new BoundedLabelValues(options.maxConsumerLabels ?? DEFAULT_MAX_CONSUMER_LABELS);
  }

  private readonly aiRequests = new BoundCounter('kong_ai_llm_requests_total', 'AI requests', this.registry);
  private readonly aiCost = new BoundCounter('kong_ai_llm_cost_total', 'AI requests cost', this.registry);
  private readonly aiTokens = new BoundCounter(
    'kong_ai_llm_tokens_total',
    'AI requests tokens',
    this.registry,
  );
  private readonly aiProviderLatency = new BoundHistogram(
    'kong_ai_llm_provider_latency_ms',
    'LLM response latency, in milliseconds',
    this.registry,
    AI_LATENCY_BUCKETS_MS,
  );
  private readonly aiTimeToFirstToken = new BoundHistogram(
    'switchyard_ai_time_to_first_token_ms',
    'Streamed AI answers: milliseconds from the request to its first byte to the client',
    this.registry,
    TTFT_BUCKETS_MS,
  );
  private readonly httpRequests = new BoundCounter(
    'kong_http_requests_total',
    'HTTP status codes per service/route',
    this.registry,
  );
  private readonly responseFailures = new BoundCounter(
    'switchyard_http_response_failures_total',
    'Answers that failed after their status was sent (a stream cut short, idle too long or unreadable), by reason',
    this.registry,
  );
  private readonly upstreamAttempts = new BoundCounter(
    'switchyard_upstream_attempts_total',
    'Upstream calls of requests with a failover policy (ai-proxy-advanced), by target',
    this.registry,
  );
  private readonly upstreamFailovers = new BoundCounter(
    'switchyard_upstream_failovers_total',
    'Upstream calls that failed before the client got anything and moved the request to another target, by target and reason',
    this.registry,
  );
  private readonly requestLatency = new BoundHistogram(
    'kong_request_latency_ms',
    'Total latency incurred during requests, in milliseconds',
    this.registry,
    HTTP_LATENCY_BUCKETS_MS,
  );
  private readonly upstreamLatency = new BoundHistogram(
    'kong_upstream_latency_ms',
    'Latency added by the upstream, in milliseconds',
    this.registry,
    HTTP_LATENCY_BUCKETS_MS,
  );
  private readonly rateLimitDecisions = new BoundCounter(
    'switchyard_ai_rate_limit_decisions_total',
    'ai-rate-limiting-advanced decisions (allowed, limited, counters_unreachable) per service/route and consumer',
    this.registry,
  );
  private readonly rateLimitRemaining = new Gauge({
    name: 'switchyard_ai_rate_limit_remaining',
    help: 'Tokens (or cost) left in a consumer’s window of a provider when its last request was checked (the lowest among a cluster’s workers)',
    labelNames: ['service', 'route', 'consumer', 'provider', 'window_size'],
    aggregator: 'min',
    registers: [this.registry],
  });
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

  /** By provider and model. */
  private readonly aiModelHandles = new PairMap<string, string, AiModelHandles>();
  /** By service and route label. */
  private readonly routeHandles = new PairMap<string, string, RouteHandles>();

  /**
   * Counts one finished request: its HTTP series, and the AI series of each LLM call it logged
   * statistics for (`ai.proxy`, and the calls plugins make themselves: `ai.ai-request-transformer`, ...).
   */
  record(request: MeteredRequest): void {
    // Kong labels by name, falling back to the route's id; a service without a name is its id here.
    const serviceLabel = request.serviceName ?? request.serviceId ?? '';
    const routeLabel = request.routeName ?? request.routeId ?? '';
    const consumer = request.consumer
      ? this.consumerLabels.labelOf(request.consumer.username ?? request.consumer.id)
      : '';
    const route = this.routeFor(serviceLabel, routeLabel);
    let requests = route.requests.get(request.status, consumer);
    if (!requests) {
      requests = this.httpRequests.bind({
        service: serviceLabel,
        route: routeLabel,
        code: String(request.status),
        consumer,
      });
      route.requests.set(request.status, consumer, requests);
    }
    requests.inc();
    if (request.failure !== undefined) this.failureOf(route, serviceLabel, routeLabel, request.failure).inc();
    if (request.attempts) this.recordAttempts(route, serviceLabel, routeLabel, request.attempts);
    route.latency.observe(request.latency.total);
    if (request.latency.upstream !== null) route.upstreamLatency.observe(request.latency.upstream);

    const rateLimit = request.log[RATE_LIMIT_LOG] as MeteredRateLimit | undefined;
    if (rateLimit) this.recordRateLimit(route, serviceLabel, routeLabel, consumer, rateLimit);

    // Kong's exporter walks every plugin's entry of the log's `ai` table.
    for (const namespace in request.log) {
      if (!namespace.startsWith(AI_ANALYTICS_PREFIX)) continue;
      const timings = this.recordLlmCall(request.log[namespace] as MeteredAiAnalytics | undefined, consumer);
      if (timings && namespace === PROXY_ANALYTICS && request.streamed && request.latency.ttfb !== null)
        timings.timeToFirstToken.observe(request.latency.ttfb);
    }
  }

  /**
   * One LLM call's AI series under the request's `consumer` label, when its entry carries
   * statistics; returns the histograms of its provider and model.
   */
  private recordLlmCall(
    analytics: MeteredAiAnalytics | undefined,
    consumer: string,
  ): AiModelHandles | undefined {
    const meta = analytics?.meta;
    if (!meta) return undefined;
    // Kong labels by the model that answered; the requested one stands in when the answer named none.
    const model = meta.response_model || meta.request_model;
    const timings = this.aiModelFor(meta.provider_name, model);
    timings.providerLatency.observe(meta.llm_latency);
    const ai =
      timings.consumers.get(consumer) ?? this.bindAiConsumer(timings, meta.provider_name, model, consumer);
    ai.requests.inc();
    const usage = analytics.usage;
    if (usage) {
      ai.promptTokens.inc(usage.prompt_tokens);
      ai.completionTokens.inc(usage.completion_tokens);
      ai.totalTokens.inc(usage.total_tokens);
      ai.cost.inc(usage.cost);
    }
    return timings;
  }

  /** A limiter's decision under the request's labels, and the room it saw left in each window. */
  private recordRateLimit(
    handles: RouteHandles,
    service: string,
    route: string,
    consumer: string,
    rateLimit: MeteredRateLimit,
  ): void {
    let decisions = handles.rateLimits.get(rateLimit.decision, consumer);
    if (!decisions) {
      decisions = this.rateLimitDecisions.bind({ service, route, consumer, decision: rateLimit.decision });
      handles.rateLimits.set(rateLimit.decision, consumer, decisions);
    }
    decisions.inc();
    for (const window of rateLimit.windows ?? []) {
      this.rateLimitRemaining.set(
        { service, route, consumer, provider: window.provider, window_size: String(window.window_size) },
        window.remaining,
      );
    }
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

  private aiModelFor(provider: string, model: string): AiModelHandles {
    let handles = this.aiModelHandles.get(provider, model);
    if (!handles) {
      const labels = aiLabels(provider, model);
      handles = {
        providerLatency: this.aiProviderLatency.bind(labels),
        timeToFirstToken: this.aiTimeToFirstToken.bind(labels),
        consumers: new Map(),
      };
      this.aiModelHandles.set(provider, model, handles);
    }
    return handles;
  }

  private bindAiConsumer(
    model: AiModelHandles,
    providerLabel: string,
    modelLabel: string,
    consumer: string,
  ): AiConsumerHandles {
    const labels = { ...aiLabels(providerLabel, modelLabel), consumer };
    const handles = {
      requests: this.aiRequests.bind(labels),
      cost: this.aiCost.bind(labels),
      promptTokens: this.aiTokens.bind({ ...labels, token_type: 'prompt_tokens' }),
      completionTokens: this.aiTokens.bind({ ...labels, token_type: 'completion_tokens' }),
      totalTokens: this.aiTokens.bind({ ...labels, token_type: 'total_tokens' }),
    };
    model.consumers.set(consumer, handles);
    return handles;
  }

  /** Each attempt under its target, and each failover under its target and reason. */
  private recordAttempts(
    handles: RouteHandles,
    service: string,
    route: string,
    attempts: NonNullable<MeteredRequest['attempts']>,
  ): void {
    for (const { target, failedOver } of attempts) {
      let attemptsOf = handles.attempts.get(target);
      if (!attemptsOf) {
        attemptsOf = this.upstreamAttempts.bind({ service, route, target });
        handles.attempts.set(target, attemptsOf);
      }
      attemptsOf.inc();
      if (failedOver === undefined) continue;
      let failovers = handles.failovers.get(target, failedOver);
      if (!failovers) {
        failovers = this.upstreamFailovers.bind({ service, route, target, reason: failedOver });
        handles.failovers.set(target, failedOver, failovers);
      }
      failovers.inc();
    }
  }

  private failureOf(handles: RouteHandles, service: string, route: string, reason: string): CounterSeries {
    let failures = handles.failures.get(reason);
    if (!failures) {
      failures = this.responseFailures.bind({ service, route, reason });
      handles.failures.set(reason, failures);
    }
    return failures;
  }

  private routeFor(service: string, route: string): RouteHandles {
    let handles = this.routeHandles.get(service, route);
    if (!handles) {
      handles = {
        latency: this.requestLatency.bind({ service, route }),
        upstreamLatency: this.upstreamLatency.bind({ service, route }),
        requests: new PairMap(),
        failures: new Map(),
        attempts: new Map(),
        failovers: new PairMap(),
        rateLimits: new PairMap(),
      };
      this.routeHandles.set(service, route, handles);
    }
    return handles;
  }
}
