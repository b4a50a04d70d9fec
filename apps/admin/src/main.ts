import 'reflect-metadata';
import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import { AdminApiSettings, adminListenerOptions, createAdminApp } from '@switchyard/admin-api';
import { createConfigBus } from '@switchyard/bus';
import { openPluginCounters } from '@switchyard/counters';
import { createPluginDefinitions, PLUGIN_DEFINITIONS } from '@switchyard/catalog';
import {
  closeOnSignal,
  loadEnvironment,
  openConfigStore,
  parseListenAddress,
  PostgresSettings,
  storeLocation,
} from '@switchyard/config';
import { SWITCHYARD_VERSION } from '@switchyard/plugin-api';
import { createLogger, startTracing, TracingSettings } from '@switchyard/telemetry';
import { AdminEnvironment } from './admin.environment.js';
import { applyHeapDefaults } from '@switchyard/runtime';

// The old generation's growth (HEAP_GROWING_PERCENT); the young generation's cap is a node flag
// (see @switchyard/runtime).
applyHeapDefaults();

const env = loadEnvironment(AdminEnvironment);
const adminSettings = loadEnvironment(AdminApiSettings);
const logger = createLogger({ name: 'admin', level: env.LOG_LEVEL, destination: env.LOG_DESTINATION });
const tracing = await startTracing(loadEnvironment(TracingSettings), {
  serviceName: 'switchyard-admin',
  serviceVersion: SWITCHYARD_VERSION,
  logger,
});
// A store unreachable at start stops the app (exit code 1) for its supervisor to restart; once started, it rides out outages.
const store = await openConfigStore(storeLocation(env, loadEnvironment(PostgresSettings), logger));
// The admin reads the bus only for `GET /clustering/data-planes`; it never publishes.
const bus = env.REDIS_URL
  ? createConfigBus({
      redisUrl: env.REDIS_URL,
      prefix: env.REDIS_PREFIX,
      onError: (error, source) => logger.warn('config bus error', { source, error: error.message }),
    })
  : null;
// The proxies' shared counters, for `GET /plugins/{id}/usage` (the admin counts nothing itself).
const counters = env.REDIS_URL
  ? openPluginCounters({
      redisUrl: env.REDIS_URL,
      prefix: env.REDIS_PREFIX,
      onError: (error, source) => logger.warn('counter store error', { source, error: error.message }),
    })
  : null;
const app = await createAdminApp({
  store,
  plugins: counters ? createPluginDefinitions({ shared: counters.counters.shared }) : PLUGIN_DEFINITIONS,
  cluster: bus
    ? {
        heartbeats: bus.heartbeats,
        published: () => bus.publisher.current(),
        outdatedAfterMs: adminSettings.DATA_PLANE_OUTDATED_AFTER_MS,
        syncReport: () => bus.syncReports.read(),
      }
    : undefined,
  nodeInfo: { version: SWITCHYARD_VERSION, hostname: hostname(), nodeId: randomUUID() },
  tracer: tracing.tracer('@switchyard/admin-api'),
  listener: adminListenerOptions(adminSettings),
});
const { host, port } = parseListenAddress(adminSettings.ADMIN_LISTEN);
await app.listen(port, host);
logger.info('admin listening', { admin: `http://${host}:${port}` });
closeOnSignal(async () => {
  await app.close();
  await counters?.close();
  await bus?.close();
  await store.close();
  await tracing.shutdown();
  logger.flush();
});
