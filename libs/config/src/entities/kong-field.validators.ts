import { isIP } from 'node:net';
import { ValidateBy, type ValidationArguments, type ValidationOptions } from 'class-validator';

/**
 * class-validator decorators with Kong's field semantics and messages (`kong/db/schema`).
 * Each carries a `kind`, which the Admin API's form decoder reads back from class-validator's
 * metadata to type form-encoded values: one declaration, both uses.
 */
export type FieldKind =
  | 'string'
  | 'integer'
  | 'boolean'
  | 'string-array'
  | 'string-map'
  | 'foreign'
  | 'integer-array'
  | 'endpoint-array';

/**
 * The maxima of every entity field (the README's "Input limits"): a proxy compiles and holds
 * what the Admin API stores, so nothing stored is unbounded. Plugin `config` is bounded by
 * `INPUT_LIMITS` and its own schema.
 */
export const KONG_FIELD_LIMITS = {
  /** Longest string field or list element (names, hosts, paths, tags, header values), in characters. */
  stringLength: 1_024,
  /** Most elements of a list field (`paths`, `hosts`, `tags`, `sources`, ...). */
  listLength: 256,
  /** Most entries of a map field (route `headers`: names, each with at most `listLength` values). */
  mapEntries: 256,
} as const;

/** The constraint name prefix that marks a Kong field decorator; the rest is its kind. */
export const KONG_FIELD_CONSTRAINT_PREFIX = 'kong:';

/** Kong's protocols (`typedefs.protocol`), for services, routes and plugins alike. */
export const KONG_PROTOCOLS = [
  'grpc',
  'grpcs',
  'http',
  'https',
  'tcp',
  'tls',
  'tls_passthrough',
  'udp',
  'ws',
  'wss',
];

export const MESSAGES = {
  required: 'required field missing',
  string: 'expected a string',
  integer: 'expected an integer',
  boolean: 'expected a boolean',
  array: 'expected an array',
  record: 'expected a record',
  map: 'expected a map',
  unknown: 'unknown field',
  uuid: 'expected a valid UUID',
  tooLong: (max: number) => `length must be at most ${max}`,
  tooManyEntries: (max: number) => `must have at most ${max} entries`,
} as const;

function kongField(
  kind: FieldKind,
  check: (value: unknown, args: ValidationArguments) => string | undefined,
  options?: ValidationOptions,
): PropertyDecorator {
  // The message is computed by the same check, so each failure says exactly what is wrong.
  return ValidateBy(
    {
      name: `${KONG_FIELD_CONSTRAINT_PREFIX}${kind}`,
      validator: {
        validate: (value, args) => check(value, args!) === undefined,
        defaultMessage: (args) => check(args!.value, args!) ?? '',
      },
    },
    options,
  );
}

export interface StringRules {
  oneOf?: readonly string[];
  /** Returns a message when the string is not acceptable. */
  check?: (value: string) => string | undefined;
}

export function checkString(value: unknown, rules: StringRules = {}): string | undefined {
  if (typeof value !== 'string') return MESSAGES.string;
  if (value.length === 0) return 'length must be at least 1';
  if (value.length > KONG_FIELD_LIMITS.stringLength) return MESSAGES.tooLong(KONG_FIELD_LIMITS.stringLength);
  if (rules.oneOf && !rules.oneOf.includes(value)) return `expected one of: ${rules.oneOf.join(', ')}`;
  return rules.check?.(value);
}

export const KongString = (rules: StringRules = {}) =>
  kongField('string', (value) => checkString(value, rules));

export function checkInteger(value: unknown, between?: readonly [number, number]): string | undefined {
  if (typeof value !== 'number' || !Number.isInteger(value)) return MESSAGES.integer;
  if (between && (value < between[0] || value > between[1])) {
    return `value should be between ${between[0]} and ${between[1]}`;
  }
  return undefined;
}

export const KongInteger = (between?: readonly [number, number]) =>
  kongField('integer', (value) => checkInteger(value, between));

export const KongBoolean = () =>
  kongField('boolean', (value) => (typeof value === 'boolean' ? undefined : MESSAGES.boolean));

function checkList(value: unknown): string | undefined {
  if (!Array.isArray(value)) return MESSAGES.array;
  if (value.length > KONG_FIELD_LIMITS.listLength) return MESSAGES.tooLong(KONG_FIELD_LIMITS.listLength);
  return undefined;
}

/** A set of strings (Kong's `set`/`array` of strings): each element checked by `rules`. */
export const KongStringArray = (rules: StringRules = {}) =>
  kongField('string-array', (value) => {
    const listError = checkList(value);
    if (listError) return listError;
    for (const element of value as unknown[]) {
      const error = checkString(element, rules);
      if (error) return error;
    }
    return undefined;
  });

