import { SpanKind } from '@opentelemetry/api';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace';
import { afterAll, describe, expect, it } from 'vitest';
import { hashCredentialKey, openConfigStore } from '@switchyard/config';
import { startTracing, TracingSettings } from '@switchyard/telemetry';
import { createTestDatabase, curlData, type TestDatabase } from '@switchyard/testing';
import { startInProcessAdmin, type AdminUnderTest } from './in-process-admin.js';

function describeCredentials(storeName: string, admin: () => AdminUnderTest) {
  describe(`key-auth credentials on ${storeName}`, () => {
    async function consumer(username: string): Promise<string> {
      const created = await admin().client.form('POST', '/consumers', curlData(`username=${username}`));
      expect(created.status).toBe(201);
      return created.body.id as string;
    }

    it('creates a credential with the key given, shows the key once, and stores only its hash', async () => {
      const { client, store } = admin();
      const consumerId = await consumer('alice');
      const created = await client.form(
        'POST',
        '/consumers/alice/key-auth',
        curlData('key=alice-secret-key', 'tags[]=team-a'),
      );
      expect(created.status).toBe(201);
      expect(created.body).toEqual({
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        created_at: expect.any(Number),
        consumer: { id: consumerId },
        key: 'alice-secret-key',
        ttl: null,
        tags: ['team-a'],
      });

      const read = await client.get(`/consumers/alice/key-auth/${created.body.id}`);
      expect(read.status).toBe(200);
      expect(read.body).toEqual({ ...created.body, key: undefined });
      expect(read.text).not.toContain('alice-secret-key');
      // The store holds the hash alone.
      const stored = await store.findById('keyauth_credentials', created.body.id);
      expect(stored?.key_hash).toBe(hashCredentialKey('alice-secret-key'));
      expect(JSON.stringify(stored)).not.toContain('alice-secret-key');
    });

    it("generates a random key of Kong's length and alphabet when none is given", async () => {
      await consumer('bob');
      const first = await admin().client.json('POST', '/consumers/bob/key-auth', {});
      const second = await admin().client.json('POST', '/consumers/bob/key-auth');
      expect(first.status).toBe(201);
      expect(first.body.key).toMatch(/^[A-Za-z0-9]{32}$/);
      expect(second.body.key).toMatch(/^[A-Za-z0-9]{32}$/);
      expect(second.body.key).not.toBe(first.body.key);
    });

    it('finds a credential by its key, lists it under its consumer and at /key-auths, and deletes it', async () => {
      const { client } = admin();
      const consumerId = await consumer('carol');
      const created = await client.json('POST', `/consumers/${consumerId}/key-auth`, { key: 'carol-key' });
      expect(created.status).toBe(201);

      expect((await client.get('/key-auths/carol-key')).body.id).toBe(created.body.id);
      expect((await client.get('/consumers/carol/key-auth/carol-key')).body.id).toBe(created.body.id);
      // Another consumer's path does not reach it.
      await consumer('dave');
      expect((await client.get('/consumers/dave/key-auth/carol-key')).status).toBe(404);

      const listed = await client.get('/consumers/carol/key-auth');
      expect(listed.status).toBe(200);
      expect(listed.body.data.map((entry: { id: string }) => entry.id)).toEqual([created.body.id]);
      expect(listed.text).not.toContain('carol-key');
      const all = await client.get('/key-auths');
      expect(all.body.data.map((entry: { id: string }) => entry.id)).toContain(created.body.id);

      expect((await client.delete('/consumers/dave/key-auth/carol-key')).status).toBe(204);
      expect((await client.get('/key-auths/carol-key')).status).toBe(200);
      expect((await client.delete('/consumers/carol/key-auth/carol-key')).status).toBe(204);
      expect((await client.get('/key-auths/carol-key')).status).toBe(404);
      expect((await client.delete(`/key-auths/${created.body.id}`)).status).toBe(204);
    });

    it('answers a key another credential holds with 409, naming the key', async () => {
      await consumer('erin');
      await consumer('frank');
      expect((await admin().client.json('POST', '/consumers/erin/key-auth', { key: 'shared' })).status).toBe(
        201,
      );
      const taken = await admin().client.json('POST', '/consumers/frank/key-auth', { key: 'shared' });
      expect(taken.status).toBe(409);
      expect(taken.body).toEqual({
        code: 5,
        name: 'unique constraint violation',
        message: `UNIQUE violation detected on '{key="shared"}'`,
        fields: { key: 'shared' },
      });
    });

    it('answers an unknown consumer with 404, at every credential endpoint', async () => {
      const { client } = admin();
      const created = await client.json('POST', '/consumers/nobody/key-auth', { key: 'x' });
      expect(created.status).toBe(404);
      expect(created.body).toEqual({ message: "Not found: no consumers entity with username 'nobody'" });
      expect((await client.get('/consumers/nobody/key-auth')).status).toBe(404);
      expect((await client.get('/consumers/00000000-0000-4000-8000-000000000000/key-auth/x')).status).toBe(
        404,
      );
    });

    it("refuses bad fields with Kong's schema violation, and stores nothing", async () => {
      const { client } = admin();
      await consumer('grace');
      const before = (await client.get('/consumers/grace/key-auth')).body.data.length;
      for (const [input, fields] of [
        [{ key: '' }, { key: 'length must be at least 1' }],
        [{ key: 42 }, { key: 'expected a string' }],
        [{ ttl: -1 }, { ttl: 'value should be between 0 and 100000000' }],
        [{ ttl: 'soon' }, { ttl: 'expected an integer' }],
        [{ key_hash: 'f'.repeat(64) }, { key_hash: 'unknown field' }],
        [{ key: 'a'.repeat(1025) }, { key: 'length must be at most 1024' }],
      ] as const) {
        const refused = await client.json('POST', '/consumers/grace/key-auth', input);
        expect(refused.status).toBe(400);
        expect(refused.body).toMatchObject({ code: 2, name: 'schema violation', fields });
      }
      const nul = await client.json('POST', '/consumers/grace/key-auth', { key: 'a\u0000b' });
      expect(nul.status).toBe(400);
      expect((await client.get('/consumers/grace/key-auth')).body.data.length).toBe(before);
    });

    it('counts a ttl down, and hides an expired credential from every endpoint', async () => {
      const { client } = admin();
      await consumer('heidi');
      const created = await client.form(
        'POST',
        '/consumers/heidi/key-auth',
        curlData('key=heidi-key', 'ttl=1'),
      );
      expect(created.status).toBe(201);
      expect(created.body.ttl).toBe(1);
      await expect
        .poll(async () => (await client.get('/key-auths/heidi-key')).status, {
          timeout: 4_000,
          interval: 200,
        })
        .toBe(404);
      expect((await client.get('/consumers/heidi/key-auth')).body.data).toEqual([]);
      // Its key is free again.
      expect((await client.json('POST', '/consumers/heidi/key-auth', { key: 'heidi-key' })).status).toBe(201);
    });

    it("deletes a consumer's credentials with it", async () => {
      const { client } = admin();
      await consumer('ivan');
      const created = await client.json('POST', '/consumers/ivan/key-auth', { key: 'ivan-key' });
      expect((await client.delete('/consumers/ivan')).status).toBe(204);
      expect((await client.get(`/key-auths/${created.body.id}`)).status).toBe(404);
    });

    it('refuses a key-auth plugin scoped to a consumer, as Kong does', async () => {
      await consumer('judy');
      const refused = await admin().client.json('POST', '/consumers/judy/plugins', { name: 'key-auth' });
      expect(refused.status).toBe(400);
      expect(refused.body).toMatchObject({ code: 2, fields: { consumer: 'value must be null' } });
    });

    it('answers a method the credential endpoints do not serve with 405', async () => {
      expect((await admin().client.json('PATCH', '/key-auths/some-key', { tags: ['x'] })).status).toBe(405);
    });
  });
}

