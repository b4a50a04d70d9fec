import { ValidateBy, type ValidationArguments, type ValidationOptions } from 'class-validator';

/**
 * class-validator decorators with Kong's field semantics and messages (`kong/db/schema`).
 * Each carries a `kind`, which the Admin API's form decoder reads back from class-validator's
 * metadata to type form-encoded values: one declaration, both uses.
 */
export type FieldKind =
  'string' | 'integer' | 'boolean' | 'string-array' | 'string-map' | 'foreign' | 'integer-array';

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

/** A set of strings (Kong's `set`/`array` of strings): each element checked by `rules`. */
export const KongStringArray = (rules: StringRules = {}) =>
  kongField('string-array', (value) => {
    if (!Array.isArray(value)) return MESSAGES.array;
    for (const element of value) {
      const error = checkString(element, rules);
      if (error) return error;
    }
    return undefined;
  });

export const KongIntegerArray = (between?: readonly [number, number]) =>
  kongField('integer-array', (value) => {
    if (!Array.isArray(value)) return MESSAGES.array;
    for (const element of value) {
      const error = checkInteger(element, between);
      if (error) return error;
    }
    return undefined;
  });

/** A map of name to list of strings (route `headers`). */
export const KongStringMap = (checkKey?: (key: string) => string | undefined) =>
  kongField('string-map', (value) => {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return MESSAGES.map;
    for (const [key, values] of Object.entries(value)) {
      const keyError = checkKey?.(key);
      if (keyError) return keyError;
      if (!Array.isArray(values) || values.some((item) => typeof item !== 'string')) {
        return `${key}: expected an array of strings`;
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
    return UUID_PATTERN.test(id) ? undefined : 'expected a valid UUID';
  });

export const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

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
