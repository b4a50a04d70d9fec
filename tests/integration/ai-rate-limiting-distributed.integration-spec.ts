import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  FlakyTcpProxy,
  MOCK_PROVIDER_API_KEY,
  SwitchyardCluster,
  TEST_REDIS_URL,
  createTestDatabase,
  startMockProvider,
  uniqueTestName,
  type AdminClient,
  type MockProviderServer,
  type TestDatabase,
} from '@switchyard/testing';

const LIMIT = 1_000;
/** Each request: 5 prompt words (the mock counts a token a word, as Kong's estimate does) + 20 completion tokens. */
const PROMPT = 'please count these five words';
const REQUEST_TOKENS = 5 + 20;

async function created(admin: AdminClient, path: string, body: Record<string, unknown>) {
  const response = await admin.json('POST', path, body);
  if (response.status !== 201) throw new Error(`POST ${path} answered ${response.status}: ${response.text}`);
  return response.body as Record<string, unknown>;
}

/** A route `/<name>` to the mock with `ai-proxy` and the given `ai-rate-limiting-advanced` config. */
async function limitedRoute(
  admin: AdminClient,
  openaiUrl: string,
  name: string,
  limiter: Record<string, unknown>,
) {
  await created(admin, '/services/rl-llm/routes', { name, paths: [`/${name}`] });
  await created(admin, `/routes/${name}/plugins`, { name: 'key-auth' });
  await created(admin, `/routes/${name}/plugins`, {
    name: 'ai-proxy',
    config: {
      route_type: 'llm/v1/chat',
      auth: { header_name: 'Authorization', header_value: `Bearer ${MOCK_PROVIDER_API_KEY}` },
      model: {
        provider: 'openai',
        name: 'gpt-4o',
        options: { upstream_url: `${openaiUrl}/v1/chat/completions` },
      },
    },
  });
  return created(admin, `/routes/${name}/plugins`, { name: 'ai-rate-limiting-advanced', config: limiter });
}

/** Sends one chat request to `url`; its status, headers and body. */
async function chat(url: string, key: string, body: Record<string, unknown> = {}) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', apikey: key },
    body: JSON.stringify({
      model: 'gpt-4o',
      max_tokens: 20,
      messages: [{ role: 'user', content: PROMPT }],
      ...body,
    }),
    signal: AbortSignal.timeout(5_000),
  });
  return {
    status: response.status,
    headers: response.headers,
    body: (await response.json()) as Record<string, unknown>,
  };
}

/** Waits, if needed, until a fixed `size`-second window has at least `needed` seconds left. */
async function roomInWindow(size: number, needed: number): Promise<void> {
  const into = (Date.now() / 1000) % size;
  if (size - into < needed) await new Promise((resolve) => setTimeout(resolve, (size - into) * 1000 + 50));
}

