export { LocalCounterStore, type Clock } from './local-counter-store.js';
export { RedisCounterStore } from './redis-counter-store.js';
export {
  DEFAULT_COUNTER_TIMEOUT_MS,
  openPluginCounters,
  type CounterStoreOptions,
  type OpenPluginCounters,
} from './counter-store.factory.js';
