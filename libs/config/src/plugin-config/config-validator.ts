import type { FieldMatch, RecordField, SchemaField } from '@switchyard/plugin-api';
import { fillRecordDefaults } from './config-defaults.js';
import { runEntityChecks } from './entity-checks.js';
import { KONG_SCHEMA_MESSAGES as MESSAGES } from './kong-schema.messages.js';
import { isPlainObject, setOwn } from './plain-object.js';
import { checkHost } from '../entities/service.schema.js';
import { isVaultReference, parseVaultReference, VaultReferenceError } from '../vault/vault-reference.js';

/**
 * One field's error, in Kong's shape: a message; for a record, the errors of its fields (with
 * entity-check messages under `@entity`); for an array, one entry per element, `null` where
 * the element is valid (as Kong's JSON shows its sparse error table).
 */
export type ConfigFieldError = string | ConfigFieldErrors | readonly (ConfigFieldError | null)[];

/** A record's errors by field name, plus `@entity` for the checks across its fields. */
export interface ConfigFieldErrors {
  [field: string]: ConfigFieldError;
}

/**
 * The outcome of validating a plugin's `config`. On success, `value` is a new object with every
 * absent field filled (its default, or `null`). On failure, `errors` is what Kong reports under
 * `fields.config`: usually the nested field errors, or one message when `config` itself is not a
 * record.
 */
export type ConfigValidationResult =
  | { readonly ok: true; readonly value: Record<string, unknown> }
  | { readonly ok: false; readonly errors: string | ConfigFieldErrors };

/**
 * Validates a plugin's `config` against its schema as Kong does on insert: defaults first, then
 * each field (type, bounds, enum, unknown keys), then each record's entity checks. An absent
 * `config` is built from the defaults; `null` is "required field missing".
 */
export function validatePluginConfig(schema: RecordField, input: unknown): ConfigValidationResult {
  if (input === null) return { ok: false, errors: MESSAGES.required };
  if (input !== undefined && !isPlainObject(input)) return { ok: false, errors: MESSAGES.record };
  const value = fillRecordDefaults(schema, input ?? {});
  const errors = validateRecord(schema, value);
  return errors === undefined ? { ok: true, value } : { ok: false, errors };
}

/** A field definition with a conditional check's match rules laid over it. */
export type FieldRule = SchemaField & FieldMatch;

/** Kong's `validate`: field by field, required fields, then the record's entity checks. */
function validateRecord(
  schema: RecordField,
  value: Readonly<Record<string, unknown>>,
): ConfigFieldErrors | undefined {
  const errors: ConfigFieldErrors = {};
  for (const [key, fieldValue] of Object.entries(value)) {
    if (fieldValue === undefined) continue;
    const field = Object.hasOwn(schema.fields, key) ? schema.fields[key] : undefined;
    const error = field === undefined ? MESSAGES.unknown : validateField(field, fieldValue);
    if (error !== undefined) setOwn(errors, key, error);
  }
  for (const [key, field] of Object.entries(schema.fields)) {
    if (field.required === true && (value[key] === null || value[key] === undefined)) {
      errors[key] = MESSAGES.required;
    }
  }
  runEntityChecks(schema, value, errors, validateField);
  return Object.keys(errors).length > 0 ? errors : undefined;
}

/** Kong's `validate_field`: `undefined` when the value is valid, else its error. */
function validateField(field: FieldRule, value: unknown): ConfigFieldError | undefined {
  if (value === null) {
    if (field.eq !== undefined) return MESSAGES.eq(field.eq);
    return field.required === true ? MESSAGES.required : undefined;
  }
  switch (field.type) {
    case 'record':
      return isPlainObject(value) ? validateRecord(field, value) : MESSAGES.record;
    case 'array':
      if (!Array.isArray(value)) return MESSAGES.array;
      return (
        validateElements(field.elements, value) ??
        (field.len_max !== undefined && value.length > field.len_max
          ? MESSAGES.lenMax(field.len_max)
          : undefined)
      );
    case 'map':
      return isPlainObject(value) ? validateMapValues(field.values, value) : MESSAGES.map;
    case 'integer':
      if (typeof value !== 'number' || !Number.isInteger(value)) return MESSAGES.integer;
      break;
    case 'number':
      if (typeof value !== 'number' || Number.isNaN(value)) return MESSAGES.number;
      break;
    case 'boolean':
      if (typeof value !== 'boolean') return MESSAGES.boolean;
      break;
    case 'string':
      if (typeof value !== 'string') return MESSAGES.string;
      // A vault reference is resolved on the proxy; Kong skips the string's validators for it.
      if (isVaultReference(value)) return vaultReferenceError(field, value);
      break;
  }
  return runValidators(field, value as string | number | boolean);
}

