import { getMetadataStorage } from 'class-validator';
import { KONG_FIELD_CONSTRAINT_PREFIX, type FieldKind } from '../entities/kong-field.validators.js';
import { schemaViolation, type FieldErrors, type KongDbError } from '../errors/kong-db-error.js';
import { findKeyProblem } from '../input/input-guard.js';
import { INPUT_LIMITS } from '../input/input-limits.js';
import { setOwn } from '../plugin-config/plain-object.js';
import type { EntityDefinition } from '../entities/entity-definitions.js';

/**
 * Kong's form argument names (`kong/api/arguments.lua`) turned into nested objects of strings:
 * dotted keys nest (`config.model.name`), `paths[]=` appends, `paths[1]=` indexes, bracket keys
 * name map entries (`headers[x-foo]=`), and a repeated plain key makes an array.
 * Values stay strings; `typeEntityForm` types them by the entity's schema.
 *
 * The decoding is bounded by `INPUT_LIMITS` (fields, key length, nesting), keys that would reach
 * a prototype (`__proto__[x]=`) are refused before any object is touched, and a name used both
 * as a value, a list and a map (`paths[]=/a&paths[x]=/b`) is refused rather than guessed: each is
 * Kong's schema violation (400) naming the form key.
 */
export function nestFormFields(pairs: Iterable<readonly [string, string]>): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  let count = 0;
  for (const [key, value] of pairs) {
    count += 1;
    if (count > INPUT_LIMITS.maxFormFields) throw tooManyFormFields();
    const path = parseKey(key);
    if (path.length > 0) assign(root, path, value, key);
  }
  return root;
}

/** 400: a form body with more than `INPUT_LIMITS.maxFormFields` fields. */
export function tooManyFormFields(): KongDbError {
  return schemaViolation({
    '@entity': [`a form body may have at most ${INPUT_LIMITS.maxFormFields} fields`],
  });
}

const APPEND = Symbol('append');
type PathToken = string | typeof APPEND;

function parseKey(key: string): PathToken[] {
  if (key.length > INPUT_LIMITS.maxFormKeyLength) {
    throw formKeyError(key, `key longer than ${INPUT_LIMITS.maxFormKeyLength} characters`);
  }
  const tokens: PathToken[] = [];
  for (const match of key.matchAll(/([^.[\]]+)|\[([^\]]*)\]/g)) {
    if (tokens.length === INPUT_LIMITS.maxDepth) {
      throw formKeyError(key, `nested more than ${INPUT_LIMITS.maxDepth} levels deep`);
    }
    const name = match[1] ?? match[2]!;
    if (match[1] === undefined && name === '') {
      tokens.push(APPEND);
      continue;
    }
    const problem = findKeyProblem(name);
    if (problem) throw formKeyError(key, problem);
    tokens.push(name);
  }
  return tokens;
}

type Container = Record<string, unknown> | unknown[];

function assign(root: Record<string, unknown>, path: readonly PathToken[], value: string, key: string): void {
  let container: Container = root;
  for (let index = 0; index < path.length; index++) {
    const token = path[index]!;
    const next = path[index + 1];
    if (token === APPEND) {
      // Below the root, a name followed by `[]` always continues into a list (see `childOf`).
      if (!Array.isArray(container)) throw formKeyError(key, 'a form key must start with a name');
      if (next === undefined) {
        container.push(value);
        continue;
      }
      const child: Container = next === APPEND ? [] : {};
      container.push(child);
      container = child;
      continue;
    }
    // A name continues into a map: lists are only ever continued by `[]` (see `childOf`).
    const record = container as Record<string, unknown>;
    const existing = Object.hasOwn(record, token) ? record[token] : undefined;
    if (next === undefined) {
      if (existing === undefined) setOwn(record, token, value);
      else if (Array.isArray(existing)) existing.push(value);
      else if (typeof existing === 'string') setOwn(record, token, [existing, value]);
      else throw kindConflict(key, path, index + 1, 'a map', 'a value');
      return;
    }
    container = childOf(record, token, existing, next === APPEND, key, path, index);
  }
}

/** The list or map a key continues into, created when absent; a clash of kinds is refused. */
function childOf(
  record: Record<string, unknown>,
  token: string,
  existing: unknown,
  wantsList: boolean,
  key: string,
  path: readonly PathToken[],
  index: number,
): Container {
  const wanted = wantsList ? 'a list' : 'a map';
  if (existing === undefined) {
    const child: Container = wantsList ? [] : {};
    setOwn(record, token, child);
    return child;
  }
  if (typeof existing === 'string') throw kindConflict(key, path, index + 1, 'a value', wanted);
  if (Array.isArray(existing) !== wantsList) {
    throw kindConflict(key, path, index + 1, Array.isArray(existing) ? 'a list' : 'a map', wanted);
  }
  return existing as Container;
}

/** `config.model`, `paths[]`: the first `length` tokens of a key, for messages. */
function describePath(path: readonly PathToken[], length: number): string {
  return path
    .slice(0, length)
    .map((token, index) => (token === APPEND ? '[]' : index === 0 ? token : `.${token}`))
    .join('');
}

function kindConflict(
  key: string,
  path: readonly PathToken[],
  length: number,
  was: string,
  now: string,
): KongDbError {
  return formKeyError(key, `'${describePath(path, length)}' is given both as ${was} and as ${now}`);
}

/** Longest form key quoted in an error; a longer one is cut, so the error stays small. */
const QUOTED_KEY_LENGTH = 64;

function formKeyError(key: string, message: string): KongDbError {
  const quoted = key.length > QUOTED_KEY_LENGTH ? `${key.slice(0, QUOTED_KEY_LENGTH)}...` : key;
  const fields: FieldErrors = {};
  setOwn(fields, quoted, message);
  return schemaViolation(fields);
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
    case 'endpoint-array': {
      // `sources[1].ip=10.0.0.0/8&sources[1].port=80`: a list of records whose `port` is a number.
      const list = asIndexedList(value) ?? value;
      return Array.isArray(list)
        ? list.map((item) =>
            item !== null && typeof item === 'object' && !Array.isArray(item) && 'port' in item
              ? { ...item, port: typeFormValue('integer', item.port) }
              : item,
          )
        : list;
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
