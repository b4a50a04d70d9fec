// `npm run bench -- --plugin-phase-cost`: the CPU each plugin's phases cost per request, apart from
// HTTP and the rest of the gateway (whose noise on a shared machine, in `--plugin-cost`, hides tens
// of µs). Each chain (a plugin set before the same OpenAI ai-proxy, configs filled with their
// schema's defaults as the Admin API fills them) runs its phases as the proxy drives them for a
// buffered answer (access in priority order, the answer, log), 50k times in one process, in
// alternating rounds so that every chain sees the same machine; a plugin's cost is its chain's
// median minus plain ai-proxy's. Plugins that call a model or a shared store (the transformers,
// key-auth's consumer lookup, rate limiting) are measured through HTTP by `--plugin-cost`.
import { validatePluginConfig } from '@switchyard/config';
import { createPluginRuntimes } from '@switchyard/catalog';
import { MOCK_PROVIDER_API_KEY } from '@switchyard/testing';
import { CHAT, OPENAI_ANSWER, cpuPerRequest, median } from './plugin-phases.mjs';

const WARMUP = 10_000;
const REQUESTS = 50_000;
const ROUNDS = 5;
const TEMPLATED = { messages: '{template://ask}', properties: { a: '1', b: '1' } };
const AI_PROXY = {
  route_type: 'llm/v1/chat',
  auth: { header_name: 'Authorization', header_value: `Bearer ${MOCK_PROVIDER_API_KEY}` },
  model: {
    provider: 'openai',
    name: 'gpt-4',
    options: { upstream_url: 'http://127.0.0.1:9001/v1/chat/completions' },
  },
  logging: { log_statistics: true },
};

/** The chains: the plugins before ai-proxy (name and config) and the body their clients send. */
const CHAINS = [
  { name: 'ai-proxy', plugins: [] },
  {
    name: 'ai-proxy (anthropic)',
    aiProxy: {
      route_type: 'llm/v1/chat',
      auth: { header_name: 'x-api-key', header_value: MOCK_PROVIDER_API_KEY },
      model: { provider: 'anthropic', name: 'gpt-4', options: { anthropic_version: '2023-06-01' } },
      logging: { log_statistics: true },
    },
    plugins: [],
    answer: Buffer.from(
      JSON.stringify({
        id: 'msg_1',
        type: 'message',
        role: 'assistant',
        model: 'gpt-4',
        content: [{ type: 'text', text: '1 + 1 = 2.' }],
        stop_reason: 'end_turn',
        usage: { input_tokens: 14, output_tokens: 9 },
      }),
    ),
  },
  {
    name: 'ai-prompt-template',
    plugins: [
      [
        'ai-prompt-template',
        {
          templates: [
            { name: 'ask', template: '{"messages": [{"role": "user", "content": "What is {{a}}+{{b}}?"}]}' },
          ],
        },
      ],
    ],
    body: TEMPLATED,
  },
  {
    name: 'ai-prompt-decorator',
    plugins: [
      [
        'ai-prompt-decorator',
        {
          prompts: {
            prepend: [{ role: 'system', content: 'You are a mathematician.' }],
            append: [{ role: 'user', content: 'Answer in one sentence.' }],
          },
        },
      ],
    ],
  },
  {
    name: 'ai-prompt-guard',
    plugins: [
      ['ai-prompt-guard', { deny_patterns: ['(?i)\\bpasswords?\\b', '\\d{4}-\\d{4}-\\d{4}-\\d{4}'] }],
    ],
  },
];

/** A plugin's handler for `config`, its schema's defaults filled. */
function handlerOf(runtimes, name, config) {
  const plugin = runtimes.get(name);
  const validated = validatePluginConfig(plugin.schema, config);
  if (!validated.ok) throw new Error(`${name}: ${JSON.stringify(validated.errors)}`);
  return plugin.createHandler(validated.value, {
    pluginId: `${name}-1`,
    routeId: 'route-1',
    serviceId: null,
  });
}

const round1 = (us) => Math.round(us * 10) / 10;

/** Runs the measurement and prints the table; resolves with its rows. */
export async function measurePluginPhaseCost() {
  const runtimes = createPluginRuntimes();
  const chains = CHAINS.map((chain) => ({
    name: chain.name,
    body: chain.body ?? CHAT,
    answer: chain.answer ?? OPENAI_ANSWER,
    handlers: [
      ...chain.plugins.map(([name, config]) => handlerOf(runtimes, name, config)),
      handlerOf(runtimes, 'ai-proxy', chain.aiProxy ?? AI_PROXY),
    ],
  }));
  for (const chain of chains) await cpuPerRequest(chain.handlers, WARMUP, chain.body, chain.answer);
  const rounds = chains.map(() => []);
  for (let round = 0; round < ROUNDS; round += 1)
    for (const [index, chain] of chains.entries())
      rounds[index].push(await cpuPerRequest(chain.handlers, REQUESTS / ROUNDS, chain.body, chain.answer));
  const base = median(rounds[0]);
  const rows = chains.map((chain, index) => ({
    chain: chain.name,
    usPerRequest: round1(median(rounds[index])),
    range: `${round1(Math.min(...rounds[index]))}-${round1(Math.max(...rounds[index]))}`,
    addedUs: round1(median(rounds[index]) - base),
  }));
  console.table(rows);
  return rows;
}
