export {
  DEFAULT_RECONCILE_INTERVAL_MS,
  type BusErrorListener,
  type BusErrorSource,
  type ConfigBus,
  type ConfigSnapshotEnvelope,
  type ConfigVersionListener,
  type ConfigVersionNotice,
  type PublishOutcome,
  type PublishStatus,
  type SnapshotPublisher,
  type SnapshotSubscriber,
  type SnapshotSubscriberOptions,
} from './config-bus.js';
export { createConfigBus, type ConfigBusOptions } from './config-bus.factory.js';
export {
  DEFAULT_HEARTBEAT_INTERVAL_MS,
  type DataPlaneHeartbeat,
  type HeartbeatRegistry,
  type HeartbeatReporter,
  type HeartbeatReporterOptions,
} from './heartbeat.js';
export { InProcessConfigBus, type InProcessConfigBusOptions } from './in-process-config-bus.js';
export {
  DEFAULT_COMMAND_TIMEOUT_MS,
  DEFAULT_CONNECT_TIMEOUT_MS,
  RedisConfigBus,
  redisBusKeys,
  type RedisBusKeys,
  type RedisConfigBusOptions,
} from './redis-config-bus.js';
export { RedisConnection, type RedisConnectionSettings } from './redis-connection.js';
export type { ConfigSyncReport, SyncReportBoard } from './sync-report.js';
