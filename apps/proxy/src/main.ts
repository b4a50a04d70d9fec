import 'reflect-metadata';
import cluster from 'node:cluster';
import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import { hostname } from 'node:os';
import { NestFactory } from '@nestjs/core';
import { createConfigBus } from '@switchyard/bus';
import { openPluginCounters } from '@switchyard/counters';
import { createPluginRuntimes } from '@switchyard/catalog';
import { closeOnSignal, loadEnvironment, parseListenAddress, type ConfigSnapshot } from '@switchyard/config';
import {
  ProxyModule,
  ProxySettings,
  startClusterStatusListener,
  stopClusterStatusListener,
} from '@switchyard/gateway';
import { SWITCHYARD_VERSION } from '@switchyard/plugin-api';
import { applyHeapDefaults, heapFlags } from '@switchyard/runtime';
import { createLogger, startTracing, TracingSettings } from '@switchyard/telemetry';
import { superviseWorkers } from './worker-supervisor.js';

// The old generation's growth (HEAP_GROWING_PERCENT); the young generation's cap is a node flag
// (see @switchyard/runtime).
applyHeapDefaults();

const env = loadEnvironment(ProxySettings);
if (!env.REDIS_URL) throw new Error('REDIS_URL is required: the proxy receives its config from Redis');
const logger = createLogger({ name: 'proxy', level: env.LOG_LEVEL, destination: env.LOG_DESTINATION });

if (env.PROXY_WORKERS > 1 && cluster.isPrimary) {
  // The primary supervises and owns the status listener, so `/metrics` and `/status` speak for
  // every worker; each worker is a full proxy node on the shared proxy listener. Workers get the
  // heap defaults as node flags, unless the operator's flags set them.
  cluster.setupPrimary({ execArgv: [...process.execArgv, ...heapFlags()] });
  const supervision = superviseWorkers(env.PROXY_WORKERS, logger);
  let statusServer: Server | null = null;
  closeOnSignal(async () => {
    if (statusServer) await stopClusterStatusListener(statusServer);
    for (const worker of Object.values(cluster.workers ?? {})) worker?.kill('SIGTERM');
    await new Promise<void>((resolve) =>
      cluster.on('exit', () => Object.keys(cluster.workers ?? {}).length === 0 && resolve()),
    );
  });
  // Opened once every worker serves, so the first `/status` already has them all.
  await supervision.listening;
  statusServer = await startClusterStatusListener(parseListenAddress(env.STATUS_LISTEN), logger);
} else {
  // Each worker traces its own requests and swaps; the primary proxies nothing.
  const tracing = await startTracing(loadEnvironment(TracingSettings), {
    serviceName: 'switchyard-proxy',
    serviceVersion: SWITCHYARD_VERSION,
    logger,
  });
  const bus = createConfigBus<ConfigSnapshot>({
    redisUrl: env.REDIS_URL,
    prefix: env.REDIS_PREFIX,
    onError: (error, source) => logger.warn('config bus error', { source, error: error.message }),
  });
  // Rate-limiting counters shared by every proxy node on this Redis and prefix.
  const counters = openPluginCounters({
    redisUrl: env.REDIS_URL,
    prefix: env.REDIS_PREFIX,
    onError: (error, source) => logger.warn('counter store error', { source, error: error.message }),
  });
  const app = await NestFactory.createApplicationContext(
    ProxyModule.fromSettings(env, {
      bus,
      plugins: createPluginRuntimes(counters.counters),
      node: { id: randomUUID(), hostname: hostname(), version: SWITCHYARD_VERSION },
      logger,
      tracer: tracing.tracer('@switchyard/gateway'),
    }),
    { logger: ['error', 'warn'] },
  );
  await app.init();
  closeOnSignal(async () => {
    await app.close();
    await counters.close();
    await bus.close();
    await tracing.shutdown();
    logger.flush();
  });
}
