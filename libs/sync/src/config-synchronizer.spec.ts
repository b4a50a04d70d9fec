import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InProcessConfigBus, type PublishOutcome, type SnapshotPublisher } from '@switchyard/bus';
import {
  ENTITY_DEFINITIONS,
  buildEntity,
  openConfigStore,
  type ConfigSnapshot,
  type ConfigStore,
  type Plugin,
  type VersionSubscriber,
} from '@switchyard/config';
import type { PluginDefinition } from '@switchyard/plugin-api';
import { SyncMetrics } from '@switchyard/telemetry';
import type { AddressInfo } from 'node:net';
import { ConfigSynchronizer, type SyncLogger } from './config-synchronizer.js';
import { startSyncStatusListener } from './sync-status-listener.js';

const testPlugin: PluginDefinition = {
  name: 'ai-proxy',
  priority: 770,
  schema: {
    type: 'record',
    description: 'test',
    fields: { route_type: { type: 'string', description: 'type', required: true, one_of: ['llm/v1/chat'] } },
  },
};

function recordingLogger(): SyncLogger & { errors: string[] } {
  const errors: string[] = [];
  return {
    errors,
    info: () => undefined,
    error: (message, fields) => errors.push(`${message} ${JSON.stringify(fields)}`),
  };
}

describe('ConfigSynchronizer', () => {
  let store: ConfigStore;
  let bus: InProcessConfigBus<ConfigSnapshot>;
  let logger: ReturnType<typeof recordingLogger>;
  let synchronizer: ConfigSynchronizer;

  const addService = (name: string) =>
    store.insert(
      'services',
      buildEntity(ENTITY_DEFINITIONS.services, { name, host: 'example.com' }, { kind: 'create' }),
    );
  const published = async () =>
    (await bus.createSubscriber().load())?.services.map((service) => service.name);

  beforeEach(async () => {
    store = await openConfigStore({ dataDir: 'memory://' });
    bus = new InProcessConfigBus<ConfigSnapshot>();
    logger = recordingLogger();
  });

  afterEach(async () => {
    await synchronizer.stop();
    await bus.close();
    await store.close();
  });

  const metrics = new SyncMetrics();
  const start = async (
    publisher: SnapshotPublisher<ConfigSnapshot> = bus.publisher,
    options: { store?: ConfigStore; pollIntervalMs?: number } = {},
  ) => {
    synchronizer = new ConfigSynchronizer({
      store: options.store ?? store,
      publisher,
      plugins: [testPlugin],
      logger,
      pollIntervalMs: options.pollIntervalMs ?? 50,
      retryDelayMs: 20,
      reports: bus.syncReports,
      metrics,
    });
    await synchronizer.start();
  };

  it('publishes the current config at start, then every committed write', async () => {
    await addService('first');
    await start();
    expect(await published()).toEqual(['first']);
    await addService('second');
    await expect
      .poll(async () => (await published())?.sort(), { timeout: 2000 })
      .toEqual(['first', 'second']);
    expect(synchronizer.status.publishedVersion).toBe(await store.currentVersion());
  });

  it('coalesces a burst of writes into passes that end on the latest version', async () => {
    await start();
    await Promise.all(Array.from({ length: 20 }, (_, index) => addService(`burst-${index}`)));
    await expect
      .poll(async () => (await bus.publisher.current())?.version, { timeout: 2000 })
      .toBe(await store.currentVersion());
    expect(await published()).toHaveLength(20);
  });

  it('never publishes a snapshot whose plugin config fails its schema, and says which entity', async () => {
    await addService('good');
    await start();
    const before = await bus.publisher.current();
    const bad = buildEntity(
      ENTITY_DEFINITIONS.plugins,
      { name: 'ai-proxy', config: { route_type: 'nonsense' } },
      { kind: 'create' },
    ) as Plugin;
    await store.insert('plugins', bad);
    await expect
      .poll(() => synchronizer.status.refused?.version, { timeout: 2000 })
      .toBe(await store.currentVersion());
    expect(await bus.publisher.current()).toEqual(before);
    expect(logger.errors.join('\n')).toContain(`plugins ${bad.id}`);
  });

  it('reports a refused version on the bus and on its status listener until a later one is published', async () => {
    await addService('before');
    await start();
    const listener = await startSyncStatusListener(
      { host: '127.0.0.1', port: 0 },
      synchronizer,
      metrics,
      () => undefined,
    );
    const base = `http://127.0.0.1:${(listener.address() as AddressInfo).port}`;
    try {
      const bad = buildEntity(
        ENTITY_DEFINITIONS.plugins,
        { name: 'ai-proxy', config: { route_type: 'nonsense' } },
        { kind: 'create' },
      ) as Plugin;
      await store.insert('plugins', bad);
      const refused = await store.currentVersion();
      await expect.poll(async () => (await bus.syncReports.read())?.refused?.version).toBe(refused);
      const report = await bus.syncReports.read();
      expect(report).toMatchObject({ published_version: refused - 1 });
      expect(report!.refused!.problems).toEqual([
        expect.stringMatching(`^plugins ${bad.id}: invalid config: `),
      ]);
      expect(await (await fetch(`${base}/status`)).json()).toMatchObject({
        published_version: refused - 1,
        refused: { version: refused },
      });
      expect((await (await fetch(`${base}/metrics`)).text()).split('\n')).toEqual(
        expect.arrayContaining([
          `switchyard_config_refused_version ${refused}`,
          `switchyard_config_published_version ${refused - 1}`,
        ]),
      );

      await store.delete('plugins', bad.id);
      const fixed = await store.currentVersion();
      await expect.poll(async () => (await bus.syncReports.read())?.published_version).toBe(fixed);
      expect((await bus.syncReports.read())?.refused).toBeNull();
      expect((await (await fetch(`${base}/metrics`)).text()).split('\n')).toContain(
        'switchyard_config_refused_version 0',
      );
    } finally {
      await new Promise((resolve) => listener.close(resolve));
    }
  });

  it('publishes again when the bus lost its snapshot', async () => {
    let lost = false;
    const publisher: SnapshotPublisher<ConfigSnapshot> = {
      publish: (snapshot) => bus.publisher.publish(snapshot),
      current: async () => (lost ? null : bus.publisher.current()),
    };
    await addService('kept');
    await start(publisher);
    const publishes: PublishOutcome[] = [];
    const original = bus.publisher.publish.bind(bus.publisher);
    publisher.publish = async (snapshot) => {
      const outcome = await original(snapshot);
      publishes.push(outcome);
      return outcome;
    };
    lost = true;
    await expect.poll(() => publishes.length, { timeout: 2000 }).toBeGreaterThan(0);
  });

  it('looks for the versions it missed as soon as the store says its subscription is back', async () => {
    // A store whose announcements are all lost, as while its connection was down.
    let subscriber: VersionSubscriber | undefined;
    const unannounced = new Proxy(store, {
      get: (target, key) => {
        if (key === 'onVersion')
          return async (listener: VersionSubscriber) => {
            subscriber = listener;
            return async () => undefined;
          };
        const value = Reflect.get(target, key) as unknown;
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    await addService('before');
    // No poll during the test: only the store's word can start a pass.
    await start(bus.publisher, { store: unannounced, pollIntervalMs: 60_000 });
    expect(await published()).toEqual(['before']);
    await addService('unannounced');
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await published()).toEqual(['before']);

    subscriber!.missed();
    await expect
      .poll(async () => (await published())?.sort(), { timeout: 2000 })
      .toEqual(['before', 'unannounced']);
  });
});
