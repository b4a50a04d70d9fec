import { IsInt, IsOptional, IsString, Min, MinLength, ValidateBy } from 'class-validator';
import { IsListenAddress, parseListenAddress } from '@switchyard/config';
import { DEFAULT_OUTDATED_AFTER_MS } from './admin-api.options.js';
import type { AdminListenerOptions } from './admin-api.options.js';

/** Whether `host` only accepts connections from this machine. */
export function isLoopbackHost(host: string): boolean {
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host) || ['::1', 'localhost'].includes(host.toLowerCase());
}

/**
 * `ADMIN_LISTEN` beyond loopback needs `ADMIN_TOKEN`: an Admin API reachable from the network
 * without a token would let anyone on it change the gateway.
 */
const ExposedOnlyWithToken = () =>
  ValidateBy({
    name: 'exposedOnlyWithToken',
    validator: {
      validate: (value, args) => {
        const token = (args?.object as { ADMIN_TOKEN?: string }).ADMIN_TOKEN;
        try {
          return token !== undefined || isLoopbackHost(parseListenAddress(String(value)).host);
        } catch {
          return true; // IsListenAddress reports a malformed address.
        }
      },
      defaultMessage: (args) =>
        `ADMIN_LISTEN=${String(args?.value)} accepts connections beyond loopback: set ADMIN_TOKEN ` +
        `(a secret of at least 16 characters that clients send as 'Kong-Admin-Token: <token>' or ` +
        `'Authorization: Bearer <token>'), or bind ADMIN_LISTEN to 127.0.0.1`,
    },
  });

/**
 * The Admin API listener's settings, from the environment (see the README's table), shared by
 * the apps that serve the Admin API (admin, standalone).
 */
export class AdminApiSettings {
  /** Where the Admin API listens; beyond loopback only with `ADMIN_TOKEN`. */
  @IsListenAddress() @ExposedOnlyWithToken() ADMIN_LISTEN = '127.0.0.1:8001';

  /** The token every Admin API request must present; unset: none needed (loopback only). */
  @IsOptional()
  @IsString()
  @MinLength(16, { message: 'ADMIN_TOKEN must be at least 16 characters long' })
  ADMIN_TOKEN: string | undefined = undefined;

  /** Milliseconds a client has to send a whole request (headers and body); then 408 and the connection closes. */
  @IsInt() @Min(100) ADMIN_REQUEST_TIMEOUT_MS = 30_000;

  /** Milliseconds a connection may stay silent (no byte either way) before it is closed. */
  @IsInt() @Min(100) ADMIN_CONNECTION_TIMEOUT_MS = 60_000;

  /** Milliseconds an idle keep-alive connection is kept open for the client's next request. */
  @IsInt() @Min(100) ADMIN_KEEP_ALIVE_TIMEOUT_MS = 5_000;

  /** Milliseconds a data plane may serve an older config than the store's before it is listed as `outdated`. */
  @IsInt() @Min(0) DATA_PLANE_OUTDATED_AFTER_MS = DEFAULT_OUTDATED_AFTER_MS;
}

/** The listener options of `createAdminApp` from the settings. */
export function adminListenerOptions(settings: AdminApiSettings): AdminListenerOptions {
  return {
    token: settings.ADMIN_TOKEN,
    requestTimeoutMs: settings.ADMIN_REQUEST_TIMEOUT_MS,
    connectionTimeoutMs: settings.ADMIN_CONNECTION_TIMEOUT_MS,
    keepAliveTimeoutMs: settings.ADMIN_KEEP_ALIVE_TIMEOUT_MS,
  };
}
