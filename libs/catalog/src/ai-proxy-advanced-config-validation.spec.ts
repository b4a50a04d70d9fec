import { validatePluginConfig, type ConfigFieldErrors } from '@switchyard/config';
import { describe, expect, it } from 'vitest';
import { PLUGIN_DEFINITIONS } from './index.js';

/** The ai-proxy-advanced schema as this build serves it, with the registered providers' option slices. */
const definition = PLUGIN_DEFINITIONS.find((plugin) => plugin.name === 'ai-proxy-advanced')!;

const openAi = {
  route_type: 'llm/v1/chat',
  auth: { header_name: 'Authorization', header_value: 'Bearer x' },
  model: { provider: 'openai', name: 'gpt-4o' },
};

function errorsOf(config: Record<string, unknown>): string | ConfigFieldErrors {
  const result = validatePluginConfig(definition.schema, config);
  if (result.ok) throw new Error(`expected errors, got ${JSON.stringify(result.value)}`);
  return result.errors;
}

describe('ai-proxy-advanced config', () => {
  it("registers as Kong's ai-proxy-advanced, priority 770", () => {
    expect(definition).toMatchObject({ name: 'ai-proxy-advanced', priority: 770 });
  });

  it("fills Kong's balancer defaults and each target's weight", () => {
    const result = validatePluginConfig(definition.schema, { targets: [openAi] });
    if (!result.ok) throw new Error(JSON.stringify(result.errors));
    expect(result.value['balancer']).toEqual({
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
      max_fails: 0,
      fail_timeout: 10000,
    });
    const [target] = result.value['targets'] as Record<string, unknown>[];
    expect([target!['weight'], target!['description']]).toEqual([100, null]);
    expect(result.value).toMatchObject({
      response_streaming: 'allow',
      max_request_body_size: 8192,
      model_name_header: true,
      llm_format: 'openai',
    });
  });

  it("runs Kong's llm checks on each target, reported under its index", () => {
    const anthropic = { ...openAi, model: { provider: 'anthropic', name: 'claude-3-5-haiku-latest' } };
    expect(errorsOf({ targets: [openAi, anthropic] })).toEqual({
      targets: [null, { '@entity': ["must set 'model.options.anthropic_version' for anthropic provider"] }],
    });
  });

  it('refuses a native llm_format, which it does not serve yet', () => {
    expect(errorsOf({ targets: [openAi], llm_format: 'anthropic' })).toEqual({
      '@entity': [
        "llm_format 'anthropic' is not served by ai-proxy-advanced yet; its clients speak 'openai'",
      ],
    });
  });

  it('refuses a config without targets, an unknown algorithm and an unknown failover criterion', () => {
    expect(errorsOf({ targets: [] })).toEqual({
      '@entity': ['must set at least one target in config.targets'],
    });
    expect(errorsOf({ targets: [openAi], balancer: { algorithm: 'random' } })).toMatchObject({
      balancer: { algorithm: expect.stringContaining('expected one of') },
    });
    expect(errorsOf({ targets: [openAi], balancer: { failover_criteria: ['http_418'] } })).toMatchObject({
      balancer: { failover_criteria: [expect.stringContaining('expected one of')] },
    });
  });
});
