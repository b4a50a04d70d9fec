import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SpanKind, SpanStatusCode, type Tracer } from '@opentelemetry/api';
import type { ConfigBus, HeartbeatReporter, SnapshotSubscriber } from '@switchyard/bus';
import type { ConfigSnapshot, ListenAddress, SecretEnvironment } from '@switchyard/config';
import {
  contextFromTraceparent,
  GatewayMetrics,
  shareMetricsWithPrimary,
  type GatewayLogger,
} from '@switchyard/telemetry';
import { ActiveConfig, type OfferOutcome } from './active-config.js';
import { answerStatusRequests } from './cluster-status.js';
import { createProxyRequestHandler, type AccessLogEntry } from './proxy-request-handler.js';
import { ProxyTracer } from './request-trace.js';
import { close, createProxyServer, listen, type ClientTimeouts } from './server-lifecycle.js';
import { createStatusHandler, type ProxyNodeStatus } from './status-listener.js';
import { UpstreamClient } from './upstream-client.js';
import type { PluginRuntimeRegistry } from './compiled-config.js';

export interface ProxyNodeOptions {
  readonly bus: ConfigBus<ConfigSnapshot>;
  readonly plugins: PluginRuntimeRegistry;
  /** The proxy listener (`PROXY_LISTEN`). */
  readonly listen: ListenAddress;
  /**
   * The status listener (`STATUS_LISTEN`): `GET /status` and `GET /metrics`. Null in a
   * `node:cluster` worker: the primary owns the listener and asks the workers over IPC.
   */
  readonly statusListen: ListenAddress | null;
  readonly node: { readonly id: string; readonly hostname: string; readonly version: string };
  readonly logger: GatewayLogger;
  /** Largest request body read, in bytes. */
  readonly maxBodyBytes: number;
  /** Largest upstream answer held at once, after decoding, in bytes (`ProxyLimits.maxResponseBodyBytes`). */
  readonly maxResponseBodyBytes: number;
  /** How long the proxy listener waits on slow clients. */
  readonly clientTimeouts: ClientTimeouts;
  /** How often the subscriber compares versions with the bus, in milliseconds. */
  readonly reconcileIntervalMs?: number;
  /** Milliseconds between heartbeats. */
  readonly heartbeatIntervalMs?: number;
  readonly accessLog?: (entry: AccessLogEntry) => void;
  /** Where the node records its metrics (always on). Default: a registry of its own. */
  readonly metrics?: GatewayMetrics;
  /**
   * Traces every proxied request (server and upstream client spans) and every config swap, when
   * tracing is on; absent, the node does no tracing work.
   */
  readonly tracer?: Tracer;
  /** Where vault references in plugin configs are resolved from. Default: `process.env`. */
  readonly secrets?: SecretEnvironment;
}

/**
 * One proxy worker: serves the config it holds, swaps in each newer snapshot the bus announces
 * (loading it once per version), reports heartbeats with the config it serves, records every
 * finished request in its metrics, and answers `GET /status` and `GET /metrics` on its status
 * listener (or, as a cluster worker, to the primary over IPC). It never reads the database; when
 * the bus is down it keeps serving its last good snapshot.
 */
export class ProxyNode {
  readonly active: ActiveConfig;
  readonly metrics: GatewayMetrics;
  private readonly upstream = new UpstreamClient();
  private subscriber: SnapshotSubscriber<ConfigSnapshot> | null = null;
  private heartbeat: HeartbeatReporter | null = null;
  private proxyServer: Server | null = null;
  private statusServer: Server | null = null;
  private stopAnsweringStatus: (() => void) | null = null;

  constructor(private readonly options: ProxyNodeOptions) {
    this.active = new ActiveConfig(options.plugins, options.logger, options.secrets);
    this.metrics = options.metrics ?? new GatewayMetrics();
    this.active.onSwap((config) => this.metrics.configSwapped(config.version));
  }

  /** The proxy listener's bound address (its port, when it was asked for port 0). */
  get proxyAddress(): AddressInfo {
    return this.proxyServer!.address() as AddressInfo;
  }

  /** The status listener's bound address; there is none in a cluster worker (`statusListen` null). */
  get statusAddress(): AddressInfo {
    return this.statusServer!.address() as AddressInfo;
  }

