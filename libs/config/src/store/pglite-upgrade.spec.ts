import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENTITY_DEFINITIONS } from '../entities/entity-definitions.js';
import { buildEntity } from '../entities/entity-builder.js';
import { buildKeyAuthCredential } from '../entities/keyauth-credential.schema.js';
import { EMBEDDED_STORE_FILE, PgliteDataDirError } from './embedded-store.js';
import { openConfigStore } from './open-config-store.js';
import { PgliteSqlClient } from './pglite.sql-client.js';
import { copyPgliteStore } from './pglite-upgrade.js';
import { SqlConfigStore } from './sql-config-store.js';
import type { ConfigContent } from './config-store.js';
import type { Consumer, Plugin, Route, Service } from '../entities/entity.types.js';

const build = <T>(entity: keyof typeof ENTITY_DEFINITIONS, input: Record<string, unknown>) =>
  buildEntity(ENTITY_DEFINITIONS[entity], input, { kind: 'create' }) as T;

/** A DATA_DIR as an earlier Switchyard left it: PGlite, one entity of each kind, a few versions. */
async function writePgliteDataDir(dataDir: string): Promise<ConfigContent> {
  const store = await SqlConfigStore.open(await PgliteSqlClient.open(dataDir));
  const service = await store.insert(
    'services',
    build<Service>('services', { name: 'llm', host: 'a.example' }),
  );
  const route = await store.insert(
    'routes',
    build<Route>('routes', { name: 'chat', paths: ['/chat'], service: { id: service.id }, tags: ['t'] }),
  );
  await store.insert(
    'plugins',
    build<Plugin>('plugins', { name: 'ai-proxy', config: {}, route: { id: route.id } }),
  );
  const consumer = await store.insert('consumers', build<Consumer>('consumers', { username: 'ann' }));
  const { credential } = buildKeyAuthCredential(
    { consumer: { id: consumer.id }, key: 'secret-key', ttl: 3600 },
    Math.floor(Date.now() / 1000),
  );
  await store.insert('keyauth_credentials', credential);
  const content = await store.readConfig();
  await store.close();
  return content;
}

describe('copying a PGlite DATA_DIR into the SQLite store', () => {
  let dataDir: string;
  let before: ConfigContent;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'switchyard-pglite-'));
    before = await writePgliteDataDir(dataDir);
  }, 120_000);
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('refuses to start on it, naming the command that copies it', async () => {
    const error = await openConfigStore({ dataDir }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(PgliteDataDirError);
    expect((error as Error).message).toContain(`DATA_DIR=${dataDir} npm run store:migrate-pglite`);
    expect(existsSync(join(dataDir, EMBEDDED_STORE_FILE))).toBe(false);
  });

  it('copies every entity and the version, which the store then serves and bumps', async () => {
    const copy = await copyPgliteStore(dataDir);
    expect(copy).toEqual({
      file: join(dataDir, EMBEDDED_STORE_FILE),
      version: 5,
      rows: { services: 1, routes: 1, consumers: 1, plugins: 1, keyauth_credentials: 1 },
    });
    expect(existsSync(`${copy.file}.partial`)).toBe(false);

    const store = await openConfigStore({ dataDir });
    try {
      expect(await store.readConfig()).toEqual(before);
      expect((await store.versionAges([before.version])).has(before.version)).toBe(true);
      const route = await store.findByField('routes', 'name', 'chat');
      await store.update('routes', { ...route!, paths: ['/chat2'] });
      expect(await store.currentVersion()).toBe(before.version + 1);
      expect(
        (await store.list('routes', { size: 10, tags: { values: ['t'], mode: 'and' } })).data,
      ).toHaveLength(1);
    } finally {
      await store.close();
    }
  });

  it('refuses to copy twice', async () => {
    await expect(copyPgliteStore(dataDir)).rejects.toThrow(/exists already/);
  });
});
