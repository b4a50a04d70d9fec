import type { PluginHandler, ProviderRegistry, RequestContext } from '@switchyard/plugin-api';
import { fakeOpenAiDriver, registryOf } from '@switchyard/testing';
import type { AiProxyConfig } from './ai-proxy.config.js';
import { createAiProxyHandler } from './ai-proxy.handler.js';

/** Test support for the plugin's specs (configs and handlers that the gateway would build). */

type ConfigOverrides = Partial<Omit<AiProxyConfig, 'model' | 'logging'>> & {
  readonly model?: Partial<AiProxyConfig['model']>;
  readonly logging?: Partial<AiProxyConfig['logging']>;
};

/** A defaults-filled config: OpenAI chat with `gpt-4o`, bearer auth, nothing logged. */
export function aiProxyConfig(overrides: ConfigOverrides = {}): AiProxyConfig {
  return {
    route_type: 'llm/v1/chat',
    auth: { header_name: 'Authorization', header_value: 'Bearer sk-configured', allow_override: false },
    response_streaming: 'allow',
    max_request_body_size: 8192,
    model_name_header: true,
    llm_format: 'openai',
    ...overrides,
    model: { provider: 'openai', name: 'gpt-4o', options: null, ...overrides.model },
    logging: { log_statistics: false, log_payloads: false, ...overrides.logging },
  };
}

/** The handler the proxy would build for `config` (plugin id `plugin-1`). */
export function handlerFor(
  config: AiProxyConfig,
  providers: ProviderRegistry = registryOf(fakeOpenAiDriver()),
): Required<PluginHandler> {
  const handler = createAiProxyHandler(
    config,
    { pluginId: 'plugin-1', routeId: 'route-1', serviceId: null },
    providers,
  );
  return handler as Required<PluginHandler>;
}

/** Runs `access` and returns the error it answers with, if any. */
export async function accessError(handler: PluginHandler, ctx: RequestContext): Promise<unknown> {
  try {
    await handler.access?.(ctx);
  } catch (error) {
    return error;
  }
  return undefined;
}

/** The JSON body of the upstream request `access` prepared. */
export function upstreamJson(ctx: RequestContext): Record<string, unknown> {
  return JSON.parse(ctx.upstream.body.toString()) as Record<string, unknown>;
}