  async start(): Promise<void> {
    const { bus, logger, node } = this.options;
    this.subscriber = bus.createSubscriber({ reconcileIntervalMs: this.options.reconcileIntervalMs });
    const initial = await this.subscriber.load();
    const outcome = initial ? this.offer(initial) : null;
    if (outcome !== 'swapped') {
      // A refused snapshot was logged with its reason; either way the node listens and takes
      // the next good snapshot the bus announces.
      logger.warn('no usable config snapshot yet; answering 503 until one arrives');
    }

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
      if (!this.active.isNewer(notice.version)) return;
      const snapshot = await this.subscriber!.load();
      if (snapshot) this.offer(snapshot);
    });

    const { metrics } = this;
    const accessLog = this.options.accessLog;
    // Runs after the response, outside the handler's try: a metrics bug must not end the process.
    const record = (entry: AccessLogEntry): void => {
      try {
        metrics.record(entry);
      } catch (error) {
        logger.error('recording request metrics failed', { error: (error as Error).message });
      }
    };
    const handler = createProxyRequestHandler({
      config: this.active,
      upstream: this.upstream,
      maxBodyBytes: this.options.maxBodyBytes,
      limits: { maxResponseBodyBytes: this.options.maxResponseBodyBytes },
      // Metrics are always on; the access log line only when configured.
      accessLog: accessLog
        ? (entry) => {
            record(entry);
            accessLog(entry);
          }
        : record,
      onError: (error) =>
        logger.error('request failed unexpectedly', { error: error.stack ?? error.message }),
      tracer: this.options.tracer && new ProxyTracer(this.options.tracer),
    });
    this.proxyServer = await listen(
      createProxyServer(handler, this.options.clientTimeouts),
      this.options.listen,
    );
    const { statusListen } = this.options;
    if (statusListen) {
      const statusHandler = createStatusHandler(
        { status: () => Promise.resolve(this.status()), metrics },
        (error) => logger.warn('status listener request failed', { error: error.message }),
      );
      this.statusServer = await listen(createServer(statusHandler), statusListen);
    } else {
      this.stopAnsweringStatus = answerStatusRequests(() => this.status());
      shareMetricsWithPrimary(metrics);
    }
    logger.info('proxy listening', {
      proxy: `${this.options.listen.host}:${this.proxyAddress.port}`,
      status: statusListen ? `${statusListen.host}:${this.statusAddress.port}` : 'cluster primary',
    });
  }

  /**
   * Offers a snapshot to the active config. Traced, the swap is a span in the trace of the config
   * change that produced the snapshot (the config-sync publish it carries the context of).
   */
  private offer(snapshot: ConfigSnapshot): OfferOutcome {
    const { tracer, node } = this.options;
    if (!tracer || !this.active.isNewer(snapshot.version)) return this.active.offer(snapshot);
    const span = tracer.startSpan(
      'process config-snapshot',
      {
        kind: SpanKind.CONSUMER,
        attributes: {
          'messaging.operation.type': 'process',
          'switchyard.config.version': snapshot.version,
          'switchyard.config.hash': snapshot.hash,
          'switchyard.node.id': node.id,
        },
      },
      contextFromTraceparent(snapshot.traceparent),
    );
    const outcome = this.active.offer(snapshot);
    span.setAttribute('switchyard.config.outcome', outcome);
    if (outcome === 'refused')
      span.setStatus({ code: SpanStatusCode.ERROR, message: 'invalid snapshot refused' });
    span.end();
    return outcome;
  }

  /** This node's `GET /status` body. */
  status(): ProxyNodeStatus {
    const config = this.active.current;
    return {
      node_id: this.options.node.id,
      configuration_hash: config?.hash ?? null,
      configuration_version: config?.version ?? null,
      memory: { rss_bytes: process.memoryUsage().rss },
    };
  }

  /** Stops accepting, lets in-flight requests finish, then closes the bus side and the pools. */
  async stop(): Promise<void> {
    this.stopAnsweringStatus?.();
    await Promise.all([close(this.proxyServer), close(this.statusServer)]);
    await this.heartbeat?.close();
    await this.subscriber?.close();
    await this.upstream.close();
  }
}
