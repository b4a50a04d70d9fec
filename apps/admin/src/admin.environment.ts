import { IsListenAddress, StoreSettings } from '@switchyard/config';

/** The admin app's settings, from the environment (see the README's table). */
export class AdminEnvironment extends StoreSettings {
  /** Where the Admin API listens. */
  @IsListenAddress() ADMIN_LISTEN = '127.0.0.1:8001';
}
