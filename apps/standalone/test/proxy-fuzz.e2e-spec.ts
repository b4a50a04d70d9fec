import type { OutgoingHttpHeaders } from 'node:http';
import { gunzipSync } from 'node:zlib';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  MOCK_PROVIDER_API_KEY,
  SeededRandom,
  addAiProxyRoute,
  fuzzSeed,
  nodeRequest,
  startEchoUpstream,
  startMockProvider,
  startStandaloneGateway,
  waitUntilServed,
  type EchoUpstream,
  type MockProviderBehaviour,
  type MockProviderServer,
  type StandaloneGateway,
} from '@switchyard/testing';

const SEED = fuzzSeed('PROXY_FUZZ_SEED');
/** Batches of requests sent at once, each batch against one upstream behaviour. */
const BATCHES = 40;
const BATCH_SIZE = 4;
/** The service's read_timeout: hanging and dripping upstreams end within it. */
const READ_TIMEOUT_MS = 600;
/** Longer than any request may take: one that takes longer is a hang. */
const REQUEST_DEADLINE_MS = 8000;
const MIB = 1024 * 1024;

/** How the mock providers misbehave for one batch (upstream 500s are left out: every 500 is the gateway's). */
const FAULTS: readonly MockProviderBehaviour[] = [
  {},
  {},
  { status: 429 },
  { status: 503, body: '<html><body>unavailable</body></html>' },
  { status: 400 },
  { status: 200, body: '<html><body>maintenance</body></html>' },
  { status: 200, body: 'garbage\n\nmore garbage\n\n', contentType: 'text/event-stream' },
  { status: 200, body: 'data: {not json\n\n', contentType: 'text/event-stream' },
  { badBody: true },
  { cutBodyAfterBytes: 7 },
  { failMidStreamAfter: 2 },
  { endStreamAfter: 3 },
  { dripIntervalMs: 5 },
  { gzip: true },
  { gzipBombBytes: 64 * MIB },
  { gzipBombBytes: 32 * MIB, status: 400 },
  { hang: true },
  { delayMs: 100 },
  { eventCount: 2000 },
];

const MODELS = [
  'gpt-4',
  'gpt-4o-mini',
  '模型',
  'gpt\r\nx-injected: 1',
  'nul\u0000',
  'é',
  '..',
  '',
  ' ',
  'm'.repeat(3000),
];
/** Header values `node:http` lets a client send (no CR, LF, NUL, nothing above Latin-1). */
const HEADER_MODELS = ['gpt-4', 'gpt-4o', 'é-latin1', '..', 'a/b', 'x'.repeat(300), ''];
const PATHS = [
  '/chat',
  '/chat',
  '/chat/chat/completions',
  '/chat?api-version=1&x=%00',
  '/fixed',
  '/m/chat/x',
  '/m/chat/x',
  '/m/..%2F_seen/x',
  '/m/../x',
  '/m/%2e%2e/x',
  '/m/a%00b/x',
  '/m/%ff%fe/x',
  '/cohere',
  '/preserve/v1/chat/completions',
  '/preserve/../../etc',
  '/echo/anything',
  '/nowhere',
  `/chat/${'a'.repeat(3000)}`,
  '/chat/%',
];

/** One request of the fuzz, built from the seed before anything is sent. */
interface FuzzRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: OutgoingHttpHeaders;
  readonly body: string | Buffer | undefined;
}

function nested(depth: number): string {
  return `${'['.repeat(depth)}${']'.repeat(depth)}`;
}

