import { Controller, Get, Inject } from '@nestjs/common';
import { StoreUnavailableError } from '@switchyard/config';
import { ADMIN_API_OPTIONS, type AdminApiOptions } from './admin-api.options.js';

/** `GET /` (what this node is) and `GET /status` (is it healthy), as Kong's Admin API has them. */
@Controller()
export class NodeInfoController {
  constructor(@Inject(ADMIN_API_OPTIONS) private readonly options: AdminApiOptions) {}

  @Get()
  info(): object {
    const { version, hostname, nodeId } = this.options.nodeInfo;
    return {
      tagline: 'Welcome to switchyard',
      version,
      hostname,
      node_id: nodeId,
      lua_version: null,
      plugins: {
        available_on_server: Object.fromEntries(
          this.options.plugins.map((plugin) => [plugin.name, { priority: plugin.priority, version }]),
        ),
      },
    };
  }

  /** Answers 200 while the config store is down too, as Kong's does, with `database.reachable: false`. */
  @Get('status')
  async status(): Promise<object> {
    const started = performance.now();
    const memory = { rss_bytes: process.memoryUsage().rss };
    let configVersion: number;
    try {
      configVersion = await this.options.store.currentVersion();
    } catch (error) {
      if (!(error instanceof StoreUnavailableError)) throw error;
      return { database: { reachable: false, message: error.message }, configuration_version: null, memory };
    }
    return {
      database: { reachable: true, latency_ms: Math.round((performance.now() - started) * 100) / 100 },
      configuration_version: configVersion,
      memory,
      ...(this.options.cluster && { config_sync: await this.configSync(this.options.cluster) }),
    };
  }

  /**
   * Config-sync's last report: the version it published and the one it refused, with the
   * entity at fault; null before config-sync reported. A bus that cannot be read is said so.
   */
  private async configSync(cluster: NonNullable<AdminApiOptions['cluster']>): Promise<object | null> {
    try {
      return await cluster.syncReport();
    } catch (error) {
      return { unknown: `the cluster bus cannot be read: ${(error as Error).message}` };
    }
  }
}
