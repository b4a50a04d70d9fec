import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AdminClient } from '../http/admin-client.js';
import { appEntry, freePort, startAppProcess, type AppProcess } from '../processes/app-process.js';

/** A standalone gateway process (admin + config-sync + proxy, embedded store) for end-to-end tests. */
export interface StandaloneGateway {
  readonly admin: AdminClient;
  readonly adminUrl: string;
  readonly proxyUrl: string;
  readonly statusUrl: string;
  readonly process: AppProcess;
  /** The access log lines the process printed so far (JSON, `type: "access"`). */
  accessLog(): Record<string, unknown>[];
  stop(): Promise<void>;
}

/**
 * Starts `apps/standalone` (built) on free ports with a fresh data directory, and resolves once
 * the Admin API and the proxy's status listener answer.
 */
export async function startStandaloneGateway(
  env: Readonly<Record<string, string>> = {},
): Promise<StandaloneGateway> {
  const [adminPort, proxyPort, statusPort] = await Promise.all([freePort(), freePort(), freePort()]);
  const dataDir = mkdtempSync(join(tmpdir(), 'switchyard-standalone-'));
  const adminUrl = `http://127.0.0.1:${adminPort}`;
  const statusUrl = `http://127.0.0.1:${statusPort}`;
  const process = await startAppProcess(
    appEntry('standalone'),
    {
      ADMIN_LISTEN: `127.0.0.1:${adminPort}`,
      PROXY_LISTEN: `127.0.0.1:${proxyPort}`,
      STATUS_LISTEN: `127.0.0.1:${statusPort}`,
      DATA_DIR: dataDir,
      LOG_LEVEL: 'info',
      ...env,
    },
    `${adminUrl}/status`,
  );
  return {
    admin: new AdminClient(adminUrl),
    adminUrl,
    proxyUrl: `http://127.0.0.1:${proxyPort}`,
    statusUrl,
    process,
    accessLog: () =>
      process
        .output()
        .split('\n')
        .filter((line) => line.startsWith('{"time":') && line.includes(',"type":"access",'))
        .map((line) => JSON.parse(line) as Record<string, unknown>),
    async stop() {
      await process.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * Waits until the proxy serves `path` (anything but Kong's 404 or the 503 of a proxy without
 * config), i.e. until a config change has reached it. Bounded by `timeoutMs`.
 */
export async function waitUntilServed(proxyUrl: string, path: string, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const response = await fetch(`${proxyUrl}${path}`, { method: 'OPTIONS' });
    await response.arrayBuffer();
    if (response.status !== 404 && response.status !== 503) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`${proxyUrl}${path} was not served within ${timeoutMs} ms`);
}
