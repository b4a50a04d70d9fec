import { once } from 'node:events';
import { createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_REDIS_URL, appEntry, freePort, spawnAppProcess, uniqueTestName } from '@switchyard/testing';

/** The clustered proxy app's primary, when its workers cannot start. */
describe('proxy app with PROXY_WORKERS=2', () => {
  let squatter: Server;
  let takenPort: number;

  beforeAll(async () => {
    squatter = createServer();
    squatter.listen(0, '127.0.0.1');
    await once(squatter, 'listening');
    takenPort = (squatter.address() as { port: number }).port;
  });

  afterAll(() => new Promise<void>((resolve) => squatter.close(() => resolve())));

  it('gives up with exit code 1 and says why when its workers keep dying before they listen', async () => {
    const proxy = spawnAppProcess(appEntry('proxy'), {
      REDIS_URL: TEST_REDIS_URL,
      REDIS_PREFIX: uniqueTestName('supervision'),
      PROXY_WORKERS: '2',
      PROXY_LISTEN: `127.0.0.1:${takenPort}`,
      STATUS_LISTEN: `127.0.0.1:${await freePort()}`,
      LOG_LEVEL: 'info',
    });
    try {
      const [code] = (await Promise.race([
        once(proxy.child, 'exit'),
        new Promise((_, reject) => setTimeout(() => reject(new Error(proxy.output())), 30_000)),
      ])) as [number | null];
      expect(code).toBe(1);
      expect(proxy.output()).toContain('EADDRINUSE');
      expect(proxy.output()).toContain('proxy workers keep dying before they listen; giving up');
    } finally {
      await proxy.stop();
    }
  }, 40_000);
});
