import type { Redis } from 'ioredis';
import {
  asError,
  assertSnapshotEnvelope,
  DEFAULT_RECONCILE_INTERVAL_MS,
  warnOnBusError,
  type BusErrorListener,
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
import type {
  DataPlaneHeartbeat,
  HeartbeatRegistry,
  HeartbeatReporter,
  HeartbeatReporterOptions,
} from './heartbeat.js';
import { IntervalHeartbeatReporter } from './heartbeat-reporter.js';
import { RedisConnection } from './redis-connection.js';
import { VersionAnnouncer } from './version-announcer.js';
import type { ConfigSyncReport, SyncReportBoard } from './sync-report.js';

/** Default milliseconds a Redis command (or the wait for a connection) may take before it fails. */
export const DEFAULT_COMMAND_TIMEOUT_MS = 2_000;
/** Default milliseconds one connection attempt may take. */
export const DEFAULT_CONNECT_TIMEOUT_MS = 2_000;

export interface RedisConfigBusOptions {
  /** A `redis://` or `rediss://` URL (the apps' `REDIS_URL`). */
  readonly url: string;
  /** Prefix of every key and channel, so that several clusters can share one Redis. Default `switchyard`. */
  readonly prefix?: string;
  /**
   * Milliseconds a command may take, and separately the longest wait for a (re)connecting
   * connection before it, so a call fails after at most twice this. Default 2000. Loading a large
   * snapshot over a slow link must fit in it.
   */
  readonly commandTimeoutMs?: number;
  /** Milliseconds one connection attempt may take before ioredis retries. Default 2000. */
  readonly connectTimeoutMs?: number;
  /** Receives the errors the bus does not throw. Default: a one-line `console.warn`. */
  readonly onError?: BusErrorListener;
}

/** The Redis names one bus uses, all under its prefix. */
export interface RedisBusKeys {
  /** Hash `{version, hash, snapshot}`: the current snapshot (JSON) and its envelope, moved forward only. */
  readonly snapshot: string;
  /** Pub/sub channel; each message is the JSON `{version, hash}` of a newly stored snapshot. */
  readonly configUpdated: string;
  /** Set of the ids of data planes that may still be live; pruned by `list()`, expires with the last heartbeat. */
  readonly dataPlanes: string;
  /** String key holding a data plane's last heartbeat (JSON), with the heartbeat's TTL. */
  dataPlane(id: string): string;
  /** String key holding config-sync's last report (JSON), kept until the next. */
  readonly syncReport: string;
}

export function redisBusKeys(prefix: string): RedisBusKeys {
  return {
    snapshot: `${prefix}:snapshot`,
    configUpdated: `${prefix}:config-updated`,
    dataPlanes: `${prefix}:data-planes`,
    dataPlane: (id) => `${prefix}:data-planes:${id}`,
    syncReport: `${prefix}:sync-report`,
  };
}

// Stores and announces in one step, only moving forward. KEYS: snapshot hash.
// ARGV: version, hash, snapshot JSON, channel, notice JSON. Returns {status, stored version, stored hash}.
const PUBLISH_SCRIPT = `
local stored = redis.call('HMGET', KEYS[1], 'version', 'hash')
if stored[1] then
  local current, incoming = tonumber(stored[1]), tonumber(ARGV[1])
  if current > incoming then return {'stale', stored[1], stored[2]} end
  if current == incoming then
    if stored[2] == ARGV[2] then return {'unchanged', stored[1], stored[2]} end
    return {'conflict', stored[1], stored[2]}
  end
end
redis.call('HSET', KEYS[1], 'version', ARGV[1], 'hash', ARGV[2], 'snapshot', ARGV[3])
redis.call('PUBLISH', ARGV[4], ARGV[5])
return {'published', ARGV[1], ARGV[2]}
`;

// KEYS: heartbeat key, data-plane index. ARGV: heartbeat JSON, TTL ms, id.
// The index lives as long as the longest-lived heartbeat, so it disappears with the last node.
const HEARTBEAT_SCRIPT = `
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
redis.call('SADD', KEYS[2], ARGV[3])
if redis.call('PTTL', KEYS[2]) < tonumber(ARGV[2]) then redis.call('PEXPIRE', KEYS[2], ARGV[2]) end
return 1
`;

// KEYS: data-plane index. ARGV: heartbeat key prefix. Returns the live heartbeats, pruning expired ids.
const LIST_SCRIPT = `
local records = {}
for _, id in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  local record = redis.call('GET', ARGV[1] .. id)
  if record then records[#records + 1] = record else redis.call('SREM', KEYS[1], id) end
end
return records
`;

/** What the publisher, subscribers and registry of one bus share. */
interface RedisBusContext {
  readonly keys: RedisBusKeys;
  readonly prefix: string;
  readonly options: RedisConfigBusOptions;
  readonly commandTimeoutMs: number;
  readonly reportError: BusErrorListener;
  /** Runs `command` on the shared data connection once it is ready; rejects within the timeouts. */
  run<T>(command: (client: Redis) => Promise<T>): Promise<T>;
  /** Reads the stored envelope (one small HMGET, never the snapshot itself). */
  readCurrent(): Promise<ConfigVersionNotice | null>;
}

/**
 * The distributed adapter. One data connection per bus (publish, load, reconcile reads,
 * heartbeats) plus one subscribe connection per subscriber that has listeners. Connections are
 * named `<prefix>:bus-data` and `<prefix>:bus-subscriber` in `CLIENT LIST`.
 */
export class RedisConfigBus<
  S extends ConfigSnapshotEnvelope = ConfigSnapshotEnvelope,
> implements ConfigBus<S> {
  readonly publisher: SnapshotPublisher<S>;
  readonly heartbeats: HeartbeatRegistry;
  readonly syncReports: SyncReportBoard;
  private readonly context: RedisBusContext;
  private readonly data: RedisConnection;
  private readonly subscribers = new Set<RedisSnapshotSubscriber<S>>();
  private readonly reporters = new Set<HeartbeatReporter>();
  private closing: Promise<void> | null = null;

  constructor(options: RedisConfigBusOptions) {
    const prefix = options.prefix ?? 'switchyard';
    const commandTimeoutMs = options.commandTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS;
    const onError = options.onError ?? warnOnBusError;
    const reportError: BusErrorListener = (error, source) => {
      if (!this.closed) onError(error, source);
    };
    this.data = new RedisConnection({
      url: options.url,
      connectionName: connectionName(prefix, 'bus-data'),
      commandTimeoutMs,
      connectTimeoutMs: options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
      reportError,
    });
    const keys = redisBusKeys(prefix);
    const run = async <T>(command: (client: Redis) => Promise<T>): Promise<T> => {
      if (this.closed) throw new Error('config bus is closed');
      await this.data.ready(commandTimeoutMs);
      return command(this.data.client);
    };
    this.context = {
      keys,
      prefix,
      options,
      commandTimeoutMs,
      reportError,
      run,
      readCurrent: async () => {
        const [version, hash] = await run((client) => client.hmget(keys.snapshot, 'version', 'hash'));
        return version === null || hash === null ? null : { version: Number(version), hash };
      },
    };
    this.publisher = new RedisSnapshotPublisher<S>(this.context);
    this.heartbeats = new RedisHeartbeatRegistry(this.context);
    this.syncReports = {
      write: async (report) => {
        await run((client) => client.set(keys.syncReport, JSON.stringify(report)));
      },
      read: async () => {
        const text = await run((client) => client.get(keys.syncReport));
        return text === null ? null : (JSON.parse(text) as ConfigSyncReport);
      },
    };
  }

  createSubscriber(options: SnapshotSubscriberOptions = {}): SnapshotSubscriber<S> {
    if (this.closed) throw new Error('config bus is closed');
    const subscriber = new RedisSnapshotSubscriber<S>(
      this.context,
      options.reconcileIntervalMs ?? DEFAULT_RECONCILE_INTERVAL_MS,
      () => this.subscribers.delete(subscriber),
    );
    this.subscribers.add(subscriber);
    return subscriber;
  }

  createHeartbeatReporter(options: HeartbeatReporterOptions): HeartbeatReporter {
    if (this.closed) throw new Error('config bus is closed');
    const { keys, run } = this.context;
    const reporter = new IntervalHeartbeatReporter(
      options,
      async (heartbeat, ttlMs) => {
        await run((client) =>
          client.eval(
            HEARTBEAT_SCRIPT,
            2,
            keys.dataPlane(heartbeat.id),
            keys.dataPlanes,
            JSON.stringify(heartbeat),
            Math.ceil(ttlMs),
            heartbeat.id,
          ),
        );
      },
      this.context.reportError,
    );
    this.reporters.add(reporter);
    return reporter;
  }

  close(): Promise<void> {
    this.closing ??= this.shutDown();
    return this.closing;
  }

  private get closed(): boolean {
    return this.closing !== null;
  }

  private async shutDown(): Promise<void> {
    await Promise.all([...this.subscribers].map((subscriber) => subscriber.close()));
    await Promise.all([...this.reporters].map((reporter) => reporter.close()));
    await this.data.close();
  }
}

class RedisSnapshotPublisher<S extends ConfigSnapshotEnvelope> implements SnapshotPublisher<S> {
  constructor(private readonly context: RedisBusContext) {}

  async publish(snapshot: S): Promise<PublishOutcome> {
    assertSnapshotEnvelope(snapshot);
    const { keys, run } = this.context;
    const { version, hash } = snapshot;
    // Serialized once here; proxies fetch it once per version, the channel carries only the envelope.
    const [status, storedVersion, storedHash] = (await run((client) =>
      client.eval(
        PUBLISH_SCRIPT,
        1,
        keys.snapshot,
        version,
        hash,
        JSON.stringify(snapshot),
        keys.configUpdated,
        JSON.stringify({ version, hash }),
      ),
    )) as [PublishStatus, string, string];
    return { status, current: { version: Number(storedVersion), hash: storedHash } };
  }

  current(): Promise<ConfigVersionNotice | null> {
    return this.context.readCurrent();
  }
}

class RedisSnapshotSubscriber<S extends ConfigSnapshotEnvelope> implements SnapshotSubscriber<S> {
  private readonly announcer: VersionAnnouncer;
  private connection: RedisConnection | null = null;
  private timer: NodeJS.Timeout | null = null;
  private subscribed = false;
  private syncing = false;
  private syncAgain = false;
  private closed = false;

  constructor(
    private readonly context: RedisBusContext,
    private readonly reconcileIntervalMs: number,
    private readonly onClosed: () => void,
  ) {
    if (!(reconcileIntervalMs > 0)) throw new RangeError('reconcileIntervalMs must be positive');
    this.announcer = new VersionAnnouncer(context.reportError);
  }

  async load(): Promise<S | null> {
    if (this.closed) return null;
    try {
      const [version, body] = await this.context.run((client) =>
        client.hmget(this.context.keys.snapshot, 'version', 'snapshot'),
      );
      if (version === null || body === null) return null;
      const snapshot = JSON.parse(body) as S;
      this.announcer.loadSucceeded(Number(version));
      return snapshot;
    } catch (error) {
      this.announcer.loadFailed();
      this.context.reportError(asError(error), 'load');
      return null;
    }
  }

  onUpdate(listener: ConfigVersionListener): () => void {
    const remove = this.announcer.add(listener);
    if (this.connection === null && !this.closed) this.start();
    return remove;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    this.announcer.clear();
    if (this.connection) await this.connection.close();
    this.onClosed();
  }

  private start(): void {
    const { options, prefix, keys, commandTimeoutMs, reportError } = this.context;
    const connection = new RedisConnection({
      url: options.url,
      connectionName: connectionName(prefix, 'bus-subscriber'),
      commandTimeoutMs,
      connectTimeoutMs: options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
      reportError,
    });
    connection.client.on('message', (channel: string, message: string) => {
      if (channel !== keys.configUpdated) return;
      const notice = parseVersionNotice(message);
      if (notice) {
        this.announcer.offer(notice);
      } else {
        reportError(
          new Error(`ignored a malformed message on ${channel}: ${message.slice(0, 200)}`),
          'subscription',
        );
        this.resync();
      }
    });
    // Every (re)connect: subscribe first, then read the stored version, so nothing published
    // while the connection was down (or in between) goes unnoticed.
    connection.client.on('ready', () => this.resync());
    connection.client.on('close', () => {
      this.subscribed = false;
    });
    this.connection = connection;
    connection.connect();
    this.timer = setInterval(() => this.resync(), this.reconcileIntervalMs);
    this.timer.unref();
  }

  /** Subscribes if needed, then announces the stored version if it is newer. Never overlaps itself. */
  private resync(): void {
    if (this.closed) return;
    if (this.syncing) {
      this.syncAgain = true;
      return;
    }
    this.syncing = true;
    void this.subscribeAndReconcile().finally(() => {
      this.syncing = false;
      if (this.syncAgain) {
        this.syncAgain = false;
        this.resync();
      }
    });
  }

  private async subscribeAndReconcile(): Promise<void> {
    const { connection, context } = this;
    if (connection && !this.subscribed && connection.client.status === 'ready') {
      try {
        await connection.client.subscribe(context.keys.configUpdated);
        this.subscribed = true;
      } catch (error) {
        // The timer retries; meanwhile the reconcile below still finds new versions.
        context.reportError(asError(error), 'subscription');
      }
    }
    try {
      const current = await context.readCurrent();
      if (current && !this.closed) this.announcer.offer(current);
    } catch (error) {
      context.reportError(asError(error), 'reconcile');
    }
  }
}

class RedisHeartbeatRegistry implements HeartbeatRegistry {
  constructor(private readonly context: RedisBusContext) {}

  async list(): Promise<DataPlaneHeartbeat[]> {
    const { keys, run } = this.context;
    const records = (await run((client) =>
      client.eval(LIST_SCRIPT, 1, keys.dataPlanes, keys.dataPlane('')),
    )) as string[];
    return records
      .map((record) => JSON.parse(record) as DataPlaneHeartbeat)
      .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }
}

/** Reads a `{version, hash}` notice from a channel message; null when it is not one. */
function parseVersionNotice(text: string): ConfigVersionNotice | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null) return null;
  const { version, hash } = value as Record<string, unknown>;
  if (typeof version !== 'number' || !Number.isSafeInteger(version) || typeof hash !== 'string') return null;
  return { version, hash };
}

/** `CLIENT SETNAME` refuses spaces and newlines; a prefix could hold them. */
function connectionName(prefix: string, role: string): string {
  return `${prefix}:${role}`.replace(/\s/g, '_');
}
