import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** The PostgreSQL server tests use (trust auth on this machine and in CI). */
export const TEST_POSTGRES_URL =
  process.env['TEST_POSTGRES_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** An id shared by one test run (set by `npm test`), so that runs never touch each other's data. */
export const TEST_RUN_ID = (
  process.env['SWITCHYARD_TEST_RUN_ID'] ?? `t${randomBytes(3).toString('hex')}`
).toLowerCase();

/** A name unique to this run and call, usable as a database name or a Redis key prefix. */
export function uniqueTestName(purpose: string): string {
  return `sy_${TEST_RUN_ID}_${purpose}_${randomBytes(3).toString('hex')}`.replace(/[^a-z0-9_]/g, '_');
}

export interface TestDatabase {
  /** Connection URL of the new, empty database. */
  readonly url: string;
  /** Drops the database (terminating any connection left open). */
  drop(): Promise<void>;
}

/** Creates an empty database of its own for one test suite on the real PostgreSQL server. */
export async function createTestDatabase(purpose = 'db'): Promise<TestDatabase> {
  const name = uniqueTestName(purpose);
  await withAdminConnection((client) => client.query(`CREATE DATABASE ${name}`));
  const url = new URL(TEST_POSTGRES_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: () =>
      withAdminConnection((client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(
        () => undefined,
      ),
  };
}

async function withAdminConnection<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: TEST_POSTGRES_URL });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}
