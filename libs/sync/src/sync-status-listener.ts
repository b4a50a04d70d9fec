import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { ListenAddress } from '@switchyard/config';
import { createStatusHandler, type SyncMetrics } from '@switchyard/telemetry';
import type { ConfigSynchronizer } from './config-synchronizer.js';

/** Config-sync's `GET /status` body: what it published, and the version it refused and why. */
export interface SyncStatusBody {
  readonly published_version: number | null;
  readonly published_hash: string | null;
  readonly refused: { readonly version: number; readonly problems: readonly string[] } | null;
}

/**
 * Config-sync's status listener (`SYNC_STATUS_LISTEN`): `GET /status` (the synchronizer's state)
 * and `GET /metrics` (Prometheus: `switchyard_config_published_version`,
 * `switchyard_config_refused_version`, `switchyard_config_refusals_total`). Resolves once bound;
 * the caller closes the server.
 */
export async function startSyncStatusListener(
  address: ListenAddress,
  synchronizer: ConfigSynchronizer,
  metrics: SyncMetrics,
  onError: (error: Error) => void,
): Promise<Server> {
  const status = async (): Promise<SyncStatusBody> => {
    const { publishedVersion, publishedHash, refused } = synchronizer.status;
    return { published_version: publishedVersion, published_hash: publishedHash, refused };
  };
  const server = createServer(createStatusHandler({ status, metrics }, onError));
  server.listen(address.port, address.host);
  await once(server, 'listening');
  return server;
}
