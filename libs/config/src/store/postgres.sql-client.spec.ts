import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, FlakyTcpProxy, waitUntil, type TestDatabase } from '@switchyard/testing';
import { PostgresSqlClient } from './postgres.sql-client.js';
import type { PostgresTimeouts } from './postgres-timeouts.js';
import { StoreUnavailableError } from './store-unavailable.error.js';

/** Short bounds, so that a hung server is given up on within a second or two. */
const TIMEOUTS: PostgresTimeouts = {
  connectTimeoutMs: 400,
  statementTimeoutMs: 400,
  idleInTransactionTimeoutMs: 2_000,
  keepAliveIdleMs: 1_000,
};
/** Statement timeout, plus the client's margin, plus room for a busy machine. */
const GIVES_UP_WITHIN_MS = 3_000;

/** The rejection of `promise` (it must reject), and how long it took. */
async function rejectionOf(promise: Promise<unknown>): Promise<{ error: unknown; elapsedMs: number }> {
  const started = performance.now();
  const error = await promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (caught: unknown) => caught,
  );
  return { error, elapsedMs: performance.now() - started };
}

describe('PostgresSqlClient when PostgreSQL fails', () => {
  let database: TestDatabase;
  /** The test's own connection, which no fault touches. */
  let direct: pg.Client;
  let hop: FlakyTcpProxy;
  let client: PostgresSqlClient;
  const reported: string[] = [];

  const open = () =>
    new PostgresSqlClient({
      // The password must never show in a message (trust auth ignores it).
      connectionString: hop.url.replace('postgres@', 'postgres:s3cret-password@'),
      timeouts: TIMEOUTS,
      onConnectionError: (error, source) => reported.push(`${source}: ${error.message}`),
    });

  const expectUnavailable = (error: unknown) => {
    expect(error).toBeInstanceOf(StoreUnavailableError);
    const message = (error as Error).message;
    expect(message).toMatch(
      new RegExp(
        `^The config store \\(PostgreSQL at ${hop.address}\\) is unreachable: .+\\. Retry when it is back\\.$`,
      ),
    );
    expect(message).not.toContain('s3cret');
  };

  beforeAll(async () => {
    database = await createTestDatabase('pgclient');
    direct = new pg.Client({ connectionString: database.url });
    await direct.connect();
    await direct.query('CREATE TABLE items (name text PRIMARY KEY)');
  });

  afterAll(async () => {
    await direct?.end();
    await database?.drop();
  });

  afterEach(async () => {
    hop.resume();
    hop.restore();
    await client.close();
    await hop.close();
  });

  const start = async () => {
    hop = await FlakyTcpProxy.start(new URL(database.url));
    client = open();
    // One connection in the pool before the fault, as in a running app.
    await client.query('SELECT 1');
  };

  it('answers StoreUnavailableError at once, naming host:port, while connections are refused', async () => {
    await start();
    hop.cut();
    const { error, elapsedMs } = await rejectionOf(client.query('SELECT 1'));
    expectUnavailable(error);
    expect(elapsedMs).toBeLessThan(GIVES_UP_WITHIN_MS);
    hop.restore();
    expect(await client.query('SELECT 1 AS one')).toEqual([{ one: 1 }]);
  });

  it('gives a query up within the statement timeout when the server stops answering, and recovers', async () => {
    await start();
    hop.pause();
    const { error, elapsedMs } = await rejectionOf(client.query('SELECT 1'));
    expectUnavailable(error);
    expect(elapsedMs).toBeLessThan(GIVES_UP_WITHIN_MS);
    // A new connection, too, is given up on within the connect timeout.
    const write = await rejectionOf(client.transaction((tx) => tx.query('SELECT 1')));
    expectUnavailable(write.error);
    expect(write.elapsedMs).toBeLessThan(GIVES_UP_WITHIN_MS);
    hop.resume();
    // The connections that timed out were destroyed, not handed out again half-open.
    expect(await client.query('SELECT 2 AS two')).toEqual([{ two: 2 }]);
    expect(await client.transaction((tx) => tx.query('SELECT 3 AS three'))).toEqual([{ three: 3 }]);
  });

  it('rolls a transaction back when its connection is lost mid-write, and keeps the process alive', async () => {
    await start();
    let cutDone!: () => void;
    const cutDoneSignal = new Promise<void>((resolve) => (cutDone = resolve));
    const written = client.transaction(async (tx) => {
      await tx.query(`INSERT INTO items (name) VALUES ('lost')`);
      // The connection drops between two statements of the transaction.
      hop.cut();
      await cutDoneSignal;
      await tx.query(`INSERT INTO items (name) VALUES ('lost-too')`);
    });
    // Let the checked-out client see its connection die (its 'error' event) before going on.
    await new Promise((resolve) => setTimeout(resolve, 100));
    cutDone();
    expectUnavailable((await rejectionOf(written)).error);
    expect(reported.some((line) => line.startsWith('pool: '))).toBe(true);
    hop.restore();
    expect((await direct.query(`SELECT name FROM items WHERE name LIKE 'lost%'`)).rows).toEqual([]);
    await client.transaction((tx) => tx.query(`INSERT INTO items (name) VALUES ('kept')`));
    expect((await direct.query(`SELECT name FROM items`)).rows).toEqual([{ name: 'kept' }]);
  });

  it('re-subscribes a LISTEN whose connection was lost, says so, and delivers later notifications', async () => {
    await start();
    const payloads: string[] = [];
    let resubscribed = 0;
    const unlisten = await client.listen('sy_test_channel', {
      onPayload: (payload) => payloads.push(payload),
      onResubscribed: () => (resubscribed += 1),
    });
    await direct.query(`NOTIFY sy_test_channel, 'before'`);
    await waitUntil('the first notification', () => (payloads.length === 1 ? true : undefined));

    hop.cut();
    await direct.query(`NOTIFY sy_test_channel, 'while-down'`);
    await new Promise((resolve) => setTimeout(resolve, 300));
    hop.restore();
    await waitUntil('the subscription to stand again', () => (resubscribed === 1 ? true : undefined));
    expect(
      reported.some((line) =>
        /^listener: LISTEN sy_test_channel on .* failed, retrying in \d+ ms/.test(line),
      ),
    ).toBe(true);
    await direct.query(`NOTIFY sy_test_channel, 'after'`);
    await waitUntil('the notification after the outage', () =>
      payloads.includes('after') ? true : undefined,
    );
    expect(payloads).toEqual(['before', 'after']);
    await unlisten();
  });

  it('starts a LISTEN while the store refuses connections, and subscribes once it is back', async () => {
    await start();
    hop.cut();
    const payloads: string[] = [];
    let resubscribed = 0;
    const unlisten = await client.listen('sy_test_late', {
      onPayload: (payload) => payloads.push(payload),
      onResubscribed: () => (resubscribed += 1),
    });
    hop.restore();
    await waitUntil('the subscription to stand', () => (resubscribed === 1 ? true : undefined));
    await direct.query(`NOTIFY sy_test_late, 'hello'`);
    await waitUntil('the notification', () => (payloads.length === 1 ? true : undefined));
    expect(payloads).toEqual(['hello']);
    await unlisten();
  });
});
