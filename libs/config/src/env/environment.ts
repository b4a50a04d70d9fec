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
 * defaults (and give each variable its type), its class-validator decorators the rules. Every
 * setting must be declared with an initialiser or `undefined` to be read. An invalid value stops the app at start
 * with every problem listed, rather than at the first request.
 */
export function loadEnvironment<T extends object>(
  settings: new () => T,
  env: Readonly<Record<string, string | undefined>> = process.env,
): T {
  const instance = new settings() as Record<string, unknown>;
  for (const key of Object.keys(instance)) {
    const raw = env[key];
    if (raw === undefined || raw === '') continue;
    instance[key] = coerce(raw, instance[key]);
  }
  const errors = validateSync(instance);
  if (errors.length > 0) {
    const problems = errors.flatMap((error) => Object.values(error.constraints ?? {}));
    throw new Error(`Invalid environment: ${problems.join('; ')}`);
  }
  return instance as T;
}

/** A variable typed like its default: numbers parsed, `true`/`false` (or 1/0, yes/no, on/off) as booleans. */
function coerce(raw: string, defaultValue: unknown): unknown {
  if (typeof defaultValue === 'number') return /^-?\d+(\.\d+)?$/.test(raw.trim()) ? Number(raw) : raw;
  if (typeof defaultValue === 'boolean') {
    const value = raw.trim().toLowerCase();
    if (['true', '1', 'yes', 'on'].includes(value)) return true;
    if (['false', '0', 'no', 'off'].includes(value)) return false;
  }
  return raw;
}
