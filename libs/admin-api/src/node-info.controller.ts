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
    };
  }
}
