import 'reflect-metadata';
import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import { createAdminApp } from '@switchyard/admin-api';
import { closeOnSignal, loadEnvironment, openConfigStore, parseListenAddress } from '@switchyard/config';
import { SWITCHYARD_VERSION } from '@switchyard/plugin-api';
import { aiProxyPlugin } from '@switchyard/plugin-ai-proxy';
import { AdminEnvironment } from './admin.environment.js';

const env = loadEnvironment(AdminEnvironment);
const store = await openConfigStore({ databaseUrl: env.DATABASE_URL, dataDir: env.DATA_DIR });
const app = await createAdminApp({
  store,
  plugins: [aiProxyPlugin],
  nodeInfo: { version: SWITCHYARD_VERSION, hostname: hostname(), nodeId: randomUUID() },
});
const { host, port } = parseListenAddress(env.ADMIN_LISTEN);
await app.listen(port, host);
console.log(`switchyard admin listening on http://${host}:${port}`);
closeOnSignal(async () => {
  await app.close();
  await store.close();
});
