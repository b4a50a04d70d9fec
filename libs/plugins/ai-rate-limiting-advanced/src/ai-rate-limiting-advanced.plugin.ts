import { definePlugin } from '@switchyard/plugin-api';
import type { AiRateLimitingAdvancedConfig } from './ai-rate-limiting-advanced.config.js';
import { createAiRateLimitingAdvancedHandler } from './ai-rate-limiting-advanced.handler.js';
import { aiRateLimitingAdvancedSchema } from './ai-rate-limiting-advanced.schema.js';
import { counterStoreFor } from './counter-key.js';
import { readRateLimitUsage } from './rate-limit-usage.js';

/**
 * The `ai-rate-limiting-advanced` plugin: Kong's name and priority (905: after authentication
 * (key-auth 1250), before the prompt plugins and `ai-proxy` (770), whose answer it settles to in
 * `log`). `strategy` `redis` counts in the proxy's shared counters; `local`, in each process's own.
 * The Admin API reads an entity's counters for one caller through `readUsage`.
 */
export const aiRateLimitingAdvancedPlugin = definePlugin<AiRateLimitingAdvancedConfig>({
  name: 'ai-rate-limiting-advanced',
  priority: 905,
  schema: aiRateLimitingAdvancedSchema,
  createHandler: (config, scope, env) => {
    const counters = env.counters && counterStoreFor(config, env.counters);
    if (!counters)
      throw new Error("ai-rate-limiting-advanced needs the proxy's counters (PluginEnvironment.counters)");
    return createAiRateLimitingAdvancedHandler(config, scope, counters);
  },
  readUsage: (config, pluginId, identifier, env) =>
    readRateLimitUsage(config, pluginId, identifier, env.counters),
});
