import { definePlugin } from '@switchyard/plugin-api';
import type { AiProxyAdvancedConfig } from './ai-proxy-advanced.config.js';
import { createAiProxyAdvancedHandler } from './ai-proxy-advanced.handler.js';
import { aiProxyAdvancedSchema } from './ai-proxy-advanced.schema.js';

/**
 * The `ai-proxy-advanced` plugin: Kong's name and priority (770, as `ai-proxy`'s), its config
 * schema (`targets[]`, `balancer`), and a balancer with retries and stream-safe failover over
 * the environment's provider drivers.
 */
export const aiProxyAdvancedPlugin = definePlugin<AiProxyAdvancedConfig>({
  name: 'ai-proxy-advanced',
  priority: 770,
  schema: (env) => aiProxyAdvancedSchema(env.providers),
  createHandler: (config, scope, env) => createAiProxyAdvancedHandler(config, scope, env.providers),
});
