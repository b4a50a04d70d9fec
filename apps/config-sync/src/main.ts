import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { createConfigBus } from '@switchyard/bus';
import { PLUGIN_DEFINITIONS } from '@switchyard/catalog';
import {
  closeOnSignal,
  loadEnvironment,
  openConfigStore,
  parseListenAddress,
  PostgresSettings,
  storeLocation,
  type ConfigSnapshot,
} from '@switchyard/config';
import { ConfigSyncModule, ConfigSynchronizer, startSyncStatusListener } from '@switchyard/sync';
import { SWITCHYARD_VERSION } from '@switchyard/plugin-api';
import { createLogger, startTracing, SyncMetrics, TracingSettings } from '@switchyard/telemetry';
import { ConfigSyncEnvironment } from './config-sync.environment.js';
import { applyHeapDefaults } from '@switchyard/runtime';

// The old generation's growth (HEAP_GROWING_PERCENT); the young generation's cap is a node flag
// (see @switchyard/runtime).
applyHeapDefaults();

const env = loadEnvironment(ConfigSyncEnvironment);
if (!env.REDIS_URL)
  throw new Error('REDIS_URL is required: config-sync publishes snapshots to Redis for the proxies');
const logger = createLogger({ name: 'config-sync', level: env.LOG_LEVEL, destination: env.LOG_DESTINATION });
const tracing = await startTracing(loadEnvironment(TracingSettings), {
  serviceName: 'switchyard-config-sync',
  serviceVersion: SWITCHYARD_VERSION,
  logger,
});
// A store unreachable at start stops the app (exit code 1) for its supervisor to restart; once started, it rides out outages.
const store = await openConfigStore(storeLocation(env, loadEnvironment(PostgresSettings), logger));
const bus = createConfigBus<ConfigSnapshot>({
  redisUrl: env.REDIS_URL,
  prefix: env.REDIS_PREFIX,
  onError: (error, source) => logger.warn('config bus error', { source, error: error.message }),
});
const metrics = new SyncMetrics();
const app = await NestFactory.createApplicationContext(
  ConfigSyncModule.forRoot({
    store,
    publisher: bus.publisher,
    plugins: PLUGIN_DEFINITIONS,
    logger,
    pollIntervalMs: env.SYNC_POLL_INTERVAL_MS,
    tracer: tracing.tracer('@switchyard/sync'),
    reports: bus.syncReports,
    metrics,
  }),
  { logger: ['error', 'warn'] },
);
await app.init();
const statusServer = await startSyncStatusListener(
  parseListenAddress(env.SYNC_STATUS_LISTEN),
  app.get(ConfigSynchronizer),
  metrics,
  (error) => logger.warn('status listener request failed', { error: error.message }),
);
logger.info('config-sync started', { status: env.SYNC_STATUS_LISTEN });
closeOnSignal(async () => {
  statusServer.close();
  await app.close();
  await bus.close();
  await store.close();
  await tracing.shutdown();
  logger.flush();
});
