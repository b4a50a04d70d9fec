import type { AttemptFailure, PluginHandler, RequestContext } from '@switchyard/plugin-api';
import { buildRequestContext, fakeNdjsonDriver, fakeOpenAiDriver, registryOf } from '@switchyard/testing';
import { describe, expect, it } from 'vitest';
import type {
  AiProxyAdvancedConfig,
  AiProxyAdvancedTarget,
  FailoverCriterion,
} from './ai-proxy-advanced.config.js';
import { createAiProxyAdvancedHandler } from './ai-proxy-advanced.handler.js';

const providers = registryOf(fakeOpenAiDriver(), fakeOpenAiDriver('azure'), fakeNdjsonDriver());
const chat = { model: 'what-the-sdk-sent', messages: [{ role: 'user', content: 'What is 1 + 1?' }] };

function target(provider: string, name: string, weight = 100): AiProxyAdvancedTarget {
  return {
    route_type: 'llm/v1/chat',
    auth: { header_name: 'Authorization', header_value: `Bearer key-of-${provider}`, allow_override: false },
    model: { provider, name, options: null },
    logging: { log_statistics: true, log_payloads: false },
    weight,
    description: null,
  } as AiProxyAdvancedTarget;
}

function config(
  targets: readonly AiProxyAdvancedTarget[],
  balancer: Partial<AiProxyAdvancedConfig['balancer']> = {},
): AiProxyAdvancedConfig {
  return {
    targets,
    balancer: {
      algorithm: 'round-robin',
      tokens_count_strategy: 'total-tokens',
      latency_strategy: 'tpot',
      hash_on_header: 'X-Kong-LLM-Request-ID',
      slots: 10000,
      retries: 5,
      failover_criteria: ['error', 'timeout', 'http_429', 'http_500', 'non_idempotent'],
      connect_timeout: 1000,
      read_timeout: 2000,
      write_timeout: 3000,
      max_fails: 0,
      fail_timeout: 10000,
      ...balancer,
    },
    response_streaming: 'allow',
    max_request_body_size: 8192,
    model_name_header: true,
    llm_format: 'openai',
  };
}

const THREE = [target('openai', 'gpt-4o'), target('azure', 'gpt-4o-mini'), target('cohere', 'command-r')];

function handlerOf(subject: AiProxyAdvancedConfig, clock = { now: 0 }): Required<PluginHandler> {
  return createAiProxyAdvancedHandler(
    subject,
    { pluginId: 'plugin-1', routeId: 'route-1', serviceId: null },
    providers,
    () => clock.now,
  ) as Required<PluginHandler>;
}

const status = (code: number, headers: Record<string, string> = {}): AttemptFailure => ({
  reason: `http_${code}` as AttemptFailure['reason'],
  sent: true,
  status: code,
  headers,
  message: `the upstream answered ${code}`,
});
const refused: AttemptFailure = { reason: 'error', sent: false, message: 'ECONNREFUSED' };

function json(ctx: RequestContext): Record<string, unknown> {
  return JSON.parse(ctx.upstream.body.toString()) as Record<string, unknown>;
}

async function started(handler: Required<PluginHandler>, body: object = chat, headers = {}) {
  const ctx = buildRequestContext({ body, headers });
  await handler.access(ctx);
  return ctx;
}

