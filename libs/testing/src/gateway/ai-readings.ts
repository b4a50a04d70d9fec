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

/** The `ai.proxy` entry of the latest access log line of a request to `path`, once it is written. */
export function aiProxyLogOf(gateway: StandaloneGateway, path: string): Promise<AiProxyLogReading> {
  return waitUntil(
    `the ai.proxy log entry of ${path}`,
    () => {
      const line = gateway
        .accessLog()
        .filter((entry) => entry['path'] === path)
        .at(-1);
      const log = line?.['log'] as Record<string, unknown> | undefined;
      return log?.['ai.proxy'] as AiProxyLogReading | undefined;
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

/**
 * The AI counters of a standalone gateway's `/metrics` for `provider` and `model`, once they
 * count `requests` requests (each is recorded just after its response).
 */
export function aiMetricsOf(
  gateway: StandaloneGateway,
  provider: string,
  model: string,
  requests: number,
): Promise<AiMetricsReading> {
  const labels = `ai_provider="${provider}",ai_model="${model}",cache_status="",vector_db="",embeddings_provider="",embeddings_model="",workspace="default"`;
  return waitUntil(
    `${requests} ${provider}/${model} requests on /metrics`,
    async () => {
      const text = await (await fetch(`${gateway.statusUrl}/metrics`)).text();
      if (metricSample(text, `kong_ai_llm_requests_total{${labels}}`) !== requests) return undefined;
      const tokens = (type: string) =>
        metricSample(text, `kong_ai_llm_tokens_total{${labels},token_type="${type}"}`) ?? 0;
      return {
        requests,
        prompt_tokens: tokens('prompt_tokens'),
        completion_tokens: tokens('completion_tokens'),
        total_tokens: tokens('total_tokens'),
        cost: metricSample(text, `kong_ai_llm_cost_total{${labels}}`) ?? 0,
      };
    },
    { timeoutMs: 3_000 },
  );
}
