import { Controller, Get, Inject } from '@nestjs/common';
import type { DataPlaneHeartbeat } from '@switchyard/bus';
import { ADMIN_API_OPTIONS, DEFAULT_OUTDATED_AFTER_MS, type AdminApiOptions } from './admin-api.options.js';
import { AdminHttpError } from './admin-http.error.js';
import { dataPlaneSyncStatus, versionsToAge, type SyncStatus } from './data-plane-sync-status.js';

export type { SyncStatus } from './data-plane-sync-status.js';

export interface DataPlaneStatus extends DataPlaneHeartbeat {
  readonly sync_status: SyncStatus;
}

/** `GET /clustering/data-planes`: the proxy nodes that sent a heartbeat recently, as Kong lists them. */
@Controller('clustering')
export class ClusteringController {
  constructor(@Inject(ADMIN_API_OPTIONS) private readonly options: AdminApiOptions) {}

  @Get('data-planes')
  async dataPlanes(): Promise<{ data: DataPlaneStatus[]; next: null }> {
    const { cluster, store } = this.options;
    if (!cluster) {
      throw new AdminHttpError(
        400,
        'this endpoint is only available when the admin is connected to the cluster bus (set REDIS_URL, or run standalone)',
      );
    }
    // The bus before the store: what it holds is then never newer than the store's version read
    // here, unless it is newer than the store itself (a restored database, a planted snapshot).
    const published = await cluster.published();
    const [planes, current] = await Promise.all([cluster.heartbeats.list(), store.currentVersion()]);
    const ages = await store.versionAges(versionsToAge(planes, current));
    const outdatedAfterMs = cluster.outdatedAfterMs ?? DEFAULT_OUTDATED_AFTER_MS;
    const data = planes.map((plane) => ({
      ...plane,
      sync_status: dataPlaneSyncStatus(plane, { current, ages }, published, outdatedAfterMs),
    }));
    return { data, next: null };
  }
}
