import { IsInt, Min } from 'class-validator';
import { StoreSettings } from '@switchyard/config';

/** The config-sync app's settings, from the environment (see the README's table). */
export class ConfigSyncEnvironment extends StoreSettings {
  /** Milliseconds between two reads of the store's version when no notification arrived. */
  @IsInt() @Min(50) SYNC_POLL_INTERVAL_MS = 1000;
}
