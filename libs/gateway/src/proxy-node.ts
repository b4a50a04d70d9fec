import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ConfigBus, HeartbeatReporter, SnapshotSubscriber } from '@switchyard/bus';
import type { ConfigSnapshot, ListenAddress } from '@switchyard/config';
import type { GatewayLogger } from '@switchyard/telemetry';
import { ActiveConfig } from './active-config.js';
import { createProxyRequestHandler, type AccessLogEntry } from './proxy-request-handler.js';
import { UpstreamClient } from './upstream-client.js';
import { sendJson } from './http-messages.js';
import type { PluginRuntimeRegistry } from './compiled-config.js';

export interface ProxyNodeOptions {
  readonly bus: ConfigBus<ConfigSnapshot>;
  readonly plugins: PluginRuntimeRegistry;
  /** The proxy listener (`PROXY_LISTEN`). */
  readonly listen: ListenAddress;
  /** The status listener (`STATUS_LISTEN`): `GET /status`. */
  readonly statusListen: ListenAddress;
  readonly node: { readonly id: string; readonly hostname: string; readonly version: string };
  readonly logger: GatewayLogger;
  /** Largest request body read, in bytes. */
  readonly maxBodyBytes: number;
  /** How often the subscriber compares versions with the bus, in milliseconds. */
  readonly reconcileIntervalMs?: number;
  /** Milliseconds between heartbeats. */
  readonly heartbeatIntervalMs?: number;
  readonly accessLog?: (entry: AccessLogEntry) => void;
}

/**
 * One proxy worker: serves the config it holds, swaps in each newer snapshot the bus announces
 * (loading it once per version), reports heartbeats with the config it serves, and answers
 * `GET /status` on its status listener. It never reads the database; when the bus is down it
 * keeps serving its last good snapshot.
 */
export class ProxyNode {
  readonly active: ActiveConfig;
  private readonly upstream = new UpstreamClient();
  private subscriber: SnapshotSubscriber<ConfigSnapshot> | null = null;
  private heartbeat: HeartbeatReporter | null = null;
  private proxyServer: Server | null = null;
  private statusServer: Server | null = null;

  constructor(private readonly options: ProxyNodeOptions) {
    this.active = new ActiveConfig(options.plugins, options.logger);
  }

  /** The proxy listener's bound address (its port, when it was asked for port 0). */
  get proxyAddress(): AddressInfo {
    return this.proxyServer!.address() as AddressInfo;
  }

  get statusAddress(): AddressInfo {
    return this.statusServer!.address() as AddressInfo;
  }

  async start(): Promise<void> {
    const { bus, logger, node } = this.options;
    this.subscriber = bus.createSubscriber({ reconcileIntervalMs: this.options.reconcileIntervalMs });
    const initial = await this.subscriber.load();
    if (initial) this.active.offer(initial);
    else logger.warn('no config snapshot available yet; answering 503 until one arrives');

    this.heartbeat = bus.createHeartbeatReporter({
      id: node.id,
      hostname: node.hostname,
      version: node.version,
      intervalMs: this.options.heartbeatIntervalMs,
      currentConfig: () => {
        const config = this.active.current;
        return config && { version: config.version, hash: config.hash };
      },
    });
    this.active.onSwap(() => void this.heartbeat?.beat());
    this.subscriber.onUpdate(async (notice) => {
      const served = this.active.current;
      if (served && notice.version <= served.version) return;
      const snapshot = await this.subscriber!.load();
      if (snapshot) this.active.offer(snapshot);
    });

    const handler = createProxyRequestHandler({
      config: this.active,
      upstream: this.upstream,
      maxBodyBytes: this.options.maxBodyBytes,
      accessLog: this.options.accessLog,
      onError: (error) =>
        logger.error('request failed unexpectedly', { error: error.stack ?? error.message }),
    });
    this.proxyServer = await listen(createServer({ keepAliveTimeout: 65_000 }, handler), this.options.listen);
    this.statusServer = await listen(
      createServer((req, res) => {
        if (req.url !== '/status') return sendJson(res, 404, { message: 'Not found' });
        const config = this.active.current;
        sendJson(res, 200, {
          node_id: node.id,
          configuration_hash: config?.hash ?? null,
          configuration_version: config?.version ?? null,
          memory: { rss_bytes: process.memoryUsage().rss },
        });
      }),
      this.options.statusListen,
    );
    logger.info('proxy listening', {
      proxy: `${this.options.listen.host}:${this.proxyAddress.port}`,
      status: `${this.options.statusListen.host}:${this.statusAddress.port}`,
    });
  }

  /** Stops accepting, lets in-flight requests finish, then closes the bus side and the pools. */
  async stop(): Promise<void> {
    await Promise.all([close(this.proxyServer), close(this.statusServer)]);
    await this.heartbeat?.close();
    await this.subscriber?.close();
    await this.upstream.close();
  }
}

function listen(server: Server, address: ListenAddress): Promise<Server> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(address.port, address.host, () => {
      server.off('error', reject);
      resolve(server);
    });
  });
}

function close(server: Server | null): Promise<void> {
  if (!server) return Promise.resolve();
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeIdleConnections();
  });
}