function craftBody(random: SeededRandom): string | Buffer | undefined {
  const messages = [{ role: 'user', content: 'What is 1+1?' }];
  // Mostly a model, from good names and hostile ones: the `/chat` route takes the body's.
  const model = random.chance(0.8) ? { model: random.pick(MODELS) } : {};
  switch (random.int(11)) {
    case 0:
      return JSON.stringify({ ...model, messages, stream: random.chance(0.5) });
    case 1:
      return JSON.stringify({ ...model, messages, stream: true, stream_options: { include_usage: true } });
    case 2:
      return `{"model":${JSON.stringify(random.pick(MODELS))},"messages":${JSON.stringify(messages)},"metadata":${nested(random.pick([10, 64, 65, 5000]))}}`;
    case 3:
      return random.pick(['{"messages": [', '', 'null', '[]', '"x"']);
    case 4:
      return random.chance(0.5)
        ? undefined
        : Buffer.from(Array.from({ length: random.int(512) }, () => random.int(256)));
    case 5:
      return JSON.stringify({ ...model, messages, prompt: 'both' });
    case 6:
      return JSON.stringify({
        ...model,
        messages: [{ role: 'user', content: 'x'.repeat(random.pick([1000, 70_000, 300_000])) }],
      });
    case 7:
      return JSON.stringify({
        ...model,
        messages,
        tools: [
          {
            type: 'function',
            function: { name: 'f', parameters: JSON.parse(`{"a":${'{"b":'.repeat(20)}{}${'}'.repeat(20)}}`) },
          },
        ],
        tool_choice: 'auto',
        parallel_tool_calls: true,
        user: 'fuzz',
      });
    case 8:
      return JSON.stringify({ ...model, messages: [{ role: 'user', content: '\u0000\r\n模型 \ud800' }] });
    case 9:
      return JSON.stringify({ ...model, prompt: 'Say hi', stream: random.chance(0.3) });
    default:
      return JSON.stringify({
        ...model,
        messages,
        n: 2,
        max_tokens: random.pick([0, 1, -1, 1e9]),
        temperature: 'hot',
      });
  }
}

function craftHeaders(random: SeededRandom): OutgoingHttpHeaders {
  const headers: OutgoingHttpHeaders = {
    'content-type': random.pick([
      'application/json',
      'application/json',
      'text/plain',
      'multipart/form-data',
    ]),
  };
  if (random.chance(0.4))
    headers['accept-encoding'] = random.pick(['gzip', 'gzip, deflate, br', 'identity', 'br']);
  if (random.chance(0.15)) headers['content-encoding'] = random.pick(['gzip', 'br', 'identity']);
  if (random.chance(0.2)) {
    headers['connection'] = 'keep-alive, x-secret';
    headers['x-secret'] = 'hop';
  }
  if (random.chance(0.2)) headers['cookie'] = 'session=abc';
  if (random.chance(0.2)) headers['authorization'] = 'Bearer sk-client';
  if (random.chance(0.4)) headers['x-model'] = random.pick(HEADER_MODELS);
  if (random.chance(0.2)) headers['x-forwarded-for'] = '203.0.113.9';
  if (random.chance(0.1)) headers['kong-debug'] = '1';
  return headers;
}

function craftRequest(random: SeededRandom): FuzzRequest {
  return {
    method: random.pick(['POST', 'POST', 'POST', 'POST', 'GET', 'PUT']),
    path: random.pick(PATHS),
    headers: craftHeaders(random),
    body: craftBody(random),
  };
}

