import { definePlugin } from '@switchyard/plugin-api';
import type { AiProxyConfig } from './ai-proxy.config.js';
import { createAiProxyHandler } from './ai-proxy.handler.js';
import { aiProxySchema } from './ai-proxy.schema.js';

/**
 * The `ai-proxy` plugin: Kong's name and priority (770, after the prompt plugins), its config
 * schema, and Kong's AI Proxy over the environment's provider drivers (a provider the config
 * names but the registry lacks is answered with Kong's "no transformer for <provider>://<route_type>").
 */
export const aiProxyPlugin = definePlugin<AiProxyConfig>({
  name: 'ai-proxy',
  priority: 770,
  schema: (env) => aiProxySchema(env.providers),
  createHandler: (config, scope, env) => createAiProxyHandler(config, scope, env.providers),
});