/** Kong's validators, in its order: eq, one_of, gt, between, len_min, len_max, then the URL or host check. */
function runValidators(field: FieldRule, value: string | number | boolean): string | undefined {
  if (field.eq !== undefined && value !== field.eq) return MESSAGES.eq(field.eq);
  if (field.one_of !== undefined && !field.one_of.includes(value as string)) {
    return MESSAGES.oneOf(field.one_of);
  }
  if (field.type === 'integer' || field.type === 'number') {
    const number = value as number;
    if (field.gt !== undefined && !(number > field.gt)) return MESSAGES.gt(field.gt);
    if (field.between !== undefined && (number < field.between[0] || number > field.between[1])) {
      return MESSAGES.between(field.between[0], field.between[1]);
    }
  }
  if (field.type === 'string') {
    const text = value as string;
    // Kong rejects empty strings unless the field says otherwise; lengths are in bytes, as in Lua.
    const lenMin = field.len_min ?? 1;
    const bytes = Buffer.byteLength(text, 'utf8');
    if (bytes < lenMin) return MESSAGES.lenMin(lenMin);
    if (field.len_max !== undefined && bytes > field.len_max) return MESSAGES.lenMax(field.len_max);
    if (field.url === true) return urlError(text);
    if (field.host === true) return checkHost(text);
  }
  return undefined;
}

/** Each element is required; errors line up with the elements, `null` where one is valid. */
function validateElements(elements: SchemaField, values: readonly unknown[]): ConfigFieldError | undefined {
  const required: FieldRule = { ...elements, required: true };
  const errors = values.map((element) => validateField(required, element) ?? null);
  const last = errors.findLastIndex((error) => error !== null);
  return last === -1 ? undefined : errors.slice(0, last + 1);
}

/** As in Kong, a map reports only its first bad value, as the map's own error. */
function validateMapValues(
  values: SchemaField,
  map: Readonly<Record<string, unknown>>,
): ConfigFieldError | undefined {
  const required: FieldRule = { ...values, required: true };
  for (const entry of Object.values(map)) {
    const error = validateField(required, entry);
    if (error !== undefined) return error;
  }
  return undefined;
}

/**
 * A reference is stored as written and resolved by each proxy, so it must be well formed, name a
 * vault this gateway has, and sit in a field the plugin declares `referenceable`.
 */
function vaultReferenceError(field: FieldRule, reference: string): string | undefined {
  if (field.referenceable !== true) {
    return "a vault reference is not allowed in this field: only fields the plugin's schema marks referenceable take one";
  }
  try {
    parseVaultReference(reference);
    return undefined;
  } catch (error) {
    if (error instanceof VaultReferenceError) return error.message;
    throw error;
  }
}

/**
 * Kong's `typedefs.url` check, after LuaSocket's `url.parse`: the authority follows `//`, the
 * host is what remains of it without user info and port; the host is checked before the scheme.
 */
function urlError(text: string): string | undefined {
  const scheme = /^[A-Za-z0-9][A-Za-z0-9+\-.]*:/.exec(text);
  const rest = scheme ? text.slice(scheme[0].length) : text;
  const authority = /^\/\/([^/]*)/.exec(rest)?.[1];
  const host = authority?.replace(/^[^@]*@/, '').replace(/:[^:\]]*$/, '');
  if (host === undefined || host === '') return MESSAGES.missingHostInUrl;
  return scheme ? undefined : MESSAGES.missingSchemeInUrl;
}
