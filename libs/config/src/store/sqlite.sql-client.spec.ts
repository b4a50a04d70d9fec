import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ENTITY_DEFINITIONS } from '../entities/entity-definitions.js';
import { buildEntity } from '../entities/entity-builder.js';
import { openConfigStore } from './open-config-store.js';
import { SqliteSqlClient } from './sqlite.sql-client.js';
import type { Service } from '../entities/entity.types.js';

const service = (name: string) =>
  buildEntity(ENTITY_DEFINITIONS.services, { name, host: 'example.com' }, { kind: 'create' }) as Service;

describe('SqliteSqlClient', () => {
  let client: SqliteSqlClient;

  beforeEach(async () => {
    client = SqliteSqlClient.open(':memory:');
    await client.execScript('CREATE TABLE notes (id integer PRIMARY KEY, body jsonb)');
  });
  afterEach(() => client.close());

  it('delivers pg_notify once the transaction commits, and never for one rolled back', async () => {
    const heard: string[] = [];
    await client.listen('news', { onPayload: (payload) => heard.push(payload), onResubscribed: () => {} });
    await expect(
      client.transaction(async (tx) => {
        await tx.query('SELECT pg_notify($1, $2)', ['news', 'dropped']);
        throw new Error('changed my mind');
      }),
    ).rejects.toThrow('changed my mind');
    await client.transaction(async (tx) => {
      await tx.query('SELECT pg_notify($1, $2)', ['news', 'kept']);
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(heard).toEqual([]);
    });
    await expect.poll(() => heard).toEqual(['kept']);
  });

  it("runs a query issued during another caller's transaction after it, never inside it", async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const writing = client.transaction(async (tx) => {
      await tx.query('INSERT INTO notes (id, body) VALUES ($1, $2)', [1, { text: 'draft' }]);
      await held;
      throw new Error('rolled back');
    });
    const reading = client.query<{ id: number }>('SELECT id FROM notes');
    release();
    await expect(writing).rejects.toThrow('rolled back');
    expect(await reading).toEqual([]);
  });

  it('binds $n parameters by number, arrays and objects as JSON, and parses jsonb columns', async () => {
    await client.query('INSERT INTO notes (body, id) VALUES ($2, $1)', [7, { tags: ['a'], on: true }]);
    const rows = await client.query<{ id: number; body: unknown; count: number }>(
      'SELECT id, body, (SELECT count(*) FROM json_each($1)) AS count FROM notes',
      [['x', 'y']],
    );
    expect(rows.map((row) => ({ ...row }))).toEqual([{ id: 7, body: { tags: ['a'], on: true }, count: 2 }]);
  });
});

describe('the embedded store in DATA_DIR', () => {
  let dataDir: string;

  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'switchyard-sqlite-'));
  });
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  it('keeps the config and its version across a restart', async () => {
    const first = await openConfigStore({ dataDir });
    const stored = await first.insert('services', service('kept'));
    const version = await first.currentVersion();
    await first.close();

    const again = await openConfigStore({ dataDir });
    expect(await again.findByField('services', 'name', 'kept')).toEqual(stored);
    expect(await again.currentVersion()).toBe(version);
    await again.close();
  });
});
