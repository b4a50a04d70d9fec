import type { CounterStore, PluginCounters, ProviderId } from '@switchyard/plugin-api';
import type { AiRateLimitingAdvancedConfig } from './ai-rate-limiting-advanced.config.js';

/**
 * The counter key of one caller's windows of one provider: under the entity's `namespace`
 * (shared by every entity that sets the same one, as Kong's), else under the entity's own id.
 */
export function counterKey(
  config: Pick<AiRateLimitingAdvancedConfig, 'namespace'>,
  pluginId: string,
  provider: ProviderId,
  caller: string,
): string {
  const owner = config.namespace === null ? pluginId : `namespace:${config.namespace}`;
  return `${owner}:${provider}:${caller}`;
}

/**
 * The counters `strategy` names: the process's own (`local`), or the shared ones for `redis`
 * and `cluster` (Kong keeps `cluster` counters in its database; here they are the proxy's
 * Redis, exact across nodes, or the process's own where the gateway runs without Redis).
 * `undefined` where the process has no counters of that kind.
 */
export function counterStoreFor(
  config: AiRateLimitingAdvancedConfig,
  counters: PluginCounters,
): CounterStore | undefined {
  return config.strategy === 'local' ? counters.local : counters.shared;
}
