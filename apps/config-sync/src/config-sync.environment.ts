import { IsInt, Min } from 'class-validator';
import { IsListenAddress, StoreSettings } from '@switchyard/config';

/** The config-sync app's settings, from the environment (see the README's table). */
export class ConfigSyncEnvironment extends StoreSettings {
  /** Milliseconds between two reads of the store's version when no notification arrived. */
  @IsInt() @Min(50) SYNC_POLL_INTERVAL_MS = 1000;

  /** Where `GET /status` and `GET /metrics` (published and refused config versions) answer. */
  @IsListenAddress() SYNC_STATUS_LISTEN = '127.0.0.1:8200';
}
