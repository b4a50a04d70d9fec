import { Controller, Get, Inject, Param, Query } from '@nestjs/common';
import { GatewayError } from '@switchyard/plugin-api';
import { ADMIN_API_OPTIONS, type AdminApiOptions } from './admin-api.options.js';
import { AdminEntitiesService } from './admin-entities.service.js';
import { AdminHttpError } from './admin-http.error.js';

/**
 * `GET /plugins/{id or instance name}/usage?identifier=<caller>`: what a counting plugin entity
 * (`ai-rate-limiting-advanced`) holds for one caller now, read from the same counters the proxies
 * count in. Plugins that count nothing answer 400.
 */
@Controller('plugins')
export class PluginUsageController {
  constructor(
    @Inject(ADMIN_API_OPTIONS) private readonly options: AdminApiOptions,
    @Inject(AdminEntitiesService) private readonly entities: AdminEntitiesService,
  ) {}

  @Get(':key/usage')
  async usage(@Param('key') key: string, @Query('identifier') identifier: unknown) {
    const plugin = await this.entities.find('plugins', key);
    if (!plugin) throw new AdminHttpError(404, 'Not found');
    const { name, config, id } = plugin as unknown as {
      name: string;
      config: Record<string, unknown>;
      id: string;
    };
    const readUsage = this.options.plugins.find((definition) => definition.name === name)?.readUsage;
    if (!readUsage) throw new AdminHttpError(400, `the '${name}' plugin keeps no usage counters`);
    try {
      return await readUsage(config, id, typeof identifier === 'string' ? identifier : '');
    } catch (error) {
      if (error instanceof GatewayError) throw new AdminHttpError(error.status, error.message);
      throw error;
    }
  }
}
