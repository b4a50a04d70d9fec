import { IsOptional, IsString, Matches } from 'class-validator';
import { ProxySettings } from '@switchyard/gateway';

/**
 * Standalone mode's settings: the proxy's, plus the store (see the README's table); the Admin
 * API listener's are `AdminApiSettings`.
 */
export class StandaloneEnvironment extends ProxySettings {
  /** PostgreSQL URL; unset means the embedded SQLite store in DATA_DIR (`switchyard.sqlite`). */
  @IsOptional()
  @Matches(/^postgres(ql)?:\/\//, { message: 'DATABASE_URL must be a postgres:// URL' })
  DATABASE_URL: string | undefined = undefined;

  /** The embedded store's directory. */
  @IsString() DATA_DIR = './data';
}
