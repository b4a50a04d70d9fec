import { GatewayError, type CounterStore, type PluginCounters } from '@switchyard/plugin-api';
import type { AiRateLimitingAdvancedConfig } from './ai-rate-limiting-advanced.config.js';
import { counterKey, counterStoreFor } from './counter-key.js';

/**
 * The counters one plugin entity keeps for one caller (`identifier`: a consumer, credential or
 * service id, an IP address or a header value, as the entity's `identifier` says), window by
 * window, for the Admin API's `GET /plugins/{id}/usage`.
 */
export async function readRateLimitUsage(
  config: AiRateLimitingAdvancedConfig,
  pluginId: string,
  identifier: string,
  counters: PluginCounters | undefined,
): Promise<Readonly<Record<string, unknown>>> {
  if (identifier === '') throw new GatewayError(400, "the query parameter 'identifier' is required");
  const store: CounterStore | undefined = counters && counterStoreFor(config, counters);
  if (!store)
    throw new GatewayError(
      400,
      `this plugin counts with strategy '${config.strategy}': its counters live in each proxy process, not here`,
    );
  const caller = `${config.identifier}:${identifier}`;
  const providers = await Promise.all(
    config.llm_providers.map(async (entry) => {
      const windows = entry.limit.map((limit, i) => ({ limit, size: entry.window_size[i]! }));
      const usage = await store.usage(counterKey(pluginId, entry.name, caller), windows, config.window_type);
      return {
        name: entry.name,
        windows: usage.map((window) => ({
          window_size: window.size,
          limit: window.limit,
          usage: window.used,
          remaining: Math.max(0, window.limit - window.used),
          reset: Math.ceil(window.resetSeconds),
        })),
      };
    }),
  );
  return {
    plugin: pluginId,
    identifier: caller,
    strategy: config.strategy,
    window_type: config.window_type,
    tokens_count_strategy: config.tokens_count_strategy,
    providers,
  };
}
