import 'reflect-metadata';
import { afterAll, beforeAll } from 'vitest';
import { createAdminApp, type AdminApiOptions } from '@switchyard/admin-api';
import type { ConfigStore } from '@switchyard/config';
import { SWITCHYARD_VERSION } from '@switchyard/plugin-api';
import { PLUGIN_DEFINITIONS } from '@switchyard/catalog';
import { AdminClient } from '@switchyard/testing';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';

export interface AdminUnderTest {
  readonly client: AdminClient;
  readonly store: ConfigStore;
}

/**
 * Runs the Admin API in this process on 127.0.0.1 for the tests of one file (opened before
 * them, closed after), on the store `openStore` gives; `release` runs after the store closed.
 */
export function startInProcessAdmin(
  openStore: () => Promise<ConfigStore>,
  release: () => Promise<void> = async () => undefined,
  options: Partial<AdminApiOptions> = {},
): () => AdminUnderTest {
  let app: NestFastifyApplication;
  let store: ConfigStore;
  let client: AdminClient;
  beforeAll(async () => {
    store = await openStore();
    app = await createAdminApp({
      store,
      plugins: PLUGIN_DEFINITIONS,
      nodeInfo: { version: SWITCHYARD_VERSION, hostname: 'test', nodeId: 'test-node' },
      ...options,
    });
    await app.listen(0, '127.0.0.1');
    client = new AdminClient(await app.getUrl());
  });
  afterAll(async () => {
    await app.close();
    await store.close();
    await release();
  });
  return () => ({ client, store });
}
