import cluster from 'node:cluster';
import type { GatewayLogger } from '@switchyard/telemetry';

/** Workers in a row that may die before they listen before the primary gives up. */
const FAILED_STARTS_LIMIT = 5;

export interface WorkerSupervision {
  /** Resolves once `workers` workers listen (replacements count for the ones that died first). */
  readonly listening: Promise<void>;
}

/**
 * The `node:cluster` primary's supervision of its proxy workers: forks `workers` of them, and
 * replaces each that dies unless it was stopped (exit code 0, or SIGTERM). A worker that dies
 * before it listens cannot do better on a retry when the cause is the setup (the proxy port is
 * taken, say): after five of those in a row the primary exits with code 1 rather than forking
 * forever.
 */
export function superviseWorkers(workers: number, logger: GatewayLogger): WorkerSupervision {
  const listened = new Set<number>();
  let failedStarts = 0;
  const listening = new Promise<void>((resolve) => {
    cluster.on('listening', (worker) => {
      listened.add(worker.id);
      failedStarts = 0;
      if (listened.size === workers) resolve();
    });
  });
  cluster.on('exit', (worker, code, signal) => {
    if (code === 0 || signal === 'SIGTERM') return;
    if (!listened.has(worker.id)) {
      failedStarts += 1;
      if (failedStarts >= FAILED_STARTS_LIMIT) {
        logger.error('proxy workers keep dying before they listen; giving up (see their errors above)', {
          failed_starts: failedStarts,
        });
        logger.flush();
        process.exit(1);
      }
    }
    logger.error('proxy worker died; starting another', { pid: worker.process.pid, code, signal });
    cluster.fork();
  });
  for (let index = 0; index < workers; index += 1) cluster.fork();
  return { listening };
}
