import {
  Inject,
  Module,
  type DynamicModule,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { ConfigSynchronizer, type ConfigSynchronizerOptions } from './config-synchronizer.js';

/** Starts the synchronizer with the application and stops it on shutdown. */
class ConfigSyncLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(@Inject(ConfigSynchronizer) private readonly synchronizer: ConfigSynchronizer) {}

  onApplicationBootstrap(): Promise<void> {
    return this.synchronizer.start();
  }

  onApplicationShutdown(): Promise<void> {
    return this.synchronizer.stop();
  }
}

/** Config-sync as a Nest module: the host app supplies the store, the bus publisher and the plugins. */
@Module({})
export class ConfigSyncModule {
  static forRoot(options: ConfigSynchronizerOptions): DynamicModule {
    return {
      module: ConfigSyncModule,
      providers: [
        { provide: ConfigSynchronizer, useValue: new ConfigSynchronizer(options) },
        ConfigSyncLifecycle,
      ],
      exports: [ConfigSynchronizer],
    };
  }
}
