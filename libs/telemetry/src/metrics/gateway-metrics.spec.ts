import { describe, expect, it } from 'vitest';
import { GatewayMetrics } from './gateway-metrics.js';
import type { MeteredRequest } from './metered-request.js';

const AI_LABELS =
  'ai_provider="openai",ai_model="gpt-4o",cache_status="",vector_db="",embeddings_provider="",embeddings_model="",workspace="default"';
/** The AI counters' labels: Kong's, plus the consumer (none here). */
const AI_COUNTER_LABELS = `${AI_LABELS},consumer=""`;

function aiRequest(overrides: Partial<MeteredRequest> = {}, responseModel = 'gpt-4o'): MeteredRequest {
  return {
    status: 200,
    routeId: 'route-1',
    serviceId: 'service-1',
    latency: { total: 120, upstream: 100, ttfb: 110 },
    log: {
      'ai.proxy': {
        meta: {
          plugin_id: 'plugin-1',
          provider_name: 'openai',
          request_model: 'gpt-4',
          response_model: responseModel,
          llm_latency: 300,
        },
        usage: {
          prompt_tokens: 25,
          completion_tokens: 12,
          total_tokens: 37,
          time_per_token: 25,
          cost: 0.00037,
        },
      },
    },
    ...overrides,
  };
}

/** The exposition lines of `name` (a sample name), without HELP/TYPE. */
async function samples(metrics: GatewayMetrics, name: string): Promise<string[]> {
  const text = await metrics.metrics();
  return text.split('\n').filter((line) => line.startsWith(`${name}{`) || line.startsWith(`${name} `));
}

