import { waitUntil } from '../cluster/wait-until.js';
import type { StandaloneGateway } from './standalone-gateway.js';

/** Kong's `ai.proxy` analytics of one request, as the access log line carries them. */
export interface AiProxyLogReading {
  readonly meta: Readonly<Record<string, unknown>>;
  readonly usage: {
    readonly prompt_tokens: number;
    readonly completion_tokens: number;
    readonly total_tokens: number;
    readonly time_per_token: number;
    readonly cost: number;
  };
}

/**
 * The `ai.proxy` entries of the access log lines of the requests to `path`, oldest first, once
 * `count` of them are written (each line is written just after its response).
 */
export function aiProxyLogsOf(
  gateway: StandaloneGateway,
  path: string,
  count: number,
): Promise<AiProxyLogReading[]> {
  return waitUntil(
    `${count} ai.proxy log entries of ${path}`,
    () => {
      const entries = gateway
        .accessLog()
        .filter((entry) => entry['path'] === path)
        .map(
          (entry) => (entry['log'] as Record<string, unknown> | undefined)?.['ai.proxy'] as AiProxyLogReading,
        )
        .filter((entry) => entry !== undefined);
      return entries.length >= count ? entries : undefined;
    },
    { timeoutMs: 3_000 },
  );
}

/** The value of the sample whose line starts with `series` (name and labels), or undefined. */
export function metricSample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

/** What `/metrics` counts of one provider and model's AI requests (Kong's `ai_llm_*` series). */
export interface AiMetricsReading {
  readonly requests: number;
  readonly prompt_tokens: number;
  readonly completion_tokens: number;
  readonly total_tokens: number;
  readonly cost: number;
}

/** The label set of one provider and model's AI series, for requests no consumer made. */
function aiLabels(provider: string, model: string): string {
  return `ai_provider="${provider}",ai_model="${model}",cache_status="",vector_db="",embeddings_provider="",embeddings_model="",workspace="default",consumer=""`;
}

/** The AI counters of `/metrics` text for one label set (0 for a series not counted yet). */
function readAiMetrics(text: string, labels: string): AiMetricsReading {
  const tokens = (type: string) =>
    metricSample(text, `kong_ai_llm_tokens_total{${labels},token_type="${type}"}`) ?? 0;
  return {
    requests: metricSample(text, `kong_ai_llm_requests_total{${labels}}`) ?? 0,
    prompt_tokens: tokens('prompt_tokens'),
    completion_tokens: tokens('completion_tokens'),
    total_tokens: tokens('total_tokens'),
    cost: metricSample(text, `kong_ai_llm_cost_total{${labels}}`) ?? 0,
  };
}

/**
 * The AI counters of a standalone gateway's `/metrics` for `provider` and `model` as they are
 * now (requests no consumer made), for comparing before and after a request.
 */
export async function aiCountersOf(
  gateway: StandaloneGateway,
  provider: string,
  model: string,
): Promise<AiMetricsReading> {
  const text = await (await fetch(`${gateway.statusUrl}/metrics`)).text();
  return readAiMetrics(text, aiLabels(provider, model));
}

/**
 * The AI counters of a standalone gateway's `/metrics` for `provider` and `model`, of requests
 * no consumer made (`consumer=""`), once they count `requests` requests (each is recorded just
 * after its response).
 */
export function aiMetricsOf(
  gateway: StandaloneGateway,
  provider: string,
  model: string,
  requests: number,
): Promise<AiMetricsReading> {
  return waitUntil(
    `${requests} ${provider}/${model} requests on /metrics`,
    async () => {
      const reading = await aiCountersOf(gateway, provider, model);
      return reading.requests === requests ? reading : undefined;
    },
    { timeoutMs: 3_000 },
  );
}
