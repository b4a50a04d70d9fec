// `npm run bench -- --balancer-cost`: the CPU a two-target `ai-proxy-advanced` route costs per
// request beyond a plain `ai-proxy` route, apart from HTTP and the rest of the gateway (whose noise
// on a shared machine hides a few µs): both plugins' phases as the proxy drives them (access,
// the buffered OpenAI answer, log), 100k times in one process, alternating rounds so that both
// see the same machine. No attempt fails: this is the price of balancing, not of failing over.
import { createPluginRuntimes } from '@switchyard/catalog';
import { MOCK_PROVIDER_API_KEY } from '@switchyard/testing';
import { cpuPerRequest, median } from './plugin-phases.mjs';

const WARMUP = 20_000;
const REQUESTS = 100_000;
const ROUNDS = 5;
/** The bench's OpenAI target: the route every gateway serves in `npm run bench`. */
function openAiTarget(upstreamUrl) {
  return {
    route_type: 'llm/v1/chat',
    auth: {
      header_name: 'Authorization',
      header_value: `Bearer ${MOCK_PROVIDER_API_KEY}`,
      allow_override: false,
    },
    model: { provider: 'openai', name: 'gpt-4', options: { upstream_url: upstreamUrl } },
    logging: { log_statistics: true, log_payloads: false },
  };
}

/** A plugin's handler for `config`, with its schema's defaults filled as the Admin API fills them. */
function handlerOf(plugins, name, config) {
  return plugins
    .get(name)
    .createHandler(config, { pluginId: `${name}-1`, routeId: 'route-1', serviceId: null });
}

const proxyFields = {
  response_streaming: 'allow',
  max_request_body_size: 8192,
  model_name_header: true,
  llm_format: 'openai',
};

export async function measureBalancerCost() {
  const plugins = createPluginRuntimes();
  const plain = handlerOf(plugins, 'ai-proxy', {
    ...openAiTarget('http://127.0.0.1:9001/v1/chat/completions'),
    ...proxyFields,
  });
  const balanced = handlerOf(plugins, 'ai-proxy-advanced', {
    targets: [
      { ...openAiTarget('http://127.0.0.1:9001/v1/chat/completions'), weight: 100, description: null },
      { ...openAiTarget('http://127.0.0.1:9002/v1/chat/completions'), weight: 100, description: null },
    ],
    balancer: {
      algorithm: 'round-robin',
      tokens_count_strategy: 'total-tokens',
      latency_strategy: 'tpot',
      hash_on_header: 'X-Kong-LLM-Request-ID',
      slots: 10000,
      retries: 5,
      failover_criteria: ['error', 'timeout'],
      connect_timeout: 60000,
      read_timeout: 60000,
      write_timeout: 60000,
      max_fails: 3,
      fail_timeout: 10000,
    },
    ...proxyFields,
  });
  await cpuPerRequest([plain], WARMUP);
  await cpuPerRequest([balanced], WARMUP);
  const rounds = { plain: [], balanced: [] };
  for (let round = 0; round < ROUNDS; round += 1) {
    rounds.plain.push(await cpuPerRequest([plain], REQUESTS / ROUNDS));
    rounds.balanced.push(await cpuPerRequest([balanced], REQUESTS / ROUNDS));
  }
  const round1 = (us) => Math.round(us * 10) / 10;
  const result = {
    aiProxyUsPerRequest: round1(median(rounds.plain)),
    aiProxyAdvancedUsPerRequest: round1(median(rounds.balanced)),
  };
  result.extraUsPerRequest = round1(result.aiProxyAdvancedUsPerRequest - result.aiProxyUsPerRequest);
  console.log(
    `ai-proxy: ${result.aiProxyUsPerRequest} µs CPU per request; ai-proxy-advanced with two targets: ${result.aiProxyAdvancedUsPerRequest} µs (+${result.extraUsPerRequest} µs)`,
  );
  return result;
}
