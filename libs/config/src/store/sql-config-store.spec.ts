import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '@switchyard/testing';
import { ENTITY_DEFINITIONS } from '../entities/entity-definitions.js';
import { buildEntity } from '../entities/entity-builder.js';
import { KongDbError } from '../errors/kong-db-error.js';
import { openConfigStore } from './open-config-store.js';
import { VERSION_LOG_LENGTH } from './sql-config-store.js';
import { buildKeyAuthCredential } from '../entities/keyauth-credential.schema.js';
import type { Consumer, Plugin, Route, Service } from '../entities/entity.types.js';
import type { SqlConfigStore } from './sql-config-store.js';

const service = (input: Record<string, unknown>) =>
  buildEntity(ENTITY_DEFINITIONS.services, input, { kind: 'create' }) as Service;
const route = (input: Record<string, unknown>) =>
  buildEntity(ENTITY_DEFINITIONS.routes, input, { kind: 'create' }) as Route;
const plugin = (input: Record<string, unknown>) =>
  buildEntity(ENTITY_DEFINITIONS.plugins, input, { kind: 'create' }) as Plugin;

async function expectKongError(
  promise: Promise<unknown>,
  status: number,
  message: RegExp,
): Promise<KongDbError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(KongDbError);
  expect((error as KongDbError).status).toBe(status);
  expect((error as KongDbError).message).toMatch(message);
  return error as KongDbError;
}

