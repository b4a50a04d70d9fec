import { Redis } from 'ioredis';
import { asError, type BusErrorListener } from './config-bus.js';

/** First reconnect delay in milliseconds; it doubles per failed attempt up to the maximum below. */
const RECONNECT_BASE_DELAY_MS = 50;
/** Longest pause between two reconnect attempts, in milliseconds. Reconnecting never stops. */
const RECONNECT_MAX_DELAY_MS = 2_000;

export interface RedisConnectionSettings {
  readonly url: string;
  /** Shown by `CLIENT LIST`, so operators (and tests) can find the connection. */
  readonly connectionName: string;
  readonly commandTimeoutMs: number;
  readonly connectTimeoutMs: number;
  readonly reportError: BusErrorListener;
}

type ReadyWaiter = (error?: Error) => void;

/**
 * An ioredis connection, opened lazily, that fails fast instead of queueing: during an outage a
 * command is rejected at once (no offline queue) or after `commandTimeoutMs` (a hung server), and
 * commands in flight when the connection drops are rejected, never replayed later. ioredis keeps
 * reconnecting in the background; subscriptions are restored by the owner on `ready`.
 */
export class RedisConnection {
  readonly client: Redis;
  private readonly waiters = new Set<ReadyWaiter>();

  constructor(settings: RedisConnectionSettings) {
    this.client = new Redis(settings.url, {
      connectionName: settings.connectionName,
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      autoResendUnfulfilledCommands: false,
      autoResubscribe: false,
      commandTimeout: settings.commandTimeoutMs,
      connectTimeout: settings.connectTimeoutMs,
      retryStrategy: (attempt) =>
        Math.min(RECONNECT_BASE_DELAY_MS * 2 ** (attempt - 1), RECONNECT_MAX_DELAY_MS),
    });
    // Without a listener an ioredis 'error' event would crash the process.
    this.client.on('error', (error: unknown) => settings.reportError(asError(error), 'connection'));
    // One pair of listeners serves every caller of ready(), however many wait during an outage.
    this.client.on('ready', () => this.settleWaiters());
    this.client.on('end', () => this.settleWaiters(new Error('Redis connection is closed')));
  }

  /** Starts connecting if nothing did yet. Failed attempts are reported as errors and retried. */
  connect(): void {
    if (this.client.status === 'wait') this.client.connect().catch(() => undefined);
  }

  /**
   * Resolves once the connection can take commands, starting it if needed; rejects after
   * `timeoutMs` or when it was closed. Bridges the moments (boot, reconnect) when a client
   * without an offline queue would reject every command.
   */
  ready(timeoutMs: number): Promise<void> {
    if (this.client.status === 'ready') return Promise.resolve();
    if (this.client.status === 'end') return Promise.reject(new Error('Redis connection is closed'));
    this.connect();
    return new Promise((resolve, reject) => {
      const settle: ReadyWaiter = (error) => {
        clearTimeout(timer);
        this.waiters.delete(settle);
        if (error) reject(error);
        else resolve();
      };
      const timer = setTimeout(
        () => settle(new Error(`Redis not reachable within ${timeoutMs} ms`)),
        timeoutMs,
      );
      this.waiters.add(settle);
    });
  }

  /** Ends the connection: a polite QUIT when it is up, otherwise (or when QUIT fails) a hard disconnect. */
  async close(): Promise<void> {
    if (this.client.status === 'ready') {
      try {
        await this.client.quit();
        return;
      } catch {
        // QUIT timed out or the connection dropped meanwhile: fall through to the hard stop.
      }
    }
    this.client.disconnect();
  }

  private settleWaiters(error?: Error): void {
    for (const settle of [...this.waiters]) settle(error);
  }
}
