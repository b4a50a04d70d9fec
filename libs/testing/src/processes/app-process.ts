import type { ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { spawnAppProcess } from './spawn-app-process.js';

/** The repository root, from this file's place in it (libs/testing/src/processes). */
export const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

/** The built entry point of an app (`npm run build` makes it; `npm test` builds first). */
export function appEntry(app: 'admin' | 'config-sync' | 'proxy' | 'standalone'): string {
  return `${REPO_ROOT}apps/${app}/dist/main.js`;
}

/** A TCP port that was free a moment ago, on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export interface AppProcess {
  readonly child: ChildProcess;
  /** Everything the process printed so far (stdout and stderr), for assertions and failures. */
  output(): string;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves once the process is gone. */
  stop(graceMs?: number): Promise<void>;
}

/**
 * Starts a built app as its own process with `env` added to this one's, and resolves once
 * `readyUrl` answers (any HTTP status), or rejects with the process output after `timeoutMs`.
 */
export async function startAppProcess(
  entry: string,
  env: Readonly<Record<string, string>>,
  readyUrl: string,
  // Generous: a loaded CI machine has been seen taking 20 s to boot a gateway on the embedded store.
  timeoutMs = 45_000,
): Promise<AppProcess> {
  const app = spawnAppProcess(entry, env);
  const { child, output } = app;
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${entry} exited with ${child.exitCode}:\n${output()}`);
    try {
      await fetch(readyUrl, { signal: AbortSignal.timeout(1_000) });
      return app;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  await app.stop();
  throw new Error(`${entry} did not answer ${readyUrl} within ${timeoutMs} ms:\n${output()}`);
}
