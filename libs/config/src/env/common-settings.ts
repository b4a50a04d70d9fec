import { IsIn, IsOptional, IsString, Matches } from 'class-validator';

/**
 * Settings several apps share, read from the environment with `loadEnvironment`. Each app's
 * settings class extends it with its own; the README's table lists them all.
 */
export class CommonSettings {
  /** `debug`, `info`, `warn`, `error` or `silent`. */
  @IsIn(['debug', 'info', 'warn', 'error', 'silent']) LOG_LEVEL:
    'debug' | 'info' | 'warn' | 'error' | 'silent' = 'info';

  /** Where logs go: `stdout`, `stderr` or a file path. */
  @IsString() LOG_DESTINATION = 'stdout';

  /** Redis for config propagation and heartbeats; unset in standalone mode (in-process bus). */
  @IsOptional()
  @Matches(/^rediss?:\/\//, { message: 'REDIS_URL must be a redis:// or rediss:// URL' })
  REDIS_URL: string | undefined = undefined;

  /** Prefix of every Redis key and channel, so that several gateways can share one Redis. */
  @IsString() REDIS_PREFIX = 'switchyard';
}

/** Settings of the apps that open the config store. */
export class StoreSettings extends CommonSettings {
  /** PostgreSQL URL; unset means the embedded SQLite store in DATA_DIR (`switchyard.sqlite`). */
  @IsOptional()
  @Matches(/^postgres(ql)?:\/\//, { message: 'DATABASE_URL must be a postgres:// URL' })
  DATABASE_URL: string | undefined = undefined;

  /** The embedded store's directory. */
  @IsString() DATA_DIR = './data';
}
