import { IsInt, IsOptional, IsString, Matches, Min } from 'class-validator';
import { DEFAULT_OUTDATED_AFTER_MS } from '@switchyard/admin-api';
import { IsListenAddress } from '@switchyard/config';
import { ProxySettings } from '@switchyard/gateway';

/** Standalone mode's settings: the proxy's, plus the Admin API and the store (see the README's table). */
export class StandaloneEnvironment extends ProxySettings {
  /** Where the Admin API listens. */
  @IsListenAddress() ADMIN_LISTEN = '127.0.0.1:8001';

  /** Milliseconds a data plane may serve an older config than the store's before it is listed as `outdated`. */
  @IsInt() @Min(0) DATA_PLANE_OUTDATED_AFTER_MS = DEFAULT_OUTDATED_AFTER_MS;

  /** PostgreSQL URL; unset means the embedded PGlite store under DATA_DIR. */
  @IsOptional()
  @Matches(/^postgres(ql)?:\/\//, { message: 'DATABASE_URL must be a postgres:// URL' })
  DATABASE_URL: string | undefined = undefined;

  /** The embedded store's directory. */
  @IsString() DATA_DIR = './data';
}
