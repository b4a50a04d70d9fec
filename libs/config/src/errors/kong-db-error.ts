/**
 * The Admin API's error body, in Kong's shape (`kong/db/errors.lua`): a numeric `code`, its
 * `name`, a human `message` and, for field-level problems, `fields`. The HTTP status belongs
 * to the error so that every layer above the store only re-throws it.
 */
import { schemaViolationMessage } from '../plugin-config/schema-violation.formatter.js';
import type { ConfigFieldError, ConfigFieldErrors } from '../plugin-config/config-validator.js';

/** One field's error: a message, a record's field errors, or per-element errors of an array. */
export type FieldError = ConfigFieldError;

/** Errors by field name; records nest, `@entity` holds the messages of checks across fields. */
export type FieldErrors = ConfigFieldErrors;

export const KONG_ERROR_CODES = {
  SCHEMA_VIOLATION: 2,
  FOREIGN_KEY_VIOLATION: 4,
  UNIQUE_VIOLATION: 5,
  NOT_FOUND: 6,
  INVALID_OFFSET: 7,
  DATABASE_ERROR: 8,
  INVALID_SIZE: 9,
} as const;

const CODE_NAMES: Record<number, string> = {
  2: 'schema violation',
  4: 'foreign key violation',
  5: 'unique constraint violation',
  6: 'not found',
  7: 'invalid offset',
  8: 'database error',
  9: 'invalid size',
};

export class KongDbError extends Error {
  readonly kongName: string;

  constructor(
    readonly status: number,
    readonly code: number,
    message: string,
    readonly fields?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'KongDbError';
    this.kongName = CODE_NAMES[code] ?? 'error';
  }

  toBody(): { code: number; name: string; message: string; fields?: Record<string, unknown> } {
    return this.fields === undefined
      ? { code: this.code, name: this.kongName, message: this.message }
      : { code: this.code, name: this.kongName, message: this.message, fields: this.fields };
  }
}

/** Kong's `pl.pretty.write(t, "")`: `{name="x"}`, keys sorted, strings quoted, nested tables inline. */
export function prettyKey(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return `"${value}"`;
  if (typeof value !== 'object') return String(value);
  const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b));
  return `{${entries.map(([key, inner]) => `${key}=${prettyKey(inner)}`).join(',')}}`;
}

/** 400, code 2: the field-by-field errors, summarised in the message as Kong does. */
export function schemaViolation(fields: FieldErrors): KongDbError {
  return new KongDbError(400, KONG_ERROR_CODES.SCHEMA_VIOLATION, schemaViolationMessage(fields), fields);
}

/** 409, code 5: another entity already holds this unique value. */
export function uniqueViolation(key: Record<string, unknown>): KongDbError {
  return new KongDbError(
    409,
    KONG_ERROR_CODES.UNIQUE_VIOLATION,
    `UNIQUE violation detected on '${prettyKey(key)}'`,
    key,
  );
}

/** 400, code 4: a foreign key names an entity that does not exist. */
export function foreignKeyInvalidReference(
  field: string,
  key: Record<string, unknown>,
  parent: string,
): KongDbError {
  return new KongDbError(
    400,
    KONG_ERROR_CODES.FOREIGN_KEY_VIOLATION,
    `the foreign key '${prettyKey(key)}' does not reference an existing '${parent}' entity.`,
    { [field]: key },
  );
}

/** 400, code 4: deleting a parent that children still reference. */
export function foreignKeyRestricted(parent: string, child: string): KongDbError {
  return new KongDbError(
    400,
    KONG_ERROR_CODES.FOREIGN_KEY_VIOLATION,
    `an existing '${child}' entity references this '${parent}' entity`,
    { '@referenced_by': child },
  );
}

/** 404, code 6: an update or a nested path names an entity that does not exist. */
export function notFound(key: Record<string, unknown>): KongDbError {
  return new KongDbError(
    404,
    KONG_ERROR_CODES.NOT_FOUND,
    `could not find the entity with primary key '${prettyKey(key)}'`,
    key,
  );
}

/** 400, code 7: a pagination offset that this store did not hand out. */
export function invalidOffset(offset: string, reason: string): KongDbError {
  return new KongDbError(
    400,
    KONG_ERROR_CODES.INVALID_OFFSET,
    `'${offset}' is not a valid offset: ${reason}`,
  );
}

/** 400, code 9: a page size out of range. */
export function invalidSize(reason: string): KongDbError {
  return new KongDbError(400, KONG_ERROR_CODES.INVALID_SIZE, reason);
}
