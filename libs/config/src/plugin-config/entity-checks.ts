import type { EntityCheck, RecordField, SchemaField } from '@switchyard/plugin-api';
import type { ConfigFieldError, ConfigFieldErrors, FieldRule } from './config-validator.js';
import { KONG_SCHEMA_MESSAGES as MESSAGES, quotedList } from './kong-schema.messages.js';
import { isPlainObject } from './plain-object.js';

type FieldValidator = (field: FieldRule, value: unknown) => ConfigFieldError | undefined;

/**
 * When a kind of check runs, as Kong's entity checkers declare it: the fields it reads, which of
 * them must be present, whether it runs when some are absent, and whether it runs when one of
 * them already has an error.
 */
interface CheckPlan {
  readonly fields: readonly string[];
  readonly required: ReadonlySet<string>;
  readonly runWithMissingFields: boolean;
  readonly runWithInvalidFields: boolean;
  /** The `@entity` message, or `undefined` when the check passes. */
  readonly run: () => string | undefined;
}

/**
 * Runs the record's entity checks in order, as Kong's `run_entity_checks` does on a full insert,
 * adding their messages to `errors['@entity']` and, for conditional checks, the failing field's
 * own error at its path.
 */
export function runEntityChecks(
  schema: RecordField,
  value: Readonly<Record<string, unknown>>,
  errors: ConfigFieldErrors,
  validateField: FieldValidator,
): void {
  for (const check of schema.entity_checks ?? []) {
    const plan = planCheck(check, schema, value, errors, validateField);
    let allAbsent = true;
    let allValid = true;
    const missing: string[] = [];
    for (const path of plan.fields) {
      if (valueAt(value, path) === undefined) {
        if (!plan.runWithMissingFields && plan.required.has(path)) missing.push(path);
      } else {
        allAbsent = false;
      }
      // Kong looks the path up as a plain key, so only a top-level field's error counts here.
      if (Object.hasOwn(errors, path)) allValid = false;
    }
    if (!allValid && !plan.runWithInvalidFields) continue;
    if (allAbsent && !plan.runWithMissingFields) continue;
    if (missing.length > 0) {
      for (const path of missing) setErrorAt(errors, path, MESSAGES.requiredForEntityCheck);
      continue;
    }
    const message = plan.run();
    if (message !== undefined) {
      const entity = errors['@entity'];
      errors['@entity'] = Array.isArray(entity) ? [...(entity as string[]), message] : [message];
    }
  }
}

function planCheck(
  check: EntityCheck,
  schema: RecordField,
  value: Readonly<Record<string, unknown>>,
  errors: ConfigFieldErrors,
  validateField: FieldValidator,
): CheckPlan {
  const matches = (path: string, match: object, candidate: unknown): boolean =>
    validateField({ ...fieldAt(schema, path), ...match }, candidate) === undefined;

  if ('mutually_required' in check) {
    const names = check.mutually_required;
    return {
      fields: names,
      required: new Set(names),
      runWithMissingFields: true,
      runWithInvalidFields: false,
      run: () => {
        const set = names.filter((name) => isNonEmpty(valueAt(value, name))).length;
        return set === 0 || set === names.length ? undefined : MESSAGES.mutuallyRequired(quotedList(names));
      },
    };
  }

  if ('conditional' in check) {
    const { if_field, if_match, then_field, then_match, then_err } = check.conditional;
    return {
      fields: [if_field, then_field],
      required: new Set([if_field]),
      runWithMissingFields: false,
      runWithInvalidFields: true,
      run: () => {
        if (!matches(if_field, if_match, valueAt(value, if_field))) return undefined;
        const thenValue = valueAt(value, then_field) ?? null;
        if (then_match.required === true && thenValue === null) {
          setErrorAt(errors, then_field, MESSAGES.required);
          return MESSAGES.conditional(if_field);
        }
        const error = validateField({ ...fieldAt(schema, then_field), ...then_match }, thenValue);
        if (error === undefined) return undefined;
        setErrorAt(errors, then_field, error);
        return then_err ?? MESSAGES.conditional(if_field);
      },
    };
  }

  if ('conditional_at_least_one_of' in check) {
    const { if_field, if_match, then_at_least_one_of, then_err } = check.conditional_at_least_one_of;
    return {
      fields: [if_field, ...then_at_least_one_of],
      // Kong declares this checker's required fields as a list where a set is read: none is required.
      required: new Set(),
      runWithMissingFields: true,
      runWithInvalidFields: true,
      run: () => {
        const ifValue = valueAt(value, if_field);
        if (ifValue === undefined || !matches(if_field, if_match, ifValue)) return undefined;
        if (then_at_least_one_of.some((name) => isNonEmpty(valueAt(value, name)))) return undefined;
        return then_err ?? MESSAGES.atLeastOneOf(quotedList(then_at_least_one_of));
      },
    };
  }

  if ('at_least_one_of' in check) {
    const names = check.at_least_one_of;
    return {
      fields: names,
      required: new Set(),
      runWithMissingFields: true,
      runWithInvalidFields: true,
      run: () =>
        names.some((name) => isNonEmpty(valueAt(value, name)))
          ? undefined
          : (check.message ?? MESSAGES.atLeastOneOf(quotedList(names))),
    };
  }

  return {
    fields: check.field_sources,
    required: new Set(check.field_sources),
    runWithMissingFields: false,
    runWithInvalidFields: false,
    run: () => check.custom(value),
  };
}

/** The value at a dotted path; `undefined` when it, or a record on the way, is absent or null. */
function valueAt(record: Readonly<Record<string, unknown>>, path: string): unknown {
  let current: unknown = record;
  for (const segment of path.split('.')) {
    if (!isPlainObject(current) || !Object.hasOwn(current, segment)) return undefined;
    current = current[segment];
  }
  return current;
}

/** The definition of the field at a dotted path; a check naming an unknown field is a schema bug. */
function fieldAt(schema: RecordField, path: string): SchemaField {
  let current: SchemaField = schema;
  for (const segment of path.split('.')) {
    const next: SchemaField | undefined =
      current.type === 'record' && Object.hasOwn(current.fields, segment)
        ? current.fields[segment]
        : undefined;
    if (next === undefined) {
      throw new Error(`entity check names '${path}', which is not a field of the schema`);
    }
    current = next;
  }
  return current;
}

/**
 * Kong's `set_field` on the error table: creates the records on the way. Where a record already
 * has a message of its own ("expected a record"), that message stays (Kong would fail here).
 */
function setErrorAt(errors: ConfigFieldErrors, path: string, error: ConfigFieldError): void {
  const segments = path.split('.');
  let current: ConfigFieldErrors = errors;
  for (const segment of segments.slice(0, -1)) {
    const next = current[segment];
    if (next === undefined) {
      const created: ConfigFieldErrors = {};
      current[segment] = created;
      current = created;
    } else if (isPlainObject(next)) {
      current = next as ConfigFieldErrors;
    } else {
      return;
    }
  }
  current[segments[segments.length - 1]!] = error;
}

/** Kong's `is_nonempty`: not absent, not null, not an empty string, object or array. */
function isNonEmpty(value: unknown): boolean {
  if (value === undefined || value === null || value === '') return false;
  if (Array.isArray(value)) return value.length > 0;
  if (isPlainObject(value)) return Object.keys(value).length > 0;
  return true;
}
