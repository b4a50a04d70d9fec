import { IsInt, Min } from 'class-validator';
import { DEFAULT_OUTDATED_AFTER_MS } from '@switchyard/admin-api';
import { IsListenAddress, StoreSettings } from '@switchyard/config';

/** The admin app's settings, from the environment (see the README's table). */
export class AdminEnvironment extends StoreSettings {
  /** Where the Admin API listens. */
  @IsListenAddress() ADMIN_LISTEN = '127.0.0.1:8001';

  /** Milliseconds a data plane may serve an older config than the store's before it is listed as `outdated`. */
  @IsInt() @Min(0) DATA_PLANE_OUTDATED_AFTER_MS = DEFAULT_OUTDATED_AFTER_MS;
}
