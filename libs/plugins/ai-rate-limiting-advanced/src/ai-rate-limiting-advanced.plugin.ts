import { definePlugin } from '@switchyard/plugin-api';
import type { AiRateLimitingAdvancedConfig } from './ai-rate-limiting-advanced.config.js';
import { createAiRateLimitingAdvancedHandler } from './ai-rate-limiting-advanced.handler.js';
import { aiRateLimitingAdvancedSchema } from './ai-rate-limiting-advanced.schema.js';

/**
 * The `ai-rate-limiting-advanced` plugin: Kong's name and priority (905: after authentication
 * (key-auth 1250), before the prompt plugins and `ai-proxy` (770), whose answer it settles to in
 * `log`). `strategy` `redis` uses the proxy's shared counters; `local`, each process's own.
 */
export const aiRateLimitingAdvancedPlugin = definePlugin<AiRateLimitingAdvancedConfig>({
  name: 'ai-rate-limiting-advanced',
  priority: 905,
  schema: aiRateLimitingAdvancedSchema,
  createHandler: (config, scope, env) => {
    const counters = config.strategy === 'redis' ? env.counters?.shared : env.counters?.local;
    if (!counters)
      throw new Error("ai-rate-limiting-advanced needs the gateway's counters (PluginEnvironment.counters)");
    return createAiRateLimitingAdvancedHandler(config, scope, counters);
  },
});
