import { Controller, Get, Inject } from '@nestjs/common';
import type { DataPlaneHeartbeat } from '@switchyard/bus';
import { ADMIN_API_OPTIONS, type AdminApiOptions } from './admin-api.options.js';
import { AdminHttpError } from './admin-http.error.js';

/**
 * Whether a data plane serves the latest published config: `normal` when its hash is the
 * published one, `outdated` when it serves another, `unknown` before its first snapshot.
 * (Kong's `sync_status` speaks of compatibility; here it also tells whether a change arrived.)
 */
export type SyncStatus = 'normal' | 'outdated' | 'unknown';

export interface DataPlaneStatus extends DataPlaneHeartbeat {
  readonly sync_status: SyncStatus;
}

/** `GET /clustering/data-planes`: the proxy nodes that sent a heartbeat recently, as Kong lists them. */
@Controller('clustering')
export class ClusteringController {
  constructor(@Inject(ADMIN_API_OPTIONS) private readonly options: AdminApiOptions) {}

  @Get('data-planes')
  async dataPlanes(): Promise<{ data: DataPlaneStatus[]; next: null }> {
    const cluster = this.options.cluster;
    if (!cluster) {
      throw new AdminHttpError(
        400,
        'this endpoint is only available when the admin is connected to the cluster bus (set REDIS_URL, or run standalone)',
      );
    }
    const [planes, published] = await Promise.all([cluster.heartbeats.list(), cluster.published()]);
    const data = planes.map((plane) => ({
      ...plane,
      sync_status: syncStatus(plane.config_hash, published?.hash ?? null),
    }));
    return { data, next: null };
  }
}

function syncStatus(served: string | null, published: string | null): SyncStatus {
  if (served === null) return 'unknown';
  return served === published ? 'normal' : 'outdated';
}
