import type { CounterStore, PluginCounters, ProviderId } from '@switchyard/plugin-api';
import type { AiRateLimitingAdvancedConfig } from './ai-rate-limiting-advanced.config.js';

/** The counter key of one caller's windows of one provider under one plugin entity. */
export function counterKey(pluginId: string, provider: ProviderId, caller: string): string {
  return `${pluginId}:${provider}:${caller}`;
}

/** The counters `strategy` names: the process's own (`local`) or the shared ones (`redis`), if it has them. */
export function counterStoreFor(
  config: AiRateLimitingAdvancedConfig,
  counters: PluginCounters,
): CounterStore | undefined {
  return config.strategy === 'redis' ? counters.shared : counters.local;
}
