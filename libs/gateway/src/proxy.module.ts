import cluster from 'node:cluster';
import {
  Inject,
  Module,
  type DynamicModule,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { parseListenAddress } from '@switchyard/config';
import { GatewayMetrics } from '@switchyard/telemetry';
import { ProxyNode, type ProxyNodeOptions } from './proxy-node.js';
import type { ProxySettings } from './proxy.settings.js';

/** Starts the proxy node with the application and stops it on shutdown. */
class ProxyNodeLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(@Inject(ProxyNode) private readonly node: ProxyNode) {}

  onApplicationBootstrap(): Promise<void> {
    return this.node.start();
  }

  onApplicationShutdown(): Promise<void> {
    return this.node.stop();
  }
}

/**
 * The data plane as a Nest module. Nest wires it; the request path itself is a plain
 * `node:http` handler outside Nest's per-request pipeline.
 */
@Module({})
export class ProxyModule {
  /** The module for a node configured from its environment settings (`ProxySettings`). */
  static fromSettings(
    settings: ProxySettings,
    parts: Pick<ProxyNodeOptions, 'bus' | 'plugins' | 'node' | 'logger' | 'tracer'>,
  ): DynamicModule {
    return ProxyModule.forRoot({
      ...parts,
      listen: parseListenAddress(settings.PROXY_LISTEN),
      // A cluster worker leaves the status listener to the primary (`startClusterStatusListener`).
      statusListen: cluster.isWorker ? null : parseListenAddress(settings.STATUS_LISTEN),
      maxBodyBytes: settings.PROXY_MAX_BODY_BYTES,
      maxResponseBodyBytes: settings.PROXY_MAX_RESPONSE_BODY_BYTES,
      clientTimeouts: {
        headersMs: settings.PROXY_HEADERS_TIMEOUT_MS,
        requestMs: settings.PROXY_REQUEST_TIMEOUT_MS,
        keepAliveMs: settings.PROXY_KEEP_ALIVE_TIMEOUT_MS,
      },
      reconcileIntervalMs: settings.RECONCILE_INTERVAL_MS,
      heartbeatIntervalMs: settings.HEARTBEAT_INTERVAL_MS,
      accessLog: settings.ACCESS_LOG ? (entry) => parts.logger.record('access', entry) : undefined,
      metrics: new GatewayMetrics({ maxConsumerLabels: settings.METRICS_MAX_CONSUMERS }),
    });
  }

  static forRoot(options: ProxyNodeOptions): DynamicModule {
    return {
      module: ProxyModule,
      providers: [{ provide: ProxyNode, useValue: new ProxyNode(options) }, ProxyNodeLifecycle],
      exports: [ProxyNode],
    };
  }
}