export const KongIntegerArray = (between?: readonly [number, number]) =>
  kongField('integer-array', (value) => {
    const listError = checkList(value);
    if (listError) return listError;
    for (const element of value as unknown[]) {
      const error = checkInteger(element, between);
      if (error) return error;
    }
    return undefined;
  });

/** A map of name to list of strings (route `headers`). */
export const KongStringMap = (checkKey?: (key: string) => string | undefined) =>
  kongField('string-map', (value) => {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return MESSAGES.map;
    const entries = Object.entries(value);
    if (entries.length > KONG_FIELD_LIMITS.mapEntries) {
      return MESSAGES.tooManyEntries(KONG_FIELD_LIMITS.mapEntries);
    }
    for (const [key, values] of entries) {
      const keyError = checkKey?.(key);
      if (keyError) return keyError;
      const nameError = checkString(key);
      if (nameError) return `name: ${nameError}`;
      if (!Array.isArray(values) || values.some((item) => typeof item !== 'string')) {
        return `${key}: expected an array of strings`;
      }
      if (values.length > KONG_FIELD_LIMITS.listLength) {
        return `${key}: ${MESSAGES.tooLong(KONG_FIELD_LIMITS.listLength)}`;
      }
      if (values.some((item: string) => item.length > KONG_FIELD_LIMITS.stringLength)) {
        return `${key}: values ${MESSAGES.tooLong(KONG_FIELD_LIMITS.stringLength)}`;
      }
    }
    return undefined;
  });

/** A reference to another entity: `{ id }` once resolved (the Admin API resolves `{ name }` first). */
export const KongForeign = () =>
  kongField('foreign', (value) => {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return MESSAGES.record;
    const keys = Object.keys(value);
    const id = (value as { id?: unknown }).id;
    if (keys.length !== 1 || typeof id !== 'string') return 'expected a record with a single field: id';
    return checkUuid(id);
  });

export const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Kong's `uuid` typedef, used by every entity's `id`. */
export function checkUuid(value: string): string | undefined {
  return UUID_PATTERN.test(value) ? undefined : MESSAGES.uuid;
}

/** One of a route's `sources` or `destinations` (Kong's `typedefs.sources`): an IP or CIDR range, a port, or both. */
export interface RouteEndpoint {
  ip?: string;
  port?: number;
}

/** Kong's `sources`/`destinations`: a list of `{ ip, port }` records, each with at least one of them. */
export const KongEndpointArray = () =>
  kongField('endpoint-array', (value) => {
    const listError = checkList(value);
    if (listError) return listError;
    for (const element of value as unknown[]) {
      const error = checkEndpoint(element);
      if (error) return error;
    }
    return undefined;
  });

function checkEndpoint(value: unknown): string | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return MESSAGES.record;
  const { ip, port, ...unknown } = value as Record<string, unknown>;
  const extra = Object.keys(unknown)[0];
  if (extra !== undefined) return `${extra}: ${MESSAGES.unknown}`;
  if (ip === undefined && port === undefined) {
    return "at least one of these fields must be non-empty: 'ip', 'port'";
  }
  if (ip !== undefined) {
    const ipError = checkString(ip, { check: checkCidr });
    if (ipError) return `ip: ${ipError}`;
  }
  if (port !== undefined) {
    const portError = checkInteger(port, [0, 65535]);
    if (portError) return `port: ${portError}`;
  }
  return undefined;
}

/** An IPv4 or IPv6 address, optionally with a `/prefix` length (Kong's `ip_or_cidr`). */
function checkCidr(value: string): string | undefined {
  const [address = '', prefix, ...rest] = value.split('/');
  const family = isIP(address);
  const maxPrefix = family === 4 ? 32 : 128;
  const validPrefix = prefix === undefined || (/^\d{1,3}$/.test(prefix) && Number(prefix) <= maxPrefix);
  return family !== 0 && validPrefix && rest.length === 0
    ? undefined
    : `invalid ip or cidr range: '${value}'`;
}

/** Kong's `utf8_name` typedef, used by entity names. */
export function checkName(value: string): string | undefined {
  return /^[\p{L}\p{N}.\-_~]+$/u.test(value)
    ? undefined
    : `invalid value '${value}': the only accepted ascii characters are alphanumerics or ., -, _, and ~`;
}

/** Kong's tag typedef: printable characters other than `,` and `/`. */
export function checkTag(value: string): string | undefined {
  return /^[^,/\p{Cc}]+$/u.test(value)
    ? undefined
    : `invalid tag '${value}': expected printable ascii (except \`,\` and \`/\`) or valid utf-8 sequences`;
}
