import cluster, { type Worker } from 'node:cluster';
import { createServer, type Server } from 'node:http';
import type { ListenAddress } from '@switchyard/config';
import { clusterMetricsSource, type GatewayLogger } from '@switchyard/telemetry';
import { close, listen } from './server-lifecycle.js';
import { createStatusHandler, type ProxyNodeStatus } from './status-listener.js';

/**
 * `GET /status` of a clustered proxy (`PROXY_WORKERS` > 1): the status of the worker serving the
 * oldest config (so "this node serves version N" holds for every worker), with the node's total
 * memory and each worker's own status under `workers`.
 */
export interface ClusterStatus extends ProxyNodeStatus {
  readonly workers: readonly ProxyNodeStatus[];
}

const STATUS_REQUEST = 'switchyard:status-request';
const STATUS_RESPONSE = 'switchyard:status-response';
/** How long the primary waits for one worker's status, in milliseconds. */
const WORKER_STATUS_TIMEOUT_MS = 2_000;

let nextRequestId = 0;

interface StatusMessage {
  readonly type: string;
  readonly requestId: number;
  readonly status?: ProxyNodeStatus;
}

/**
 * In a `node:cluster` worker: answers the primary's status requests with `status()`.
 * Returns the function that stops answering.
 */
export function answerStatusRequests(status: () => ProxyNodeStatus): () => void {
  const listener = (message: unknown): void => {
    if (!isStatusMessage(message, STATUS_REQUEST)) return;
    process.send?.({ type: STATUS_RESPONSE, requestId: message.requestId, status: status() });
  };
  process.on('message', listener);
  return () => void process.off('message', listener);
}

/**
 * The status listener of a clustered proxy, owned by the `node:cluster` primary: the workers do
 * not bind `STATUS_LISTEN`, so every scrape sees the whole node. `GET /metrics` aggregates the
 * workers' registries (prom-client's `AggregatorRegistry`: counters and histograms summed,
 * config gauges by their max); `GET /status` asks each worker over IPC (503 until one answers).
 */
export async function startClusterStatusListener(
  address: ListenAddress,
  logger: GatewayLogger,
): Promise<Server> {
  const handler = createStatusHandler({ status: clusterStatus, metrics: clusterMetricsSource() }, (error) =>
    logger.warn('status listener request failed', { error: error.message }),
  );
  return listen(createServer(handler), address);
}

/** Stops the cluster status listener (see `startClusterStatusListener`). */
export function stopClusterStatusListener(server: Server): Promise<void> {
  return close(server);
}

async function clusterStatus(): Promise<ClusterStatus | null> {
  const workers = Object.values(cluster.workers ?? {}).filter(
    (worker): worker is Worker => worker !== undefined && worker.isConnected(),
  );
  const statuses = (await Promise.all(workers.map(askWorker))).filter(
    (status): status is ProxyNodeStatus => status !== null,
  );
  if (statuses.length === 0) return null;
  const oldest = statuses.reduce((a, b) =>
    (b.configuration_version ?? -1) < (a.configuration_version ?? -1) ? b : a,
  );
  const rss = statuses.reduce((sum, status) => sum + status.memory.rss_bytes, process.memoryUsage().rss);
  return { ...oldest, memory: { rss_bytes: rss }, workers: statuses };
}

function askWorker(worker: Worker): Promise<ProxyNodeStatus | null> {
  const requestId = nextRequestId++;
  return new Promise((resolve) => {
    const done = (status: ProxyNodeStatus | null): void => {
      clearTimeout(timer);
      worker.off('message', onMessage);
      worker.off('exit', onExit);
      resolve(status);
    };
    const onMessage = (message: unknown): void => {
      if (isStatusMessage(message, STATUS_RESPONSE) && message.requestId === requestId)
        done(message.status ?? null);
    };
    const onExit = (): void => done(null);
    const timer = setTimeout(onExit, WORKER_STATUS_TIMEOUT_MS);
    worker.on('message', onMessage);
    worker.once('exit', onExit);
    worker.send({ type: STATUS_REQUEST, requestId });
  });
}

function isStatusMessage(message: unknown, type: string): message is StatusMessage {
  return (
    typeof message === 'object' &&
    message !== null &&
    (message as StatusMessage).type === type &&
    typeof (message as StatusMessage).requestId === 'number'
  );
}
