import type { RecordField, SchemaField } from '@switchyard/plugin-api';
import { isPlainObject } from './plain-object.js';

/**
 * Types the leaves of a form-encoded `config` (already nested into objects of strings) by the
 * plugin's schema, as Kong's `infer_value` (`kong/api/arguments.lua`) does:
 * - `""` is `null` (unset) for any field the schema knows;
 * - `integer` and `number` fields read numbers as Lua's `tonumber` does (decimal or hex, spaces
 *   around allowed); text that is not a number stays as is, for validation to report;
 * - `boolean` fields read `"true"` and `"false"`;
 * - an `array` field given one value gets a one-element array, and an object with integer keys
 *   (`paths[1]=a&paths[2]=b`) becomes an array in key order;
 * - records and map values are typed field by field. (Kong leaves map values as strings; typing
 *   them lets a form carry a map of numbers.)
 * Keys the schema does not know stay as they are, for validation to report. Returns a new object.
 */
export function typeFormValues(
  schema: RecordField,
  input: Readonly<Record<string, unknown>>,
): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(input).map(([key, value]) => [
      key,
      Object.hasOwn(schema.fields, key) ? typeValue(schema.fields[key]!, value) : value,
    ]),
  );
}

function typeValue(field: SchemaField, value: unknown): unknown {
  if (value === '') return null;
  switch (field.type) {
    case 'integer':
    case 'number':
      return typeof value === 'string' ? (luaToNumber(value) ?? value) : value;
    case 'boolean':
      return value === 'true' ? true : value === 'false' ? false : value;
    case 'array': {
      const list = asList(value);
      return list === undefined ? value : list.map((element) => typeValue(field.elements, element));
    }
    case 'map':
      return isPlainObject(value)
        ? Object.fromEntries(
            Object.entries(value).map(([key, entry]) => [key, typeValue(field.values, entry)]),
          )
        : value;
    case 'record':
      return isPlainObject(value) ? typeFormValues(field, value) : value;
    default:
      return value;
  }
}

/** A value as a list: an array as is, integer keys in order, a scalar as one element. */
function asList(value: unknown): unknown[] | undefined {
  if (Array.isArray(value)) return value;
  if (value === null || value === undefined) return undefined;
  if (!isPlainObject(value)) return [value];
  const keys = Object.keys(value);
  if (keys.length === 0 || !keys.every((key) => /^\d+$/.test(key))) return undefined;
  return keys.sort((a, b) => Number(a) - Number(b)).map((key) => value[key]);
}

const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const HEXADECIMAL = /^([+-]?)0[xX]([0-9a-fA-F]+)$/;

/** Lua's `tonumber` on text: `undefined` when it is not a number. */
function luaToNumber(text: string): number | undefined {
  const trimmed = text.trim();
  if (DECIMAL.test(trimmed)) return Number(trimmed);
  const hex = HEXADECIMAL.exec(trimmed);
  if (hex) return (hex[1] === '-' ? -1 : 1) * Number.parseInt(hex[2]!, 16);
  return undefined;
}
