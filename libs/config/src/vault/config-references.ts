import type { RecordField, SchemaField } from '@switchyard/plugin-api';
import { isPlainObject, setOwn } from '../plugin-config/plain-object.js';
import { isVaultReference, parseVaultReference } from './vault-reference.js';

/** The environment references are resolved from: variable name to value (`process.env` on a proxy). */
export type SecretEnvironment = Readonly<Record<string, string | undefined>>;

/**
 * A reference that could not be resolved, described for the operator who must fix it. It never
 * carries a secret: only where the reference is, what it says and which variable it reads.
 */
export interface UnresolvedReference {
  /** The field in the plugin's `config`, dotted: `auth.header_value`, `list[0]`. */
  readonly field: string;
  /** The reference as written. */
  readonly reference: string;
  /** The environment variable it reads. */
  readonly variable: string;
  /** What to fix: "the environment variable OPENAI_API_KEY is not set". */
  readonly problem: string;
}

/** A plugin config with its references replaced by their values, and those that could not be. */
export interface ResolvedConfig {
  /** The config with every resolvable reference replaced; the input itself when it has none. */
  readonly config: Record<string, unknown>;
  readonly unresolved: readonly UnresolvedReference[];
}

/**
 * Replaces the vault references in the `referenceable` string fields of a plugin's (validated)
 * `config` by the secrets they name, read from `env`, for every plugin and field alike: the plugin
 * gets the values and never sees a reference. The input is not changed; the values live only in
 * the returned config. Runs on the proxy when a snapshot is swapped in; the Admin API and the
 * store only ever hold the references.
 */
export function resolveConfigReferences(
  schema: RecordField,
  config: Record<string, unknown>,
  env: SecretEnvironment,
): ResolvedConfig {
  const unresolved: UnresolvedReference[] = [];
  const resolved = resolveRecord(schema, config, '', { env, unresolved });
  return { config: resolved, unresolved };
}

interface Resolution {
  readonly env: SecretEnvironment;
  readonly unresolved: UnresolvedReference[];
}

// Copy on write: a record, array or map is copied only when something under it was resolved.
function resolveRecord(
  schema: RecordField,
  record: Record<string, unknown>,
  path: string,
  resolution: Resolution,
): Record<string, unknown> {
  let copy: Record<string, unknown> | undefined;
  for (const [key, value] of Object.entries(record)) {
    const field = Object.hasOwn(schema.fields, key) ? schema.fields[key] : undefined;
    if (field === undefined) continue;
    const resolved = resolveValue(field, value, path === '' ? key : `${path}.${key}`, resolution);
    if (resolved === value) continue;
    copy ??= { ...record };
    setOwn(copy, key, resolved);
  }
  return copy ?? record;
}

function resolveValue(field: SchemaField, value: unknown, path: string, resolution: Resolution): unknown {
  switch (field.type) {
    case 'string':
      return field.referenceable === true && typeof value === 'string' && isVaultReference(value)
        ? resolveReference(value, path, resolution)
        : value;
    case 'record':
      return isPlainObject(value) ? resolveRecord(field, value, path, resolution) : value;
    case 'array': {
      if (!Array.isArray(value)) return value;
      const resolved = value.map((element, index) =>
        resolveValue(field.elements, element, `${path}[${index}]`, resolution),
      );
      return resolved.every((element, index) => element === value[index]) ? value : resolved;
    }
    case 'map': {
      if (!isPlainObject(value)) return value;
      let copy: Record<string, unknown> | undefined;
      for (const [key, entry] of Object.entries(value)) {
        const resolved = resolveValue(field.values, entry, `${path}.${key}`, resolution);
        if (resolved === entry) continue;
        copy ??= { ...value };
        setOwn(copy, key, resolved);
      }
      return copy ?? value;
    }
    default:
      return value;
  }
}

/**
 * The secret, or the reference itself (recorded as unresolved) when there is none to read. A
 * malformed reference throws: the validation every snapshot passes first refuses those.
 */
function resolveReference(text: string, field: string, { env, unresolved }: Resolution): string {
  const { variable, key } = parseVaultReference(text);
  const fail = (problem: string) => {
    unresolved.push({ field, reference: text, variable, problem });
    return text;
  };
  const raw = env[variable];
  if (raw === undefined) return fail(`the environment variable ${variable} is not set`);
  if (key === null) return raw;
  // The message never quotes the variable's content: it is a secret, well-formed or not.
  const secret = memberOf(raw, key);
  return secret ?? fail(`the environment variable ${variable} is not a JSON object with a string '${key}'`);
}

function memberOf(json: string, key: string): string | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    return undefined;
  }
  if (!isPlainObject(parsed) || !Object.hasOwn(parsed, key)) return undefined;
  const member = parsed[key];
  return typeof member === 'string' ? member : undefined;
}
