import { Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { AdminEntitiesService } from './admin-entities.service.js';
import { ADMIN_API_OPTIONS, type AdminApiOptions } from './admin-api.options.js';
import { AdminExceptionFilter } from './admin-exception.filter.js';
import { ClusteringController } from './clustering.controller.js';
import { PluginUsageController } from './plugin-usage.controller.js';
import { EntitiesController } from './entities.controller.js';
import { KeyAuthCredentialsController } from './keyauth-credentials.controller.js';
import { KeyAuthCredentialsService } from './keyauth-credentials.service.js';
import { NodeInfoController } from './node-info.controller.js';

/** The Kong-compatible Admin API as a Nest module; the hosting app supplies store and plugins. */
@Module({})
export class AdminApiModule {
  static forRoot(options: AdminApiOptions): DynamicModule {
    return {
      module: AdminApiModule,
      // Static routes (`/status`) must be registered before the parametric entity routes.
      controllers: [
        NodeInfoController,
        ClusteringController,
        KeyAuthCredentialsController,
        PluginUsageController,
        EntitiesController,
      ],
      providers: [
        { provide: ADMIN_API_OPTIONS, useValue: options },
        { provide: APP_FILTER, useClass: AdminExceptionFilter },
        AdminEntitiesService,
        KeyAuthCredentialsService,
      ],
    };
  }
}
