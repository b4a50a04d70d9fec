import { plainToInstance } from 'class-transformer';
import { ValidateBy, validateSync } from 'class-validator';

/** A `host:port` listen address. */
export interface ListenAddress {
  readonly host: string;
  readonly port: number;
}

/** Reads `host:port`, `[v6]:port` or `:port` (all interfaces). Throws on anything else. */
export function parseListenAddress(value: string): ListenAddress {
  const match = /^(?:\[([^\]]+)\]|([^:]*)):(\d{1,5})$/.exec(value.trim());
  const port = Number(match?.[3]);
  if (!match || port > 65535) throw new Error(`expected host:port, got '${value}'`);
  return { host: match[1] ?? (match[2] || '0.0.0.0'), port };
}

/** Validates an environment variable holding a listen address. */
export const IsListenAddress = () =>
  ValidateBy({
    name: 'isListenAddress',
    validator: {
      validate: (value) => {
        try {
          parseListenAddress(String(value));
          return true;
        } catch {
          return false;
        }
      },
      defaultMessage: (args) => `$property must be host:port (got '${args?.value}')`,
    },
  });

/**
 * Reads an app's settings from the environment once: the class's property initialisers are the
 * defaults, its class-validator decorators the rules. An invalid value stops the app at start
 * with every problem listed, rather than at the first request.
 */
export function loadEnvironment<T extends object>(
  settings: new () => T,
  env: Readonly<Record<string, string | undefined>> = process.env,
): T {
  const defaults = new settings() as Record<string, unknown>;
  const given = Object.fromEntries(
    Object.keys(defaults)
      .filter((key) => env[key] !== undefined && env[key] !== '')
      .map((key) => [key, env[key]]),
  );
  const instance = plainToInstance(settings, { ...defaults, ...given }, { enableImplicitConversion: true });
  const errors = validateSync(instance);
  if (errors.length > 0) {
    const problems = errors.flatMap((error) => Object.values(error.constraints ?? {}));
    throw new Error(`Invalid environment: ${problems.join('; ')}`);
  }
  return instance;
}
