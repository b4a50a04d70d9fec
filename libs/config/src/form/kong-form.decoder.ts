import { getMetadataStorage } from 'class-validator';
import { KONG_FIELD_CONSTRAINT_PREFIX, type FieldKind } from '../entities/kong-field.validators.js';
import type { EntityDefinition } from '../entities/entity-definitions.js';

/**
 * Kong's form argument names (`kong/api/arguments.lua`) turned into nested objects of strings:
 * dotted keys nest (`config.model.name`), `paths[]=` appends, `paths[1]=` indexes, bracket keys
 * name map entries (`headers[x-foo]=`), and a repeated plain key makes an array.
 * Values stay strings; `typeEntityForm` types them by the entity's schema.
 */
export function nestFormFields(pairs: Iterable<readonly [string, string]>): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  for (const [key, value] of pairs) {
    const path = parseKey(key);
    if (path.length > 0) assign(root, path, value);
  }
  return root;
}

const APPEND = Symbol('append');
type PathToken = string | typeof APPEND;

function parseKey(key: string): PathToken[] {
  const tokens: PathToken[] = [];
  for (const match of key.matchAll(/([^.[\]]+)|\[([^\]]*)\]/g)) {
    if (match[1] !== undefined) tokens.push(match[1]);
    else tokens.push(match[2] === '' ? APPEND : match[2]!);
  }
  return tokens;
}

function assign(container: Record<string, unknown> | unknown[], path: PathToken[], value: string): void {
  const [head, ...rest] = path;
  if (head === undefined) return;
  if (head === APPEND) {
    const list = container as unknown[];
    if (rest.length === 0) list.push(value);
    else {
      const child: Record<string, unknown> = {};
      list.push(child);
      assign(child, rest, value);
    }
    return;
  }
  const record = container as Record<string, unknown>;
  if (rest.length === 0) {
    const existing = record[head];
    if (existing === undefined) record[head] = value;
    else if (Array.isArray(existing)) existing.push(value);
    else record[head] = [existing, value];
    return;
  }
  const wantsList = rest[0] === APPEND;
  let child = record[head];
  if (child === undefined || typeof child !== 'object' || child === null) {
    child = wantsList ? [] : {};
    record[head] = child;
  }
  assign(child as Record<string, unknown>, rest, value);
}

/** An object whose keys are all integers (`paths[1]=`, `paths[2]=`) read as a list, in key order. */
export function asIndexedList(value: unknown): unknown[] | undefined {
  if (Array.isArray(value)) return value;
  if (value === null || typeof value !== 'object') return undefined;
  const keys = Object.keys(value);
  if (keys.length === 0 || !keys.every((key) => /^\d+$/.test(key))) return undefined;
  return keys.sort((a, b) => Number(a) - Number(b)).map((key) => (value as Record<string, unknown>)[key]);
}

const kindCache = new Map<new () => object, Map<string, FieldKind>>();

/** The kind of each field of a class-validator schema, read from its Kong field decorators. */
export function fieldKindsOf(schema: new () => object): ReadonlyMap<string, FieldKind> {
  let kinds = kindCache.get(schema);
  if (!kinds) {
    kinds = new Map();
    for (const metadata of getMetadataStorage().getTargetValidationMetadatas(schema, '', true, false)) {
      if (metadata.name?.startsWith(KONG_FIELD_CONSTRAINT_PREFIX)) {
        kinds.set(
          metadata.propertyName,
          metadata.name.slice(KONG_FIELD_CONSTRAINT_PREFIX.length) as FieldKind,
        );
      }
    }
    kindCache.set(schema, kinds);
  }
  return kinds;
}

/**
 * Types a nested form body by the entity's schema, as Kong infers form values from its schema:
 * numbers, `true`/`false`, `""` as null, a single value where a list is expected as a list.
 * Values that do not fit stay as they are, so that validation reports them. `config` and other
 * fields without a Kong kind are left to their own schema.
 */
export function typeEntityForm(
  definition: EntityDefinition,
  input: Record<string, unknown>,
): Record<string, unknown> {
  const kinds = fieldKindsOf(definition.schema);
  return Object.fromEntries(
    Object.entries(input).map(([field, value]) => {
      const kind = kinds.get(field);
      return [field, kind ? typeFormValue(kind, value) : value];
    }),
  );
}

function typeFormValue(kind: FieldKind, value: unknown): unknown {
  if (value === '') return null;
  switch (kind) {
    case 'integer':
      return typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value;
    case 'boolean':
      return value === 'true' ? true : value === 'false' ? false : value;
    case 'string-array':
      return typeof value === 'string' ? [value] : (asIndexedList(value) ?? value);
    case 'integer-array': {
      const list = typeof value === 'string' ? [value] : (asIndexedList(value) ?? value);
      return Array.isArray(list) ? list.map((item) => typeFormValue('integer', item)) : list;
    }
    case 'string-map':
      return value !== null && typeof value === 'object' && !Array.isArray(value)
        ? Object.fromEntries(
            Object.entries(value).map(([key, entry]) => [
              key,
              typeof entry === 'string' ? [entry] : (asIndexedList(entry) ?? entry),
            ]),
          )
        : value;
    default:
      return value;
  }
}