describe('GatewayMetrics', () => {
  it('counts Kong AI requests, tokens by type and cost, labelled by provider and response model', async () => {
    const metrics = new GatewayMetrics();
    metrics.record(aiRequest());
    metrics.record(aiRequest());

    expect(await samples(metrics, 'kong_ai_llm_requests_total')).toEqual([
      `kong_ai_llm_requests_total{${AI_COUNTER_LABELS}} 2`,
    ]);
    expect(await samples(metrics, 'kong_ai_llm_tokens_total')).toEqual([
      `kong_ai_llm_tokens_total{${AI_COUNTER_LABELS},token_type="prompt_tokens"} 50`,
      `kong_ai_llm_tokens_total{${AI_COUNTER_LABELS},token_type="completion_tokens"} 24`,
      `kong_ai_llm_tokens_total{${AI_COUNTER_LABELS},token_type="total_tokens"} 74`,
    ]);
    expect(await samples(metrics, 'kong_ai_llm_cost_total')).toEqual([
      `kong_ai_llm_cost_total{${AI_COUNTER_LABELS}} 0.00074`,
    ]);
  });

  it("counts the LLM calls of every AI plugin's analytics entry (ai.*) under the request's consumer, as Kong's exporter walks `ai`", async () => {
    const metrics = new GatewayMetrics();
    const proxyLabels = `${AI_LABELS},consumer="alice"`;
    const transformerLabels = proxyLabels.replace('openai', 'anthropic').replace('gpt-4o', 'claude-3-haiku');
    const proxied = aiRequest({ consumer: { id: 'id-alice', username: 'alice' } });
    metrics.record({
      ...proxied,
      log: {
        ...proxied.log,
        'ai.ai-request-transformer': {
          meta: {
            plugin_id: 'plugin-2',
            provider_name: 'anthropic',
            request_model: 'claude-3-haiku',
            response_model: 'claude-3-haiku',
            llm_latency: 200,
          },
          usage: { prompt_tokens: 40, completion_tokens: 25, total_tokens: 65, time_per_token: 8, cost: 0.5 },
        },
        // Another plugin's namespace, not AI analytics: not counted.
        'acl.decision': {
          meta: { provider_name: 'x', request_model: 'y', response_model: 'y', llm_latency: 1 },
        },
      },
    });

    expect(await samples(metrics, 'kong_ai_llm_requests_total')).toEqual([
      `kong_ai_llm_requests_total{${proxyLabels}} 1`,
      `kong_ai_llm_requests_total{${transformerLabels}} 1`,
    ]);
    expect(await samples(metrics, 'kong_ai_llm_tokens_total')).toEqual([
      `kong_ai_llm_tokens_total{${proxyLabels},token_type="prompt_tokens"} 25`,
      `kong_ai_llm_tokens_total{${proxyLabels},token_type="completion_tokens"} 12`,
      `kong_ai_llm_tokens_total{${proxyLabels},token_type="total_tokens"} 37`,
      `kong_ai_llm_tokens_total{${transformerLabels},token_type="prompt_tokens"} 40`,
      `kong_ai_llm_tokens_total{${transformerLabels},token_type="completion_tokens"} 25`,
      `kong_ai_llm_tokens_total{${transformerLabels},token_type="total_tokens"} 65`,
    ]);
    expect(await samples(metrics, 'kong_ai_llm_cost_total')).toEqual([
      `kong_ai_llm_cost_total{${proxyLabels}} 0.00037`,
      `kong_ai_llm_cost_total{${transformerLabels}} 0.5`,
    ]);
  });

  it('observes time to first token for the proxied answer only, not for the calls plugins make', async () => {
    const metrics = new GatewayMetrics();
    const proxied = aiRequest({ streamed: true });
    const transformer = proxied.log['ai.proxy'] as Record<string, unknown>;
    metrics.record({ ...proxied, log: { ...proxied.log, 'ai.ai-response-transformer': transformer } });

    expect(await samples(metrics, 'switchyard_ai_time_to_first_token_ms_count')).toEqual([
      `switchyard_ai_time_to_first_token_ms_count{${AI_LABELS}} 1`,
    ]);
    expect(await samples(metrics, 'kong_ai_llm_requests_total')).toEqual([
      `kong_ai_llm_requests_total{${AI_COUNTER_LABELS}} 2`,
    ]);
  });

  it('labels by the requested model when the answer named none', async () => {
    const metrics = new GatewayMetrics();
    metrics.record(aiRequest({}, ''));

    expect(await samples(metrics, 'kong_ai_llm_requests_total')).toEqual([
      `kong_ai_llm_requests_total{${AI_COUNTER_LABELS.replace('gpt-4o', 'gpt-4')}} 1`,
    ]);
  });

  it('puts the provider latency in Kong buckets', async () => {
    const metrics = new GatewayMetrics();
    metrics.record(aiRequest());

    const lines = await samples(metrics, 'kong_ai_llm_provider_latency_ms_bucket');
    expect(lines[0]).toBe(`kong_ai_llm_provider_latency_ms_bucket{le="250",${AI_LABELS}} 0`);
    expect(lines[1]).toBe(`kong_ai_llm_provider_latency_ms_bucket{le="500",${AI_LABELS}} 1`);
    expect(lines.map((line) => line.match(/le="([^"]+)"/)![1])).toEqual([
      '250',
      '500',
      '1000',
      '2000',
      '4000',
      '8000',
      '16000',
      '32000',
      '60000',
      '+Inf',
    ]);
    expect(await samples(metrics, 'kong_ai_llm_provider_latency_ms_sum')).toEqual([
      `kong_ai_llm_provider_latency_ms_sum{${AI_LABELS}} 300`,
    ]);
  });

  it('observes time to first token for streamed AI answers only', async () => {
    const metrics = new GatewayMetrics();
    metrics.record(aiRequest({ streamed: true }));
    metrics.record(aiRequest({ streamed: false }));

    expect(await samples(metrics, 'switchyard_ai_time_to_first_token_ms_count')).toEqual([
      `switchyard_ai_time_to_first_token_ms_count{${AI_LABELS}} 1`,
    ]);
    expect(await samples(metrics, 'switchyard_ai_time_to_first_token_ms_sum')).toEqual([
      `switchyard_ai_time_to_first_token_ms_sum{${AI_LABELS}} 110`,
    ]);
  });

  it('labels HTTP series with the service and route names, else their ids, as Kong does', async () => {
    const metrics = new GatewayMetrics();
    const request = { status: 200, latency: { total: 1, upstream: 1, ttfb: 1 }, log: {} };
    metrics.record({ ...request, routeId: 'r-id', serviceId: 's-id', routeName: 'chat', serviceName: 'llm' });
    metrics.record({ ...request, routeId: 'r-id', serviceId: 's-id', routeName: null, serviceName: null });
    expect(await samples(metrics, 'kong_http_requests_total')).toEqual([
      'kong_http_requests_total{service="llm",route="chat",code="200",consumer=""} 1',
      'kong_http_requests_total{service="s-id",route="r-id",code="200",consumer=""} 1',
    ]);
  });

  it('counts HTTP requests by service, route and code, and their latencies, without AI series for plain requests', async () => {
    const metrics = new GatewayMetrics();
    const plain = {
      status: 200,
      routeId: 'r',
      serviceId: 's',
      latency: { total: 12, upstream: 8, ttfb: 9 },
      log: {},
    };
    metrics.record(plain);
    metrics.record(plain);
    metrics.record({ ...plain, status: 502, latency: { total: 3, upstream: null, ttfb: null } });
    metrics.record({ ...plain, serviceId: null });

    expect(await samples(metrics, 'kong_http_requests_total')).toEqual([
      'kong_http_requests_total{service="s",route="r",code="200",consumer=""} 2',
      'kong_http_requests_total{service="s",route="r",code="502",consumer=""} 1',
      'kong_http_requests_total{service="",route="r",code="200",consumer=""} 1',
    ]);
    expect(await samples(metrics, 'kong_request_latency_ms_count')).toEqual([
      'kong_request_latency_ms_count{service="s",route="r"} 3',
      'kong_request_latency_ms_count{service="",route="r"} 1',
    ]);
    expect(await samples(metrics, 'kong_upstream_latency_ms_count')).toEqual([
      'kong_upstream_latency_ms_count{service="s",route="r"} 2',
      'kong_upstream_latency_ms_count{service="",route="r"} 1',
    ]);
    expect(await samples(metrics, 'kong_upstream_latency_ms_sum')).toEqual([
      'kong_upstream_latency_ms_sum{service="s",route="r"} 16',
      'kong_upstream_latency_ms_sum{service="",route="r"} 8',
    ]);
    expect(await samples(metrics, 'kong_ai_llm_requests_total')).toEqual([]);
  });

  it('counts answers that failed after their status by service, route and reason, and nothing for others', async () => {
    const metrics = new GatewayMetrics();
    const streamed = {
      status: 200,
      routeId: 'r',
      serviceId: 's',
      latency: { total: 5, upstream: 1, ttfb: 2 },
      log: {},
    };
    metrics.record({ ...streamed, failure: 'stream_incomplete' });
    metrics.record({ ...streamed, failure: 'stream_incomplete' });
    metrics.record({ ...streamed, failure: 'stream_idle_timeout' });
    metrics.record(streamed);

    expect(await samples(metrics, 'switchyard_http_response_failures_total')).toEqual([
      'switchyard_http_response_failures_total{service="s",route="r",reason="stream_incomplete"} 2',
      'switchyard_http_response_failures_total{service="s",route="r",reason="stream_idle_timeout"} 1',
    ]);
    expect(await samples(metrics, 'kong_http_requests_total')).toEqual([
      'kong_http_requests_total{service="s",route="r",code="200",consumer=""} 4',
    ]);
  });

  it("labels request and AI counters with the consumer's username (else its id), and counts consumers past the limit as other", async () => {
    const metrics = new GatewayMetrics({ maxConsumerLabels: 2 });
    const consumers = [
      { id: 'id-alice', username: 'alice' },
      { id: 'id-nameless', username: null },
      { id: 'id-carol', username: 'carol' },
      { id: 'id-dave', username: 'dave' },
    ];
    for (const consumer of consumers) metrics.record(aiRequest({ routeId: 'r', serviceId: 's', consumer }));
    metrics.record(aiRequest({ routeId: 'r', serviceId: 's', consumer: consumers[0] }));
    metrics.record(aiRequest({ routeId: 'r', serviceId: 's' }));

    expect(await samples(metrics, 'kong_http_requests_total')).toEqual([
      'kong_http_requests_total{service="s",route="r",code="200",consumer="alice"} 2',
      'kong_http_requests_total{service="s",route="r",code="200",consumer="id-nameless"} 1',
      'kong_http_requests_total{service="s",route="r",code="200",consumer="other"} 2',
      'kong_http_requests_total{service="s",route="r",code="200",consumer=""} 1',
    ]);
    expect(await samples(metrics, 'kong_ai_llm_requests_total')).toEqual([
      `kong_ai_llm_requests_total{${AI_LABELS},consumer="alice"} 2`,
      `kong_ai_llm_requests_total{${AI_LABELS},consumer="id-nameless"} 1`,
      `kong_ai_llm_requests_total{${AI_LABELS},consumer="other"} 2`,
      `kong_ai_llm_requests_total{${AI_LABELS},consumer=""} 1`,
    ]);
    expect(await samples(metrics, 'kong_ai_llm_tokens_total')).toContain(
      `kong_ai_llm_tokens_total{${AI_LABELS},consumer="other",token_type="total_tokens"} 74`,
    );
    // The histograms stay per model: a consumer label would multiply their buckets.
    expect(await samples(metrics, 'kong_ai_llm_provider_latency_ms_count')).toEqual([
      `kong_ai_llm_provider_latency_ms_count{${AI_LABELS}} 6`,
    ]);
  });

  it('reports the served config version and the time of its swap, in seconds', async () => {
    const metrics = new GatewayMetrics();
    metrics.configSwapped(7, 1_700_000_000_500);

    expect(await samples(metrics, 'switchyard_config_version')).toEqual(['switchyard_config_version 7']);
    expect(await samples(metrics, 'switchyard_config_last_swap_timestamp_seconds')).toEqual([
      'switchyard_config_last_swap_timestamp_seconds 1700000000.5',
    ]);
  });

  it('counts the upstream attempts of a balanced request by target, and its failovers by target and reason', async () => {
    const metrics = new GatewayMetrics();
    const attempts = [
      { target: 'openai/gpt-4o', failedOver: 'http_500' },
      { target: 'anthropic/claude', failedOver: 'stream_error' },
      { target: 'bedrock/titan' },
    ];
    metrics.record(aiRequest({ attempts }));
    metrics.record(aiRequest({ attempts: [{ target: 'openai/gpt-4o' }] }));
    const route = 'service="service-1",route="route-1"';
    expect(await samples(metrics, 'switchyard_upstream_attempts_total')).toEqual([
      `switchyard_upstream_attempts_total{${route},target="openai/gpt-4o"} 2`,
      `switchyard_upstream_attempts_total{${route},target="anthropic/claude"} 1`,
      `switchyard_upstream_attempts_total{${route},target="bedrock/titan"} 1`,
    ]);
    expect(await samples(metrics, 'switchyard_upstream_failovers_total')).toEqual([
      `switchyard_upstream_failovers_total{${route},target="openai/gpt-4o",reason="http_500"} 1`,
      `switchyard_upstream_failovers_total{${route},target="anthropic/claude",reason="stream_error"} 1`,
    ]);
  });
});
