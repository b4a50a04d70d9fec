import type { GatewayPlugin, PluginDefinition, ProviderRegistry } from '@switchyard/plugin-api';
import type { AiProxyConfig } from './ai-proxy.config.js';
import { createAiProxyHandler } from './ai-proxy.handler.js';
import { aiProxySchema } from './ai-proxy.schema.js';

/** The `ai-proxy` plugin: Kong's name and priority (770, after the prompt plugins), and its config schema. */
export const aiProxyPlugin: PluginDefinition = {
  name: 'ai-proxy',
  priority: 770,
  schema: aiProxySchema,
};

/**
 * The `ai-proxy` plugin as the proxy runs it: Kong's AI Proxy over the provider drivers of
 * `providers` (a provider the config names but the registry lacks is answered with Kong's
 * "no transformer for <provider>://<route_type>").
 */
export function createAiProxyPlugin(providers: ProviderRegistry): GatewayPlugin<AiProxyConfig> {
  return {
    ...aiProxyPlugin,
    createHandler: (config, scope) => createAiProxyHandler(config, scope, providers),
  };
}