describe('ai-rate-limiting-advanced across 3 proxy processes on one Redis', () => {
  let database: TestDatabase;
  let cluster: SwitchyardCluster;
  let openai: MockProviderServer;
  let redisLink: FlakyTcpProxy;
  const keys: Record<string, string> = {};
  const consumerIds: Record<string, string> = {};
  let minutePluginId = '';
  const redisPrefix = uniqueTestName('ai_rate_limiting');

  beforeAll(async () => {
    openai = await startMockProvider('openai', { record: false, behaviour: { eventCount: 40 } });
    database = await createTestDatabase('ai_rate_limiting');
    // The apps reach Redis through a link the tests can break; the harness reads Redis directly.
    redisLink = await FlakyTcpProxy.start(new URL(TEST_REDIS_URL));
    cluster = await SwitchyardCluster.start({
      databaseUrl: database.url,
      redisPrefix,
      appRedisUrl: redisLink.url,
      proxies: 3,
    });
    const { admin } = cluster;
    await created(admin, '/services', { name: 'rl-llm', url: 'http://localhost:32000' });
    const fixedMinute = {
      strategy: 'redis',
      window_type: 'fixed',
      llm_providers: [{ name: 'openai', limit: [LIMIT], window_size: [60] }],
    };
    minutePluginId = (await limitedRoute(admin, openai.url, 'rl-minute', fixedMinute))['id'] as string;
    await limitedRoute(admin, openai.url, 'rl-short', {
      strategy: 'redis',
      window_type: 'fixed',
      error_code: 402,
      error_message: 'Team budget spent for: ',
      llm_providers: [{ name: 'openai', limit: [60], window_size: [3] }],
    });
    await limitedRoute(admin, openai.url, 'rl-closed', {
      ...fixedMinute,
      redis_failure_policy: 'fail_closed',
    });
    for (const name of ['hammer', 'streamer', 'quitter', 'roller', 'outage']) {
      consumerIds[name] = (await created(admin, '/consumers', { username: name }))['id'] as string;
      keys[name] = `${name}-key`;
      await created(admin, `/consumers/${name}/key-auth`, { key: keys[name] });
    }
    await cluster.waitUntilInSync();
  }, 120_000);

  afterAll(async () => {
    await cluster?.stop();
    await redisLink?.close();
    await database?.drop();
    await openai?.close();
  });

  const urls = (route: string) => cluster.proxies.map((proxy) => `${proxy.url}/${route}/chat/completions`);

  it('lets 50 concurrent clients on 3 proxies spend one consumer’s 1,000 tokens a minute, never more than one request over', async () => {
    await roomInWindow(60, 30);
    openai.reset();
    const targets = urls('rl-minute');
    const statuses: number[] = [];
    const refusals: Awaited<ReturnType<typeof chat>>[] = [];
    await Promise.all(
      Array.from({ length: 50 }, async (_, client) => {
        for (let round = 0; round < 4; round++) {
          const answer = await chat(targets[client % targets.length]!, keys['hammer']!);
          statuses.push(answer.status);
          if (answer.status === 429) refusals.push(answer);
        }
      }),
    );
    const served = statuses.filter((status) => status === 200).length;
    expect(statuses.filter((status) => status !== 200 && status !== 429)).toEqual([]);
    expect(openai.tokensAnswered).toBe(served * REQUEST_TOKENS);
    expect(openai.tokensAnswered).toBeLessThanOrEqual(LIMIT + REQUEST_TOKENS);
    // Reservations are settled to exactly what they held: the limit is filled, not left idle.
    expect(openai.tokensAnswered).toBeGreaterThan(LIMIT - REQUEST_TOKENS);
    const refused = refusals[0]!;
    expect(refused.body).toEqual({ message: 'AI token rate limit exceeded for provider(s): openai' });
    expect(refused.headers.get('x-ai-ratelimit-limit-minute-openai')).toBe(String(LIMIT));
    expect(Number(refused.headers.get('x-ai-ratelimit-remaining-minute-openai'))).toBeLessThan(
      REQUEST_TOKENS,
    );
    const wait = Number(refused.headers.get('x-ai-ratelimit-retry-after-minute-openai'));
    expect(wait).toBeGreaterThan(0);
    expect(wait).toBeLessThanOrEqual(60);
    expect(refused.headers.get('x-ai-ratelimit-retry-after')).toBe(String(wait));
    expect(refused.headers.get('retry-after')).toBe(String(wait));
    // Each proxy counts its decisions, under the consumer's (bounded) label.
    const scraped = await Promise.all(cluster.proxies.map((proxy) => proxy.metrics()));
    const decisions = (decision: string) =>
      scraped.reduce((sum, text) => {
        const line = text
          .split('\n')
          .find(
            (row) =>
              row.startsWith('switchyard_ai_rate_limit_decisions_total{') &&
              row.includes('route="rl-minute",consumer="hammer"') &&
              row.includes(`decision="${decision}"`),
          );
        return sum + (line ? Number(line.split(' ').pop()) : 0);
      }, 0);
    expect(decisions('allowed')).toBe(served);
    expect(decisions('limited')).toBe(refusals.length);
    expect(scraped.join('\n')).toMatch(
      /switchyard_ai_rate_limit_remaining\{[^}]*route="rl-minute",consumer="hammer",provider="openai",window_size="60"\} \d+/,
    );
    // The Admin API reads the same counters: what the provider answered, once every answer settled.
    const usagePath = `/plugins/${minutePluginId}/usage?identifier=${consumerIds['hammer']}`;
    await expect
      .poll(async () => (await cluster.admin.get(usagePath)).body)
      .toEqual({
        plugin: minutePluginId,
        identifier: `consumer:${consumerIds['hammer']}`,
        strategy: 'redis',
        window_type: 'fixed',
        tokens_count_strategy: 'total_tokens',
        providers: [
          {
            name: 'openai',
            windows: [
              {
                window_size: 60,
                limit: LIMIT,
                usage: openai.tokensAnswered,
                remaining: LIMIT - openai.tokensAnswered,
                reset: expect.any(Number),
              },
            ],
          },
        ],
      });
  }, 60_000);

  it('charges a streamed answer its real usage, and a stream the client left what it was sent', async () => {
    await roomInWindow(60, 20);
    const [first, second] = urls('rl-minute');
    const client = new OpenAI({
      baseURL: `${cluster.proxies[0]!.url}/rl-minute`,
      apiKey: 'unused',
      defaultHeaders: { apikey: keys['streamer']! },
      maxRetries: 0,
    });
    const stream = await client.chat.completions.create({
      model: 'gpt-4o',
      max_tokens: 200,
      stream: true,
      stream_options: { include_usage: true },
      messages: [{ role: 'user', content: PROMPT }],
    });
    let usage: OpenAI.CompletionUsage | null | undefined;
    for await (const chunk of stream) usage ??= chunk.usage;
    expect(usage).toEqual(expect.objectContaining({ prompt_tokens: 5, completion_tokens: 40 }));
    // The next request's headers count what the stream really used (45), not the 205 it reserved.
    const probe = await chat(second!, keys['streamer']!);
    expect(probe.headers.get('x-ai-ratelimit-remaining-minute-openai')).toBe(
      String(LIMIT - 45 - REQUEST_TOKENS),
    );

    // A client that leaves a slow stream early is charged the part it was sent, not the 205 held.
    openai.behaviour = { eventCount: 40, eventIntervalMs: 100 };
    try {
      const abort = new AbortController();
      const response = await fetch(first!, {
        method: 'POST',
        headers: { 'content-type': 'application/json', apikey: keys['quitter']! },
        body: JSON.stringify({
          model: 'gpt-4o',
          max_tokens: 200,
          stream: true,
          messages: [{ role: 'user', content: PROMPT }],
        }),
        signal: abort.signal,
      });
      const reader = response.body!.getReader();
      let text = '';
      while ((text.match(/"content":"[^"]+"/g) ?? []).length < 5)
        text += new TextDecoder().decode((await reader.read()).value);
      abort.abort();
    } finally {
      openai.behaviour = { eventCount: 40 };
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
    const after = await chat(second!, keys['quitter']!);
    const charged =
      LIMIT - REQUEST_TOKENS - Number(after.headers.get('x-ai-ratelimit-remaining-minute-openai'));
    expect(charged).toBeGreaterThan(0);
    expect(charged).toBeLessThan(205 - 20);
  }, 30_000);

  it('rolls a short window over on time, with the configured error_code and error_message meanwhile', async () => {
    await roomInWindow(3, 2);
    const [url] = urls('rl-short');
    expect((await chat(url!, keys['roller']!)).status).toBe(200);
    expect((await chat(url!, keys['roller']!)).status).toBe(200);
    const refused = await chat(url!, keys['roller']!);
    expect(refused.status).toBe(402);
    expect(refused.body).toEqual({ message: 'Team budget spent for: openai' });
    const wait = Number(refused.headers.get('retry-after'));
    expect(wait).toBeGreaterThan(0);
    expect(wait).toBeLessThanOrEqual(3);
    await new Promise((resolve) => setTimeout(resolve, wait * 1000 + 100));
    const next = await chat(url!, keys['roller']!);
    expect(next.status).toBe(200);
    expect(next.headers.get('x-ai-ratelimit-remaining-3-openai')).toBe(String(60 - REQUEST_TOKENS));
  }, 20_000);

  it('with Redis paused, then cut, during load: fail_open serves, fail_closed refuses with 503, nothing hangs, limits hold again after', async () => {
    const open = urls('rl-minute');
    const closed = urls('rl-closed');
    /** 30 requests at once, half to each policy's route, over the 3 proxies: how each policy answered. */
    async function duringOutage() {
      const started = performance.now();
      const during = await Promise.all(
        Array.from({ length: 30 }, (_, i) => chat((i % 2 ? open : closed)[i % 3]!, keys['outage']!)),
      );
      // Every counter command gives up after 250 ms: no request waits on Redis longer.
      expect(performance.now() - started).toBeLessThan(3_000);
      return {
        open: during.filter((_, i) => i % 2 === 1).map((answer) => answer.status),
        closed: during.filter((_, i) => i % 2 === 0).map((answer) => answer.status),
      };
    }
    const expected = { open: Array(15).fill(200), closed: Array(15).fill(503) };
    redisLink.pause(); // a Redis that hangs: connections stay open, nothing is answered
    try {
      expect(await duringOutage()).toEqual(expected);
    } finally {
      redisLink.resume();
    }
    redisLink.cut(); // a Redis that is gone: connections dropped and refused
    try {
      expect(await duringOutage()).toEqual(expected);
    } finally {
      redisLink.restore();
    }
    // Each request let through uncounted is a counted warning on the proxy that served it.
    const scraped = (await Promise.all(cluster.proxies.map((proxy) => proxy.metrics()))).join('\n');
    expect(scraped).toMatch(
      /switchyard_ai_rate_limit_decisions_total\{[^}]*route="rl-minute",consumer="outage",decision="counters_unreachable"\} \d+/,
    );
    await roomInWindow(60, 20);
    // Once Redis is back, the consumer's minute is counted again on every proxy, up to its limit.
    await expect
      .poll(
        async () => (await chat(open[0]!, keys['outage']!)).headers.get('x-ai-ratelimit-limit-minute-openai'),
        { timeout: 10_000 },
      )
      .toBe(String(LIMIT));
    const statuses: number[] = [];
    for (let i = 0; i < 45; i++)
      statuses.push((await chat(open[i % 3]!, keys['outage']!, { max_tokens: 20 })).status);
    expect(statuses).toContain(429);
    expect(statuses.filter((status) => status === 200).length).toBeLessThanOrEqual(LIMIT / REQUEST_TOKENS);
  }, 40_000);
});
