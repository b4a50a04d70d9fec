import { afterAll, describe, expect, it } from 'vitest';
import { InProcessConfigBus } from '@switchyard/bus';
import { PLUGIN_DEFINITIONS } from '@switchyard/catalog';
import {
  ENTITY_DEFINITIONS,
  buildEntity,
  openConfigStore,
  type ConfigSnapshot,
  type ConfigStore,
  type Route,
} from '@switchyard/config';
import { ConfigSynchronizer } from '@switchyard/sync';
import { SyncMetrics, createLogger } from '@switchyard/telemetry';
import { startInProcessAdmin } from './in-process-admin.js';

/**
 * Admin, config-sync and the bus in one process, as standalone mode runs them: a version
 * config-sync refuses must show on the Admin API's `GET /status` and in config-sync's metrics.
 */
describe("config-sync's refusal, where operators look (issue 10, finding 3)", () => {
  const bus = new InProcessConfigBus<ConfigSnapshot>();
  const metrics = new SyncMetrics();
  let store: ConfigStore;
  let synchronizer: ConfigSynchronizer;

  const admin = startInProcessAdmin(
    async () => {
      store = await openConfigStore({ dataDir: 'memory://' });
      synchronizer = new ConfigSynchronizer({
        store,
        publisher: bus.publisher,
        plugins: PLUGIN_DEFINITIONS,
        logger: createLogger({ name: 'config-sync', level: 'silent' }),
        pollIntervalMs: 50,
        reports: bus.syncReports,
        metrics,
      });
      await synchronizer.start();
      return store;
    },
    async () => {
      await bus.close();
    },
    {
      cluster: {
        heartbeats: bus.heartbeats,
        published: () => bus.publisher.current(),
        syncReport: () => bus.syncReports.read(),
      },
    },
  );
  afterAll(() => synchronizer.stop());

  const metric = async (name: string) =>
    (await metrics.metrics()).split('\n').find((line) => line.startsWith(`${name} `));

  it('shows the refused version and the route at fault on GET /status and in the metrics, until it is fixed', async () => {
    const { client } = admin();
    await expect
      .poll(async () => (await client.get('/status')).body.config_sync?.published_version)
      .toBe(await store.currentVersion());

    // Written past the Admin API (a restored backup, an older admin): the router cannot compile it.
    const broken = buildEntity(
      ENTITY_DEFINITIONS.routes,
      { name: 'broken', headers: { 'x-a': ['~*('] } },
      { kind: 'create' },
    ) as Route;
    await store.insert('routes', broken);
    const refusedVersion = await store.currentVersion();

    await expect
      .poll(async () => (await client.get('/status')).body.config_sync?.refused?.version)
      .toBe(refusedVersion);
    const { config_sync } = (await client.get('/status')).body;
    expect(config_sync.published_version).toBe(refusedVersion - 1);
    expect(config_sync.refused.problems).toEqual([
      expect.stringContaining(
        `routes ${broken.id}: route 'broken' (${broken.id}): invalid header 'x-a' regex`,
      ),
    ]);
    expect(await metric('switchyard_config_refused_version')).toBe(
      `switchyard_config_refused_version ${refusedVersion}`,
    );
    expect(await metric('switchyard_config_refusals_total')).toBe('switchyard_config_refusals_total 1');

    expect((await client.delete('/routes/broken')).status).toBe(204);
    const fixedVersion = await store.currentVersion();
    await expect
      .poll(async () => (await client.get('/status')).body.config_sync)
      .toMatchObject({ published_version: fixedVersion, refused: null });
    expect(await metric('switchyard_config_refused_version')).toBe('switchyard_config_refused_version 0');
    expect(await metric('switchyard_config_published_version')).toBe(
      `switchyard_config_published_version ${fixedVersion}`,
    );
  });
});
