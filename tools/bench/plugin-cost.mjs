// The CPU each plugin adds to a request: one standalone gateway (access log on, statistics
// logged) serves one route per plugin set, every route ending in the same OpenAI ai-proxy to the
// mock upstream. Every route is warmed up, then takes the same c=32 load in turn, round after
// round; the gateway's CPU time per answered request is read from /proc each time. A route's
// figure is its median over the rounds (its range shows the noise); a plugin's cost is its
// route's median minus the plain ai-proxy route's.
//   npm run bench -- --plugin-cost   (about 1.5 minutes)
// The ai-proxy-advanced route balances over two OpenAI targets (no attempt fails).
// The ai-rate-limiting-advanced routes count every request in one caller's windows (a limit never
// reached), in the process's memory (`local`) or in Redis (`redis`: one Lua script to reserve and
// one to settle per request); the gateway runs on the local Redis under a prefix of its own.
// A transformer's figure includes its own model call (to a second mock, whose answer is a chat
// request body, so that ai-proxy can translate the transformed request).
import { rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import {
  MOCK_PROVIDER_API_KEY,
  TEST_REDIS_URL,
  curlData,
  deleteRedisKeys,
  startStandaloneGateway,
  waitUntilServed,
} from '../../libs/testing/dist/index.js';
import { runTask, startService, withStarted } from './children.mjs';
import { cpuMeter, waitForQuietMachine } from './proc-stats.mjs';

const WARMUP_SECONDS = 2;
const LOAD_SECONDS = 2;
const ROUNDS = 4;
const CONNECTIONS = 32;
const KEY = 'bench-plugin-cost-key';
const LOG_FILE = 'tmp/bench/plugin-cost.log';
const CHAT = { messages: [{ role: 'user', content: 'What is 1+1?' }] };

/** The ai-proxy of every route but one: OpenAI, statistics logged, to `upstreamUrl`. */
const openAiProxy = (upstreamUrl) => [
  'name=ai-proxy',
  'config.route_type=llm/v1/chat',
  'config.auth.header_name=Authorization',
  `config.auth.header_value=Bearer ${MOCK_PROVIDER_API_KEY}`,
  'config.model.provider=openai',
  'config.model.name=gpt-4',
  `config.model.options.upstream_url=${upstreamUrl}/v1/chat/completions`,
  'config.logging.log_statistics=true',
];

/** The same with Anthropic: the request and the answer translated. */
const anthropicProxy = (upstreamUrl) => [
  'name=ai-proxy',
  'config.route_type=llm/v1/chat',
  'config.auth.header_name=x-api-key',
  `config.auth.header_value=${MOCK_PROVIDER_API_KEY}`,
  'config.model.provider=anthropic',
  'config.model.name=claude-sonnet-4-5',
  'config.model.options.anthropic_version=2023-06-01',
  `config.model.options.upstream_url=${upstreamUrl}/v1/messages`,
  'config.logging.log_statistics=true',
];

/** ai-proxy-advanced with two OpenAI targets (the same mock), round-robin, the circuit breaker on. */
const balancedProxy = (upstreamUrl) => [
  'name=ai-proxy-advanced',
  'config.balancer.algorithm=round-robin',
  'config.balancer.max_fails=3',
  ...[1, 2].flatMap((index) => [
    `config.targets[${index}].route_type=llm/v1/chat`,
    `config.targets[${index}].auth.header_name=Authorization`,
    `config.targets[${index}].auth.header_value=Bearer ${MOCK_PROVIDER_API_KEY}`,
    `config.targets[${index}].model.provider=openai`,
    `config.targets[${index}].model.name=gpt-4`,
    `config.targets[${index}].model.options.upstream_url=${upstreamUrl}/v1/chat/completions`,
    `config.targets[${index}].logging.log_statistics=true`,
  ]),
];

/** A transformer's own model: OpenAI on the mock whose answer is a chat request. */
const transformerLlm = (llmUrl) => [
  'config.prompt=Return the request as it is.',
  'config.llm.route_type=llm/v1/chat',
  'config.llm.auth.header_name=Authorization',
  `config.llm.auth.header_value=Bearer ${MOCK_PROVIDER_API_KEY}`,
  'config.llm.model.provider=openai',
  'config.llm.model.name=gpt-4',
  `config.llm.model.options.upstream_url=${llmUrl}/v1/chat/completions`,
];

/** ai-rate-limiting-advanced per client IP, with a limit the load never reaches. */
const rateLimiter = (strategy) => [
  'name=ai-rate-limiting-advanced',
  `config.strategy=${strategy}`,
  'config.identifier=ip',
  'config.llm_providers[1].name=openai',
  'config.llm_providers[1].limit[1]=1000000000000',
  'config.llm_providers[1].window_size[1]=60',
];

/**
 * The routes: each a name, its ai-proxy unless OpenAI's, the plugins besides ai-proxy (form
 * fields, as `curl --data`), the headers its requests carry and their body unless `CHAT`.
 */
function routes({ upstreamUrl, llmUrl, anthropicUrl }) {
  return [
    { name: 'ai-proxy', plugins: [] },
    { name: 'ai-proxy-anthropic', aiProxy: anthropicProxy(anthropicUrl), plugins: [] },
    { name: 'ai-proxy-advanced', aiProxy: balancedProxy(upstreamUrl), plugins: [] },
    { name: 'key-auth', plugins: [['name=key-auth']], headers: { apikey: KEY } },
    { name: 'ai-rate-limiting-advanced-local', plugins: [rateLimiter('local')] },
    { name: 'ai-rate-limiting-advanced-redis', plugins: [rateLimiter('redis')] },
    {
      name: 'ai-prompt-template',
      plugins: [
        [
          'name=ai-prompt-template',
          'config.templates[1].name=ask',
          'config.templates[1].template={"messages": [{"role": "user", "content": "What is {{a}}+{{b}}?"}]}',
        ],
      ],
      body: { messages: '{template://ask}', properties: { a: '1', b: '1' } },
    },
    {
      name: 'ai-prompt-decorator',
      plugins: [
        [
          'name=ai-prompt-decorator',
          'config.prompts.prepend[1].role=system',
          'config.prompts.prepend[1].content=You are a mathematician.',
          'config.prompts.append[1].role=user',
          'config.prompts.append[1].content=Answer in one sentence.',
        ],
      ],
    },
    {
      name: 'ai-prompt-guard',
      plugins: [
        [
          'name=ai-prompt-guard',
          'config.deny_patterns[]=(?i)\\bpasswords?\\b',
          'config.deny_patterns[]=\\d{4}-\\d{4}-\\d{4}-\\d{4}',
        ],
      ],
    },
    {
      name: 'ai-request-transformer',
      plugins: [['name=ai-request-transformer', ...transformerLlm(llmUrl)]],
    },
    {
      name: 'ai-response-transformer',
      plugins: [['name=ai-response-transformer', ...transformerLlm(llmUrl)]],
    },
  ];
}

async function post(admin, path, fields) {
  const response = await admin.form('POST', path, curlData(...fields));
  if (response.status !== 201) throw new Error(`POST ${path} answered ${response.status}: ${response.text}`);
}

/** Creates the consumer and key of the key-auth route, then every route with its plugins. */
async function configure(gateway, upstreamUrl, list) {
  const { admin } = gateway;
  await post(admin, '/services', ['name=cost', 'url=http://localhost:32000']);
  await post(admin, '/consumers', ['username=bench']);
  await post(admin, '/consumers/bench/key-auth', [`key=${KEY}`]);
  for (const route of list) {
    await post(admin, '/services/cost/routes', [`name=${route.name}`, `paths[]=/cost/${route.name}`]);
    for (const plugin of [route.aiProxy ?? openAiProxy(upstreamUrl), ...route.plugins])
      await post(admin, `/routes/${route.name}/plugins`, plugin);
  }
  for (const route of list) await waitUntilServed(gateway.proxyUrl, `/cost/${route.name}`);
}

/** The load of one route: `seconds` at c=32, its answers checked. */
async function load(gateway, route, seconds) {
  const run = await runTask('load.mjs', {
    url: `${gateway.proxyUrl}/cost/${route.name}`,
    headers: route.headers ?? {},
    body: route.body ?? CHAT,
    connections: CONNECTIONS,
    seconds,
  });
  const failed = Object.keys(run.statuses).filter((status) => Number(status) >= 300);
  if (failed.length > 0) throw new Error(`/cost/${route.name} answered ${JSON.stringify(run.statuses)}`);
  return run;
}

/** One round on one route: the gateway's CPU microseconds per answered request, and the throughput. */
async function measureRoute(gateway, pid, route) {
  await waitForQuietMachine({ timeoutMs: 5_000 });
  const meter = cpuMeter({ target: [pid] });
  const run = await load(gateway, route, LOAD_SECONDS);
  const cpu = meter.stop(run.cpuSeconds);
  return { usPerRequest: (cpu.seconds.target / run.ok) * 1e6, requestsPerSecond: run.requestsPerSecond };
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/** Each route's median CPU per request, its range over the rounds and its cost over plain ai-proxy. */
async function measureRoutes(gateway, list) {
  const pid = gateway.process.child.pid;
  for (const route of list) await load(gateway, route, WARMUP_SECONDS);
  const rounds = list.map(() => []);
  // Each round starts one route later: no route is always the one measured first (after the wait
  // for a quiet machine, which showed as a higher figure for whichever came first).
  for (let round = 0; round < ROUNDS; round += 1)
    for (let step = 0; step < list.length; step += 1) {
      const index = (round + step) % list.length;
      rounds[index].push(await measureRoute(gateway, pid, list[index]));
    }
  const us = rounds.map((runs) => runs.map((run) => run.usPerRequest));
  const base = median(us[0]);
  return list.map((route, index) => ({
    route: route.name,
    usPerRequest: Math.round(median(us[index])),
    range: `${Math.round(Math.min(...us[index]))}-${Math.round(Math.max(...us[index]))}`,
    addedUs: Math.round(median(us[index]) - base),
    requestsPerSecond: median(rounds[index].map((run) => run.requestsPerSecond)),
  }));
}

/** Runs the measurement, prints the table and writes tmp/bench/plugin-cost.json; resolves with the rows. */
export async function measurePluginCost() {
  const mocks = [
    { behaviour: {} },
    { behaviour: { replyText: JSON.stringify(CHAT) } },
    { behaviour: {}, provider: 'anthropic' },
  ].map((input) => startService('mock-upstream.mjs', input));
  const redisPrefix = `bench_plugin_cost_${randomBytes(3).toString('hex')}`;
  try {
    const [upstream, llm, anthropic] = await Promise.all(mocks);
    return await withStarted(
      startStandaloneGateway({
        ACCESS_LOG: 'true',
        LOG_DESTINATION: LOG_FILE,
        REDIS_URL: TEST_REDIS_URL,
        REDIS_PREFIX: redisPrefix,
      }),
      async (gateway) => {
        const list = routes({ upstreamUrl: upstream.url, llmUrl: llm.url, anthropicUrl: anthropic.url });
        await configure(gateway, upstream.url, list);
        const rows = await measureRoutes(gateway, list);
        console.table(rows);
        writeFileSync('tmp/bench/plugin-cost.json', `${JSON.stringify(rows, null, 2)}\n`);
        return rows;
      },
    );
  } finally {
    await Promise.allSettled(mocks.map(async (started) => (await started).stop()));
    const redis = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: 1 });
    await deleteRedisKeys(redis, redisPrefix).finally(() => redis.disconnect());
    // Its lines are only load (about 600 bytes a request); the figures are in the JSON.
    rmSync(LOG_FILE, { force: true });
  }
}