/** Crafted requests against broken upstreams: the proxy answers each in time and never fails itself. */
describe(`the proxy under a seeded fuzz (seed ${SEED})`, () => {
  let gateway: StandaloneGateway;
  let openai: MockProviderServer;
  let cohere: MockProviderServer;
  let echo: EchoUpstream;

  beforeAll(async () => {
    [openai, cohere, echo] = await Promise.all([
      startMockProvider('openai'),
      startMockProvider('cohere'),
      startEchoUpstream(),
    ]);
    gateway = await startStandaloneGateway();
    const { admin } = gateway;
    expect(
      (
        await admin.json('POST', '/services', {
          name: 'llm',
          url: 'http://localhost:32000',
          read_timeout: READ_TIMEOUT_MS,
        })
      ).status,
    ).toBe(201);
    expect((await admin.json('POST', '/services', { name: 'echo', url: echo.url })).status).toBe(201);
    expect((await admin.json('POST', '/services/echo/routes', { paths: ['/echo'] })).status).toBe(201);
    const openaiAuth = [
      'config.auth.header_name=Authorization',
      `config.auth.header_value=Bearer ${MOCK_PROVIDER_API_KEY}`,
    ];
    const routes: [string, string[], string[]][] = [
      [
        'chat',
        ['/chat'],
        [
          'config.route_type=llm/v1/chat',
          'config.model.provider=openai',
          ...openaiAuth,
          'config.max_request_body_size=400000',
          `config.model.options.upstream_url=${openai.url}/v1/chat/completions`,
        ],
      ],
      [
        'fixed',
        ['/fixed'],
        [
          'config.route_type=llm/v1/chat',
          'config.model.provider=openai',
          'config.model.name=gpt-4',
          ...openaiAuth,
          `config.model.options.upstream_url=${openai.url}/v1/chat/completions`,
        ],
      ],
      [
        'moded',
        ['~/m/(?<mode>[^/]+)/x$'],
        [
          'config.route_type=llm/v1/completions',
          'config.model.provider=openai',
          'config.model.name=$(headers.x-model)',
          ...openaiAuth,
          `config.model.options.upstream_url=${openai.url}/v1/$(uri_captures.mode)/completions`,
        ],
      ],
      [
        'preserve',
        ['/preserve'],
        [
          'config.route_type=preserve',
          'config.model.provider=openai',
          ...openaiAuth,
          'config.logging.log_statistics=true',
          `config.model.options.upstream_url=${openai.url}`,
        ],
      ],
      [
        'cohere',
        ['/cohere'],
        [
          'config.route_type=llm/v1/chat',
          'config.model.provider=cohere',
          'config.model.name=command-r',
          ...openaiAuth,
          `config.model.options.upstream_url=${cohere.url}/v1/chat`,
        ],
      ],
    ];
    for (const [name, paths, plugin] of routes)
      await addAiProxyRoute(admin, { service: 'llm', name, paths, plugin });
    // The last route created: once it is served, they all are.
    await waitUntilServed(gateway.proxyUrl, '/cohere');
  });

  afterAll(async () => {
    await gateway?.stop();
    await Promise.all([openai?.close(), cohere?.close(), echo?.close()]);
  });

  it('answers every request in time, never with a 500 of its own, and still serves afterwards', async () => {
    const random = new SeededRandom(SEED);
    const statuses = new Map<number, number>();
    const problems: string[] = [];

    for (let batch = 0; batch < BATCHES; batch += 1) {
      const fault = random.pick(FAULTS);
      openai.behaviour = fault;
      cohere.behaviour = fault;
      const requests = Array.from({ length: BATCH_SIZE }, () => craftRequest(random));
      await Promise.all(
        requests.map(async (request) => {
          const what = `batch ${batch} ${JSON.stringify(fault)} ${request.method} ${request.path.slice(0, 80)} ${JSON.stringify(request.headers)} (${request.body?.length ?? 'no'} body bytes)`;
          const started = performance.now();
          try {
            const answer = await nodeRequest(gateway.proxyUrl, {
              ...request,
              timeoutMs: REQUEST_DEADLINE_MS,
            });
            statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
            // Kong's one 500 of its own: an upstream 200 it cannot translate. Any other is a gateway failure.
            const text =
              answer.status === 500 && answer.headers['content-encoding'] === 'gzip'
                ? gunzipSync(answer.body).toString()
                : answer.text;
            if (answer.status === 500 && !text.includes('transformation failed from type'))
              problems.push(`${what}: 500 ${text.slice(0, 200)}`);
          } catch (error) {
            problems.push(
              `${what}: no answer after ${Math.round(performance.now() - started)} ms (${(error as Error).message})`,
            );
          }
        }),
      );
    }

    console.log(`proxy fuzz (seed ${SEED}): statuses ${JSON.stringify(Object.fromEntries(statuses))}`);
    expect(problems).toEqual([]);
    expect(gateway.process.output()).not.toContain('request failed unexpectedly');
    expect(gateway.process.child.exitCode).toBeNull();

    openai.reset();
    const sdk = new OpenAI({ baseURL: `${gateway.proxyUrl}/fixed`, apiKey: 'unused', maxRetries: 0 });
    const completion = await sdk.chat.completions.create({
      model: 'gpt-4',
      messages: [{ role: 'user', content: 'What is 1+1?' }],
    });
    expect(completion.choices[0]!.message.content).toBe('The answer to 1 + 1 is 2.');
  }, 55_000);
});