function describeStore(
  adapter: string,
  open: () => Promise<{ store: SqlConfigStore; cleanup: () => Promise<void> }>,
) {
  describe(`SqlConfigStore on ${adapter}`, () => {
    let store: SqlConfigStore;
    let cleanup: () => Promise<void>;

    beforeAll(async () => {
      ({ store, cleanup } = await open());
    });
    afterAll(async () => {
      await store.close();
      await cleanup();
    });

    it('bumps the config version once per committed write and announces it', async () => {
      const seen: number[] = [];
      const unsubscribe = await store.onVersion({
        committed: (version) => seen.push(version),
        missed: () => undefined,
      });
      const before = await store.currentVersion();
      const created = await store.insert(
        'services',
        service({ name: `svc-${randomUUID()}`, host: 'example.com' }),
      );
      await store.update('services', { ...created, port: 8080 });
      expect(await store.currentVersion()).toBe(before + 2);
      await expect.poll(() => seen, { timeout: 2000 }).toEqual([before + 1, before + 2]);
      await unsubscribe();
    });

    it('remembers when each recent version was committed, and forgets the oldest', async () => {
      const first = (await store.currentVersion()) + 1;
      // Deleting nothing is a write too: each one bumps the version.
      for (let write = 0; write <= VERSION_LOG_LENGTH; write += 1)
        await store.delete('services', randomUUID());
      const last = await store.currentVersion();
      expect(last).toBe(first + VERSION_LOG_LENGTH);
      const ages = await store.versionAges([first, first + 1, last, last + 1]);
      expect([...ages.keys()].sort((a, b) => a - b)).toEqual([first + 1, last]);
      expect(ages.get(last)).toBeGreaterThanOrEqual(0);
      expect(ages.get(last)).toBeLessThanOrEqual(ages.get(first + 1)!);
      expect(ages.get(first + 1)).toBeLessThan(60_000);
    });

    it('answers a taken name with a 409 unique violation and writes nothing', async () => {
      const name = `dup-${randomUUID()}`;
      await store.insert('services', service({ name, host: 'a.example' }));
      const version = await store.currentVersion();
      await expectKongError(
        store.insert('services', service({ name, host: 'b.example' })),
        409,
        /UNIQUE violation detected on '\{name=".*"\}'/,
      );
      expect(await store.currentVersion()).toBe(version);
    });

    it('refuses a route that references a missing service', async () => {
      const missing = randomUUID();
      const error = await expectKongError(
        store.insert('routes', route({ paths: ['/x'], service: { id: missing } })),
        400,
        /does not reference an existing 'services' entity/,
      );
      expect(error.toBody().fields).toEqual({ service: { id: missing } });
    });

    it('refuses to delete a service that a route uses, and deletes a route with its plugins', async () => {
      const svc = await store.insert('services', service({ host: 'c.example' }));
      const rt = await store.insert('routes', route({ paths: ['/c'], service: { id: svc.id } }));
      const pl = await store.insert(
        'plugins',
        plugin({ name: 'ai-proxy', config: {}, route: { id: rt.id } }),
      );
      await expectKongError(
        store.delete('services', svc.id),
        400,
        /an existing 'routes' entity references this 'services' entity/,
      );
      expect(await store.delete('routes', rt.id)).toBe(true);
      expect(await store.findById('plugins', pl.id)).toBeUndefined();
      expect(await store.delete('services', svc.id)).toBe(true);
    });

    it('allows one plugin of a name per route', async () => {
      const rt = await store.insert('routes', route({ paths: ['/once'] }));
      await store.insert('plugins', plugin({ name: 'ai-proxy', config: {}, route: { id: rt.id } }));
      await expectKongError(
        store.insert('plugins', plugin({ name: 'ai-proxy', config: {}, route: { id: rt.id } })),
        409,
        new RegExp(
          `UNIQUE violation detected on '\\{consumer=null,name="ai-proxy",route=\\{id="${rt.id}"\\},service=null\\}'`,
        ),
      );
    });

    it("filters by all of several tags ('and') or by any of them ('or')", async () => {
      const [red, blue] = [`red-${randomUUID().slice(0, 8)}`, `blue-${randomUUID().slice(0, 8)}`];
      const tagged: Record<string, string[] | undefined> = {
        both: [red, blue],
        red: [red, 'other'],
        blue: [blue],
        untagged: undefined,
      };
      for (const [name, tags] of Object.entries(tagged)) {
        await store.insert(
          'consumers',
          buildEntity(ENTITY_DEFINITIONS.consumers, { username: `${red}-${name}`, tags }, { kind: 'create' }),
        );
      }
      const names = async (mode: 'and' | 'or', values: string[]) =>
        (await store.list('consumers', { size: 100, tags: { values, mode } })).data
          .map((consumer) => consumer.username!.slice(red.length + 1))
          .sort();
      expect(await names('and', [red, blue])).toEqual(['both']);
      expect(await names('and', [red])).toEqual(['both', 'red']);
      expect(await names('or', [red, blue])).toEqual(['blue', 'both', 'red']);
      expect(await names('or', [`none-${red}`])).toEqual([]);
    });

    it('pages through a collection with opaque offsets and filters by tags', async () => {
      const tag = `page-${randomUUID().slice(0, 8)}`;
      for (let index = 0; index < 5; index += 1) {
        await store.insert(
          'consumers',
          buildEntity(
            ENTITY_DEFINITIONS.consumers,
            { username: `${tag}-${index}`, tags: [tag] },
            { kind: 'create' },
          ),
        );
      }
      const first = await store.list('consumers', { size: 3, tags: { values: [tag], mode: 'and' } });
      expect(first.data).toHaveLength(3);
      expect(first.offset).toEqual(expect.any(String));
      const second = await store.list('consumers', {
        size: 3,
        offset: first.offset!,
        tags: { values: [tag], mode: 'and' },
      });
      expect(second.data).toHaveLength(2);
      expect(second.offset).toBeNull();
      const usernames = [...first.data, ...second.data].map((consumer) => consumer.username).sort();
      expect(usernames).toEqual([0, 1, 2, 3, 4].map((index) => `${tag}-${index}`));
      await expectKongError(
        store.list('consumers', { size: 3, offset: 'garbage' }),
        400,
        /'garbage' is not a valid offset/,
      );
    });

    describe('key-auth credentials', () => {
      let owner: Consumer;
      beforeAll(async () => {
        owner = (await store.insert(
          'consumers',
          buildEntity(
            ENTITY_DEFINITIONS.consumers,
            { username: `owner-${randomUUID()}` },
            { kind: 'create' },
          ),
        )) as Consumer;
      });
      const now = () => Math.floor(Date.now() / 1000);
      const credential = (key: string, input: { ttl?: number; at?: number } = {}) =>
        buildKeyAuthCredential({ consumer: { id: owner.id }, key, ttl: input.ttl }, input.at ?? now())
          .credential;

      it('stores the hash of the key, finds it by hash, and lists it under its consumer', async () => {
        const key = `k-${randomUUID()}`;
        const stored = await store.insert('keyauth_credentials', credential(key));
        const row = await store.findByField('keyauth_credentials', 'key_hash', stored.key_hash);
        expect(row).toEqual(stored);
        expect(JSON.stringify(row)).not.toContain(key);
        const page = await store.list('keyauth_credentials', {
          size: 100,
          parent: { field: 'consumer', id: owner.id },
        });
        expect(page.data.map((entry) => entry.id)).toContain(stored.id);
      });

      it("refuses a key another credential holds with Kong's 409 on the hash", async () => {
        const key = `k-${randomUUID()}`;
        await store.insert('keyauth_credentials', credential(key));
        const error = await expectKongError(
          store.insert('keyauth_credentials', credential(key)),
          409,
          /UNIQUE violation detected on '\{key_hash="[0-9a-f]{64}"\}'/,
        );
        expect(Object.keys(error.fields ?? {})).toEqual(['key_hash']);
      });

      it('hides an expired credential from every read but the config, and frees its key on the next insert', async () => {
        const key = `k-${randomUUID()}`;
        const expired = await store.insert(
          'keyauth_credentials',
          credential(key, { ttl: 10, at: now() - 60 }),
        );
        expect(await store.findById('keyauth_credentials', expired.id)).toBeUndefined();
        expect(await store.findByField('keyauth_credentials', 'key_hash', expired.key_hash)).toBeUndefined();
        const page = await store.list('keyauth_credentials', { size: 1000 });
        expect(page.data.map((entry) => entry.id)).not.toContain(expired.id);
        expect((await store.readConfig()).keyauth_credentials?.map((entry) => entry.id)).toContain(
          expired.id,
        );

        const renewed = await store.insert('keyauth_credentials', credential(key, { ttl: 3600 }));
        expect(await store.findByField('keyauth_credentials', 'key_hash', renewed.key_hash)).toEqual(renewed);
        expect((await store.readConfig()).keyauth_credentials?.map((entry) => entry.id)).not.toContain(
          expired.id,
        );
      });

      it("refuses a credential of a consumer that does not exist, and deletes a consumer's with it", async () => {
        const ghost = randomUUID();
        await expectKongError(
          store.insert('keyauth_credentials', {
            ...credential(`k-${randomUUID()}`),
            consumer: { id: ghost },
          }),
          400,
          /does not reference an existing 'consumers' entity/,
        );
        const leaving = (await store.insert(
          'consumers',
          buildEntity(
            ENTITY_DEFINITIONS.consumers,
            { username: `leaving-${randomUUID()}` },
            { kind: 'create' },
          ),
        )) as Consumer;
        const theirs = await store.insert('keyauth_credentials', {
          ...credential(`k-${randomUUID()}`),
          consumer: { id: leaving.id },
        });
        await store.delete('consumers', leaving.id);
        expect(await store.findById('keyauth_credentials', theirs.id)).toBeUndefined();
      });
    });

    it('reads the whole config at one version', async () => {
      const content = await store.readConfig();
      expect(content.version).toBe(await store.currentVersion());
      expect(content.services.length).toBeGreaterThan(0);
    });
  });
}

describeStore('SQLite', async () => {
  const store = await openConfigStore({ dataDir: 'memory://' });
  return { store, cleanup: async () => undefined };
});

let database: TestDatabase;
describeStore('PostgreSQL', async () => {
  database = await createTestDatabase('store');
  const store = await openConfigStore({ databaseUrl: database.url, dataDir: '' });
  return { store, cleanup: () => database.drop() };
});
