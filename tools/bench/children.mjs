// The benchmark's helper processes: every server and every load generator runs in a process of its
// own (so that none of them shares an event loop with what it measures), speaking over IPC.
//
// Protocol: the child gets its input as JSON in argv[2]. A service sends `{ ready: info }` once it
// serves and stops on SIGTERM (or when this process goes away); a task sends any number of `{ progress }` then one `{ result }`
// (or `{ error }`) and exits.
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const HERE = fileURLToPath(new URL('.', import.meta.url));
const START_TIMEOUT_MS = 20_000;

/** Sends `message` to the parent: the child side of the protocol. Resolves once it is sent. */
export function reply(message) {
  return new Promise((resolve) => process.send(message, () => resolve()));
}

/** The child's input (argv[2], JSON). */
export function childInput() {
  return JSON.parse(process.argv[2] ?? '{}');
}

/**
 * The service side of stopping: `close()` then exit, on SIGTERM or when the parent goes away
 * (its IPC channel closes), so that a crashed benchmark leaves no server behind.
 */
export function closeOnStop(close) {
  let closing = false;
  const stop = () => {
    if (closing) return;
    closing = true;
    close().then(() => process.exit(0));
  };
  process.once('SIGTERM', stop);
  process.once('disconnect', stop);
}

/** Runs `work(input)` in a task child, sends its result or error, then lets the process exit. */
export async function runAsTask(work) {
  try {
    await reply({ result: await work(childInput()) });
  } catch (error) {
    await reply({ error: error.stack ?? String(error) });
  }
  process.disconnect();
}

function forkChild(script, input, env = {}) {
  return fork(`${HERE}${script}`, [JSON.stringify(input)], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
}

function exited(child) {
  return child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve()
    : new Promise((resolve) => child.once('exit', () => resolve()));
}

/**
 * Starts a service script (e.g. `mock-upstream.mjs`), with `env` added to this process's, and
 * resolves once it reports ready, with what it reported, its pid, and `stop()` (SIGTERM, SIGKILL
 * after 5 s).
 */
export async function startService(script, input = {}, env = {}) {
  const child = forkChild(script, input, env);
  const info = await new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${script} not ready within ${START_TIMEOUT_MS} ms`)),
      START_TIMEOUT_MS,
    );
    child.once('message', (message) => {
      clearTimeout(timer);
      resolve(message.ready);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${script} exited with ${code} before it was ready`));
    });
  });
  return {
    ...info,
    pid: child.pid,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited(child);
      clearTimeout(timer);
    },
  };
}

/** Awaits `starting` (anything with `stop()`), runs `use` with it, and stops it whatever happens. */
export async function withStarted(starting, use) {
  const started = await starting;
  try {
    return await use(started);
  } finally {
    await started.stop();
  }
}

/**
 * Runs a task script (e.g. `load.mjs`) to completion and resolves with its result. `onProgress`
 * receives its progress messages; the task is killed after `timeoutMs`.
 */
export function runTask(script, input, { onProgress, timeoutMs = 120_000 } = {}) {
  const child = forkChild(script, input);
  return new Promise((resolve, reject) => {
    let settled = false;
    const settle = (fn, value) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      fn(value);
    };
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      settle(reject, new Error(`${script} did not finish within ${timeoutMs} ms`));
    }, timeoutMs);
    child.on('message', (message) => {
      if (message.progress !== undefined) onProgress?.(message.progress);
      else if (message.error !== undefined) settle(reject, new Error(`${script}: ${message.error}`));
      else settle(resolve, message.result);
    });
    // 'close' comes after the IPC channel is drained, so a result sent before exiting is never lost.
    child.once('close', (code) =>
      settle(reject, new Error(`${script} exited with ${code} without a result`)),
    );
  });
}