describeCredentials(
  'SQLite',
  startInProcessAdmin(() => openConfigStore({ dataDir: 'memory://' })),
);

let database: TestDatabase;
describeCredentials(
  'PostgreSQL',
  startInProcessAdmin(
    async () => {
      database = await createTestDatabase('keyauth');
      return openConfigStore({ databaseUrl: database.url, dataDir: '' });
    },
    () => database.drop(),
  ),
);

// Started as the suites are collected (as the describe block below did when tracing started at once).
const spans = new InMemorySpanExporter();
const tracing = await startTracing(new TracingSettings(), {
  serviceName: 'switchyard-admin-test',
  serviceVersion: '0.0.0-test',
  exporter: spans,
});

describe('key-auth credentials in Admin API traces', () => {
  const admin = startInProcessAdmin(
    () => openConfigStore({ dataDir: 'memory://' }),
    async () => undefined,
    { tracer: tracing.tracer('@switchyard/admin-api') },
  );
  afterAll(() => tracing.shutdown());

  it('records no key that addresses a credential in the request span', async () => {
    const { client } = admin();
    await client.form('POST', '/consumers', curlData('username=traced'));
    await client.json('POST', '/consumers/traced/key-auth', { key: 'traced-secret-key' });
    spans.reset();
    expect((await client.get('/key-auths/traced-secret-key')).status).toBe(200);
    expect((await client.delete('/consumers/traced/key-auth/traced-secret-key')).status).toBe(204);
    await tracing.flush();
    const servers = spans.getFinishedSpans().filter((span) => span.kind === SpanKind.SERVER);
    expect(servers.map((span) => span.attributes['url.path'])).toEqual([
      '/key-auths/:credential',
      '/consumers/traced/key-auth/:credential',
    ]);
    expect(JSON.stringify(servers.map((span) => [span.name, span.attributes]))).not.toContain(
      'traced-secret-key',
    );
  });
});
