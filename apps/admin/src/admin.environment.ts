import { IsListenAddress } from '@switchyard/config';
import { IsOptional, IsString, Matches } from 'class-validator';

/** The admin app's settings, from the environment (see the README's table). */
export class AdminEnvironment {
  /** Where the Admin API listens. */
  @IsListenAddress() ADMIN_LISTEN = '127.0.0.1:8001';

  /** PostgreSQL URL; unset means the embedded PGlite store under DATA_DIR. */
  @IsOptional() @Matches(/^postgres(ql)?:\/\//, { message: 'DATABASE_URL must be a postgres:// URL' }) DATABASE_URL?: string;

  /** The embedded store's directory. */
  @IsString() DATA_DIR = './data';
}
