import type { RecordField, SchemaField } from '@switchyard/plugin-api';
import { isPlainObject, setOwn } from './plain-object.js';

/**
 * A copy of `input` with every absent field filled as Kong does on insert
 * (`process_auto_fields` in `kong/db/schema/init.lua`): its default if it has one, else `null`
 * when optional. A required field without default stays absent (validation reports it), except
 * a required record, which is built from its own defaults. An optional record that is absent
 * becomes `null`, not a record of defaults. Unknown keys are kept for validation to report.
 */
export function fillRecordDefaults(
  schema: RecordField,
  input: Readonly<Record<string, unknown>>,
): Record<string, unknown> {
  const output: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(input)) {
    if (value !== undefined) setOwn(output, key, value);
  }
  for (const [key, field] of Object.entries(schema.fields)) {
    const filled = fillField(field, output[key]);
    if (filled === undefined) delete output[key];
    else output[key] = filled;
  }
  return output;
}

function fillField(field: SchemaField, value: unknown): unknown {
  if (field.type === 'record') {
    // Kong recurses into a record that is given, or required; an explicit null stays null.
    if (value !== null && (value !== undefined || field.required === true)) {
      const record = value ?? {};
      if (isPlainObject(record)) return fillRecordDefaults(field, record);
    }
  } else if (field.type === 'array' && Array.isArray(value)) {
    return value.map((element) => fillField(field.elements, element));
  } else if (field.type === 'map' && isPlainObject(value)) {
    const map: Record<string, unknown> = {};
    for (const [key, entry] of Object.entries(value)) setOwn(map, key, fillField(field.values, entry));
    return map;
  }
  return value === undefined ? missingValue(field) : value;
}

function missingValue(field: SchemaField): unknown {
  if ('default' in field && field.default !== undefined) return structuredClone(field.default);
  return field.required === true ? undefined : null;
}
