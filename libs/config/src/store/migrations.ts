import type { SqlClient } from './sql-client.js';
import type { SqlEngine } from './sql-dialect.js';

/** One schema change, spelled for each engine (the same text when both accept it). */
export interface Migration {
  readonly name: string;
  readonly sql: { readonly [E in SqlEngine]: string };
}

/** A change whose SQL PostgreSQL and SQLite both accept. */
const either = (sql: string): Migration['sql'] => ({ postgresql: sql, sqlite: sql });

/** The indexes of 001's foreign-key columns, the same on both engines. */
const ENTITY_INDEXES = `
  CREATE INDEX routes_service_id_idx ON routes (service_id);
  CREATE INDEX plugins_route_id_idx ON plugins (route_id);
  CREATE INDEX plugins_service_id_idx ON plugins (service_id);
  CREATE INDEX plugins_consumer_id_idx ON plugins (consumer_id);
`;

/**
 * The config schema, as one ordered list of migrations for both engines. Each entity is stored
 * whole as `jsonb` (the Admin API's shape; SQLite keeps its JSON text, which its client parses),
 * beside the columns that carry its unique and foreign-key constraints, so that the database
 * enforces what Kong's DAO enforces. SQLite's foreign keys are checked at COMMIT (`DEFERRABLE
 * INITIALLY DEFERRED`) so that its client can name the one that failed, and a delete that
 * PostgreSQL restricts fails there as well (NO ACTION). A new migration adds one entry here, with
 * its SQL for each engine, and never changes an applied one.
 */
export const MIGRATIONS: readonly Migration[] = [
  {
    name: '001_config_entities',
    sql: {
      postgresql: `
        CREATE TABLE config_version (
          singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
          version bigint NOT NULL
        );
        INSERT INTO config_version (singleton, version) VALUES (true, 0);

        CREATE TABLE services (
          id uuid PRIMARY KEY,
          name text UNIQUE,
          entity jsonb NOT NULL
        );

        CREATE TABLE routes (
          id uuid PRIMARY KEY,
          name text UNIQUE,
          service_id uuid REFERENCES services (id) ON DELETE RESTRICT,
          entity jsonb NOT NULL
        );

        CREATE TABLE consumers (
          id uuid PRIMARY KEY,
          username text UNIQUE,
          custom_id text UNIQUE,
          entity jsonb NOT NULL
        );

        CREATE TABLE plugins (
          id uuid PRIMARY KEY,
          name text NOT NULL,
          instance_name text UNIQUE,
          route_id uuid REFERENCES routes (id) ON DELETE CASCADE,
          service_id uuid REFERENCES services (id) ON DELETE CASCADE,
          consumer_id uuid REFERENCES consumers (id) ON DELETE CASCADE,
          -- One instance of a plugin per (route, service, consumer) scope, as Kong's cache_key.
          cache_key text NOT NULL UNIQUE,
          entity jsonb NOT NULL
        );
      ${ENTITY_INDEXES}`,
      sqlite: `
        CREATE TABLE config_version (
          singleton integer PRIMARY KEY DEFAULT 1 CHECK (singleton = 1),
          version integer NOT NULL
        );
        INSERT INTO config_version (singleton, version) VALUES (1, 0);

        CREATE TABLE services (
          id text NOT NULL PRIMARY KEY,
          name text UNIQUE,
          entity jsonb NOT NULL
        );

        CREATE TABLE routes (
          id text NOT NULL PRIMARY KEY,
          name text UNIQUE,
          service_id text REFERENCES services (id) DEFERRABLE INITIALLY DEFERRED,
          entity jsonb NOT NULL
        );

        CREATE TABLE consumers (
          id text NOT NULL PRIMARY KEY,
          username text UNIQUE,
          custom_id text UNIQUE,
          entity jsonb NOT NULL
        );

        CREATE TABLE plugins (
          id text NOT NULL PRIMARY KEY,
          name text NOT NULL,
          instance_name text UNIQUE,
          route_id text REFERENCES routes (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
          service_id text REFERENCES services (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
          consumer_id text REFERENCES consumers (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
          -- One instance of a plugin per (route, service, consumer) scope, as Kong's cache_key.
          cache_key text NOT NULL UNIQUE,
          entity jsonb NOT NULL
        );
      ${ENTITY_INDEXES}`,
    },
  },
  {
    // The W3C traceparent of the write that made the current version, when it was traced.
    name: '002_config_version_traceparent',
    sql: either(`ALTER TABLE config_version ADD COLUMN traceparent text;`),
  },
  {
    // When each recent version was committed: how long a data plane serving an older one has been
    // behind. SQLite: Unix milliseconds.
    name: '003_config_version_log',
    sql: {
      postgresql: `CREATE TABLE config_version_log (version bigint PRIMARY KEY, committed_at timestamptz NOT NULL);`,
      sqlite: `CREATE TABLE config_version_log (version integer PRIMARY KEY, committed_at real NOT NULL);`,
    },
  },
  {
    // Kong's keyauth_credentials, holding the key's SHA-256 and never the key itself.
    name: '004_keyauth_credentials',
    sql: {
      postgresql: `
        CREATE TABLE keyauth_credentials (
          id uuid PRIMARY KEY,
          consumer_id uuid NOT NULL REFERENCES consumers (id) ON DELETE CASCADE,
          key_hash text NOT NULL UNIQUE,
          -- Unix seconds from which the key no longer authenticates (Kong's ttl); null: never.
          expires_at bigint,
          entity jsonb NOT NULL
        );
        CREATE INDEX keyauth_credentials_consumer_id_idx ON keyauth_credentials (consumer_id);
      `,
      sqlite: `
        CREATE TABLE keyauth_credentials (
          id text NOT NULL PRIMARY KEY,
          consumer_id text NOT NULL REFERENCES consumers (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
          key_hash text NOT NULL UNIQUE,
          -- Unix seconds from which the key no longer authenticates (Kong's ttl); null: never.
          expires_at integer,
          entity jsonb NOT NULL
        );
        CREATE INDEX keyauth_credentials_consumer_id_idx ON keyauth_credentials (consumer_id);
      `,
    },
  },
];

/**
 * Applies the migrations not yet applied, in one transaction; on PostgreSQL under an advisory
 * lock so that processes starting together take turns (SQLite's transaction holds the write lock).
 */
export async function migrate(client: SqlClient): Promise<string[]> {
  const { engine, migrationLock } = client.dialect;
  return client.transaction(async (tx) => {
    if (migrationLock) await tx.query(migrationLock);
    await tx.query(
      'CREATE TABLE IF NOT EXISTS schema_migrations (name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT CURRENT_TIMESTAMP)',
    );
    const applied = new Set(
      (await tx.query<{ name: string }>('SELECT name FROM schema_migrations')).map((row) => row.name),
    );
    const pending = MIGRATIONS.filter((migration) => !applied.has(migration.name));
    for (const migration of pending) {
      await tx.execScript(migration.sql[engine]);
      await tx.query('INSERT INTO schema_migrations (name) VALUES ($1)', [migration.name]);
    }
    return pending.map((migration) => migration.name);
  });
}
