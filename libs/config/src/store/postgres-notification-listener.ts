import pg from 'pg';
import { reconnectDelayMs, type BackoffBounds } from './reconnect-backoff.js';
import type { NotificationSubscriber } from './sql-client.js';

/** Reconnect delays of a lost subscription: from up to 100 ms, doubling, never more than 2 s apart. */
const RECONNECT_BACKOFF: BackoffBounds = { baseMs: 100, maxMs: 2_000 };

export interface PostgresNotificationListenerOptions {
  /** How to open the dedicated connection (the pool's settings: timeouts, keepalive). */
  readonly connection: pg.ClientConfig;
  readonly channel: string;
  readonly subscriber: NotificationSubscriber;
  /** Told of each failure (a lost connection, a failed attempt) with the delay before the next attempt. */
  readonly onError: (error: Error, retryInMs: number) => void;
}

/**
 * One `LISTEN` that outlives its connection: on a dedicated client (never one of the pool's, so
 * that no query waits behind it), re-established with a capped, jittered backoff whenever the
 * connection fails, for as long as it is not closed. Notifications sent while it was down are
 * lost, so each re-established subscription tells the subscriber to re-read (`onResubscribed`).
 */
export class PostgresNotificationListener {
  private client: pg.Client | null = null;
  /** Attempts that failed since the subscription last stood. */
  private failures = 0;
  private retryTimer: NodeJS.Timeout | null = null;
  private closed = false;

  constructor(private readonly options: PostgresNotificationListenerOptions) {}

  /**
   * Makes the first attempt: resolves once it is subscribed, or once that attempt failed (it then
   * keeps trying in the background, and `onResubscribed` tells when it stands). Never rejects.
   */
  start(): Promise<void> {
    return this.subscribe();
  }

  /** Stops retrying and ends the connection. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    const client = this.client;
    this.client = null;
    await client?.end().catch(() => undefined);
  }

  private async subscribe(): Promise<void> {
    this.retryTimer = null;
    const { connection, channel, subscriber } = this.options;
    const client = new pg.Client(connection);
    this.client = client;
    // Without an 'error' listener a lost connection would crash the process.
    client.on('error', (error) => this.lost(client, error));
    client.on('notification', (message) => {
      if (message.channel === channel) subscriber.onPayload(message.payload ?? '');
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${pg.escapeIdentifier(channel)}`);
    } catch (error) {
      this.lost(client, error as Error);
      return;
    }
    if (this.client !== client) return;
    // An 'error' usually comes first and says why; an end without one is a loss all the same.
    client.on('end', () => this.lost(client, new Error('Connection terminated unexpectedly')));
    const resumed = this.failures > 0;
    this.failures = 0;
    if (resumed) subscriber.onResubscribed();
  }

  private lost(client: pg.Client, error: Error): void {
    // A failure reported twice (an 'error' then an 'end'), or by a client already replaced.
    if (this.client !== client || this.closed) return;
    this.client = null;
    client.removeAllListeners('notification');
    // Not awaited: ending a connection that hangs can take as long as the outage.
    client.end().catch(() => undefined);
    const delay = reconnectDelayMs(this.failures, RECONNECT_BACKOFF);
    this.failures += 1;
    this.options.onError(error, delay);
    this.retryTimer = setTimeout(() => void this.subscribe(), delay);
    // The subscription serves the process; it is no reason to keep it alive.
    this.retryTimer.unref();
  }
}
