import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  SwitchyardCluster,
  addOpenAiChatRoute,
  createTestDatabase,
  startMockProvider,
  uniqueTestName,
  waitUntil,
  type MockProviderServer,
  type TestDatabase,
} from '@switchyard/testing';

const REQUESTS = 40;
/** "What is 1 + 1?": the mock counts words as prompt tokens. */
const PROMPT_TOKENS = 5;
/** "The answer to 1 + 1 is 2." */
const COMPLETION_TOKENS = 8;
/** Per million tokens, in the route's currency. */
const INPUT_COST = 10;
const OUTPUT_COST = 20;
const AI_LABELS =
  'ai_provider="openai",ai_model="gpt-4",cache_status="",vector_db="",embeddings_provider="",embeddings_model="",workspace="default"';

/** POSTs a chat body on a connection of its own, so the cluster's round robin spreads the requests over the workers. */
function chatOnNewConnection(url: string): Promise<number> {
  const body = JSON.stringify({ messages: [{ role: 'user', content: 'What is 1 + 1?' }] });
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method: 'POST', agent: false, headers: { 'content-type': 'application/json' } },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** The value of the sample whose line starts with `series` (name and labels), or undefined. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('Prometheus metrics of a proxy with two workers (Postgres + Redis)', () => {
  let database: TestDatabase;
  let cluster: SwitchyardCluster;
  let openai: MockProviderServer;

  beforeAll(async () => {
    openai = await startMockProvider('openai');
    database = await createTestDatabase('metrics');
    cluster = await SwitchyardCluster.start({
      databaseUrl: database.url,
      redisPrefix: uniqueTestName('metrics'),
      proxies: 1,
      proxyEnv: { PROXY_WORKERS: '2' },
    });
  });

  afterAll(async () => {
    await cluster?.stop();
    await database?.drop();
    await openai?.close();
  });

  it('answers GET /metrics with the sums over both workers of the AI tokens, cost and requests', async () => {
    await addOpenAiChatRoute(cluster.admin, {
      service: 'ai',
      route: 'chat',
      path: '~/chat',
      upstreamUrl: `${openai.url}/v1/chat/completions`,
      config: [
        `config.model.options.input_cost=${INPUT_COST}`,
        `config.model.options.output_cost=${OUTPUT_COST}`,
        'config.logging.log_statistics=true',
      ],
    });
    const published = await cluster.waitUntilInSync();
    const [proxy] = cluster.proxies;

    const status = (await proxy!.status()) as unknown as { workers: { node_id: string }[] };
    expect(new Set(status.workers.map((worker) => worker.node_id)).size).toBe(2);

    for (let sent = 0; sent < REQUESTS; sent += 1) {
      expect(await chatOnNewConnection(`${proxy!.url}/chat`)).toBe(200);
    }

    // Each worker records a request just after its response: wait for the last ones to land.
    const requestsSeries = `kong_ai_llm_requests_total{${AI_LABELS},consumer=""}`;
    const text = await waitUntil(
      `${REQUESTS} AI requests on /metrics`,
      async () => {
        const scraped = await proxy!.metrics();
        return sample(scraped, requestsSeries) === REQUESTS ? scraped : undefined;
      },
      { timeoutMs: 5_000 },
    );

    const tokens = (type: string) =>
      sample(text, `kong_ai_llm_tokens_total{${AI_LABELS},consumer="",token_type="${type}"}`);
    expect(tokens('prompt_tokens')).toBe(REQUESTS * PROMPT_TOKENS);
    expect(tokens('completion_tokens')).toBe(REQUESTS * COMPLETION_TOKENS);
    expect(tokens('total_tokens')).toBe(REQUESTS * (PROMPT_TOKENS + COMPLETION_TOKENS));
    expect(sample(text, `kong_ai_llm_cost_total{${AI_LABELS},consumer=""}`)).toBeCloseTo(
      (REQUESTS * (PROMPT_TOKENS * INPUT_COST + COMPLETION_TOKENS * OUTPUT_COST)) / 1e6,
      12,
    );
    expect(sample(text, `kong_ai_llm_provider_latency_ms_count{${AI_LABELS}}`)).toBe(REQUESTS);
    expect(sample(text, 'kong_http_requests_total{service="ai",route="chat",code="200",consumer=""}')).toBe(
      REQUESTS,
    );
    expect(sample(text, 'switchyard_config_version')).toBe(published.version);
  });
});
