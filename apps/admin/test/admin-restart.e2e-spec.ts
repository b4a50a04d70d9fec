import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  AdminClient,
  appEntry,
  curlData,
  freePort,
  startAppProcess,
  type AppProcess,
} from '@switchyard/testing';

describe('admin process on the embedded store', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'switchyard-admin-'));
  let admin: AppProcess | undefined;

  afterAll(async () => {
    await admin?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const start = async (port: number) => {
    const url = `http://127.0.0.1:${port}`;
    admin = await startAppProcess(
      appEntry('admin'),
      { ADMIN_LISTEN: `127.0.0.1:${port}`, DATA_DIR: dataDir },
      `${url}/status`,
    );
    return new AdminClient(url);
  };

  it('keeps everything written across a restart', async () => {
    const port = await freePort();
    let client = await start(port);
    const service = await client.form(
      'POST',
      '/services',
      curlData('name=ai-proxy', 'url=http://localhost:32000'),
    );
    expect(service.status).toBe(201);
    const route = await client.form(
      'POST',
      '/services/ai-proxy/routes',
      curlData('name=openai-chat', 'paths[]=~/openai-chat$'),
    );
    expect(route.status).toBe(201);
    await admin!.stop();

    client = await start(port);
    const reread = await client.get('/routes/openai-chat');
    expect(reread.status).toBe(200);
    expect(reread.body).toEqual(route.body);
    expect((await client.get('/services/ai-proxy')).body).toEqual(service.body);
  });
});