describe('ai-proxy-advanced: attempts', () => {
  it("prepares each attempt from the client's unchanged request, translated and signed for its own target, with the target's model", async () => {
    const handler = handlerOf(config(THREE, { algorithm: 'priority' }));
    const ctx = await started(handler, chat, { authorization: 'Bearer client-key' });
    expect([ctx.upstream.url.href, ctx.failover?.target]).toEqual([
      'https://openai.example/v1/chat/completions',
      'openai/gpt-4o',
    ]);
    expect(json(ctx).model).toBe('gpt-4o');
    expect(ctx.upstream.timeouts).toEqual({ connect: 1000, read: 2000, write: 3000 });

    expect(await ctx.failover!.next(ctx, status(500))).toBe(true);
    expect([ctx.upstream.url.href, ctx.failover?.target]).toEqual([
      'https://azure.example/v1/chat/completions?api-version=2023-05-15',
      'azure/gpt-4o-mini',
    ]);
    expect(json(ctx)).toMatchObject({ model: 'gpt-4o-mini', messages: chat.messages });
    expect(ctx.upstream.headers.authorization).toBe('Bearer key-of-azure');
    expect(JSON.parse(ctx.request.body.toString())).toEqual(chat);
  });

  it('moves past a target that cannot take the request to the next one', async () => {
    const untranslatable = { messages: [{ role: 'user', content: 'untranslatable' }] };
    const handler = handlerOf(
      config([target('openai', 'gpt-4o'), target('cohere', 'command-r'), target('azure', 'gpt-4o-mini')], {
        algorithm: 'priority',
      }),
    );
    const ctx = await started(handler, untranslatable);
    expect(await ctx.failover!.next(ctx, status(500))).toBe(true);
    expect(ctx.failover?.target).toBe('azure/gpt-4o-mini');
  });

  it("fails a sent POST over only with non_idempotent, as Kong's criteria, and one that never connected always", async () => {
    const handler = handlerOf(config(THREE, { failover_criteria: ['error', 'timeout', 'http_500'] }));
    const sent = await started(handler);
    expect(await sent.failover!.next(sent, status(500))).toBe(false);
    expect(await sent.failover!.next(sent, { reason: 'timeout', sent: true, message: 'timed out' })).toBe(
      false,
    );
    const unsent = await started(handler);
    const first = unsent.failover!.target;
    expect(await unsent.failover!.next(unsent, refused)).toBe(true);
    expect(unsent.failover!.target).not.toBe(first);
  });

  it('declines a failure outside failover_criteria and leaves the attempt as it was', async () => {
    const handler = handlerOf(
      config(THREE, { failover_criteria: ['error', 'non_idempotent'] as FailoverCriterion[] }),
    );
    const ctx = await started(handler);
    const upstream = ctx.upstream;
    expect(await ctx.failover!.next(ctx, status(429))).toBe(false);
    expect(ctx.upstream).toBe(upstream);
    expect(ctx.failover!.target).toBe('openai/gpt-4o');
  });

  it('tries at most retries more targets, and never one it tried', async () => {
    const handler = handlerOf(config(THREE, { retries: 1 }));
    const ctx = await started(handler);
    const seen = [ctx.failover!.target];
    expect(await ctx.failover!.next(ctx, status(500))).toBe(true);
    seen.push(ctx.failover!.target);
    expect(new Set(seen).size).toBe(2);
    expect(await ctx.failover!.next(ctx, status(500))).toBe(false);
  });

  it('leaves a target that answered 429 with Retry-After alone that long, while another is available', async () => {
    const clock = { now: 0 };
    const handler = handlerOf(config([target('openai', 'gpt-4o'), target('azure', 'gpt-4o-mini')]), clock);
    const first = await started(handler);
    expect(first.failover!.target).toBe('openai/gpt-4o');
    expect(await first.failover!.next(first, status(429, { 'retry-after': '30' }))).toBe(true);
    handler.log(first);
    const targets: string[] = [];
    for (let n = 0; n < 4; n += 1) {
      const ctx = await started(handler);
      targets.push(ctx.failover!.target);
      handler.log(ctx);
    }
    expect(targets).toEqual(Array(4).fill('azure/gpt-4o-mini'));
    clock.now = 30_001;
    const after = [];
    for (let n = 0; n < 4; n += 1) {
      const ctx = await started(handler);
      after.push(ctx.failover!.target);
      handler.log(ctx);
    }
    expect(after).toContain('openai/gpt-4o');
  });

  it('logs where the request went in the ai.proxy meta', async () => {
    const handler = handlerOf(config(THREE, { algorithm: 'priority' }));
    const ctx = await started(handler);
    await ctx.failover!.next(ctx, status(500));
    ctx.status = 200;
    handler.log(ctx);
    const entry = ctx.log['ai.proxy'] as { meta: Record<string, unknown> };
    expect(entry.meta['provider_name']).toBe('azure');
    expect(entry.meta['balancer']).toEqual({
      algorithm: 'priority',
      target: 'azure/gpt-4o-mini',
      target_index: 1,
      attempts: 2,
      failovers: [{ target: 'openai/gpt-4o', reason: 'http_500' }],
    });
  });
});
