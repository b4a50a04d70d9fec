import { spawn } from 'node:child_process';
import { heapFlags, heapSettings } from '@switchyard/runtime';
import type { AppProcess } from './app-process.js';

/**
 * Starts a built app as its own process with `env` added to this one's, without waiting for
 * anything: for apps that have no HTTP listener to poll (config-sync), whose readiness the
 * caller judges by their effect. `startAppProcess` is the variant that waits for a URL. The app
 * gets the heap flags of its `HEAP_*` settings on its command line, as `npm start` and the Docker
 * image give them (`NODE_OPTIONS` in `env` wins).
 */
export function spawnAppProcess(entry: string, env: Readonly<Record<string, string>>): AppProcess {
  const appEnv = { ...process.env, ...env };
  const heap = heapFlags(heapSettings(appEnv), { execArgv: [], nodeOptions: appEnv['NODE_OPTIONS'] });
  const child = spawn(process.execPath, ['--enable-source-maps', ...heap, entry], {
    env: appEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    child,
    output: () => output,
    async stop(graceMs = 5_000) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Kills an app process with SIGKILL, as a crash would, and resolves once it is gone. */
export async function killAppProcess(app: AppProcess): Promise<void> {
  const { child } = app;
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGKILL');
  await exited;
}
