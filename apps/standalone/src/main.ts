import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { NestFactory } from '@nestjs/core';
import { AdminApiSettings, adminListenerOptions, createAdminApp } from '@switchyard/admin-api';
import { createConfigBus } from '@switchyard/bus';
import { openPluginCounters } from '@switchyard/counters';
import { PLUGIN_DEFINITIONS, createPluginDefinitions, createPluginRuntimes } from '@switchyard/catalog';
import {
  closeOnSignal,
  loadEnvironment,
  openConfigStore,
  parseListenAddress,
  PostgresSettings,
  storeLocation,
  type ConfigSnapshot,
} from '@switchyard/config';
import { ProxyModule } from '@switchyard/gateway';
import { SWITCHYARD_VERSION } from '@switchyard/plugin-api';
import { ConfigSyncModule } from '@switchyard/sync';
import { createLogger, startTracing, TracingSettings } from '@switchyard/telemetry';
import { StandaloneEnvironment } from './standalone.environment.js';
import { applyHeapDefaults } from '@switchyard/runtime';

// The old generation's growth (HEAP_GROWING_PERCENT); the young generation's cap is a node flag
// (see @switchyard/runtime).
applyHeapDefaults();

// Admin, config-sync and proxy in one process: the same modules as the distributed apps, on the
// embedded store and the in-process bus (unless DATABASE_URL / REDIS_URL say otherwise).
const env = loadEnvironment(StandaloneEnvironment);
const adminSettings = loadEnvironment(AdminApiSettings);
const logger = createLogger({ name: 'switchyard', level: env.LOG_LEVEL, destination: env.LOG_DESTINATION });
const tracing = await startTracing(loadEnvironment(TracingSettings), {
  serviceName: 'switchyard',
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
// Rate-limiting counters: in Redis when REDIS_URL is set (shared with any other node), else in this process.
const counters = openPluginCounters({
  redisUrl: env.REDIS_URL,
  prefix: env.REDIS_PREFIX,
  onError: (error, source) => logger.warn('counter store error', { source, error: error.message }),
});
const node = { id: randomUUID(), hostname: hostname(), version: SWITCHYARD_VERSION };

const sync = await NestFactory.createApplicationContext(
  ConfigSyncModule.forRoot({
    store,
    publisher: bus.publisher,
    plugins: PLUGIN_DEFINITIONS,
    logger: logger.child({ component: 'config-sync' }),
    tracer: tracing.tracer('@switchyard/sync'),
    reports: bus.syncReports,
  }),
  { logger: ['error', 'warn'] },
);
await sync.init();

const proxy = await NestFactory.createApplicationContext(
  ProxyModule.fromSettings(env, {
    bus,
    plugins: createPluginRuntimes(counters.counters),
    node,
    logger: logger.child({ component: 'proxy' }),
    tracer: tracing.tracer('@switchyard/gateway'),
  }),
  { logger: ['error', 'warn'] },
);
await proxy.init();

const admin = await createAdminApp({
  store,
  // Bound to the proxy's counters: `GET /plugins/{id}/usage` reads what this process counts.
  plugins: createPluginDefinitions(counters.counters),
  cluster: {
    heartbeats: bus.heartbeats,
    published: () => bus.publisher.current(),
    outdatedAfterMs: adminSettings.DATA_PLANE_OUTDATED_AFTER_MS,
    syncReport: () => bus.syncReports.read(),
  },
  nodeInfo: { version: SWITCHYARD_VERSION, hostname: node.hostname, nodeId: node.id },
  tracer: tracing.tracer('@switchyard/admin-api'),
  listener: adminListenerOptions(adminSettings),
});
const adminAddress = parseListenAddress(adminSettings.ADMIN_LISTEN);
await admin.listen(adminAddress.port, adminAddress.host);
logger.info('switchyard standalone started', {
  admin: adminSettings.ADMIN_LISTEN,
  proxy: env.PROXY_LISTEN,
  status: env.STATUS_LISTEN,
});

closeOnSignal(async () => {
  await admin.close();
  await proxy.close();
  await counters.close();
  await sync.close();
  await bus.close();
  await store.close();
  await tracing.shutdown();
  logger.flush();
});
