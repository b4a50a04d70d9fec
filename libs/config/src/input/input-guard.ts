import { setOwn } from '../plugin-config/plain-object.js';
import { FORBIDDEN_KEYS, INPUT_LIMITS } from './input-limits.js';
import type { FieldErrors } from '../errors/kong-db-error.js';

// With the `u` flag a surrogate pair reads as one code point: only a lone half is in `Cs`.
const UNPAIRED_SURROGATE = /\p{Cs}/u;

/** Where in a decoded body a problem is (`["config", "model", "name"]`, `["tags", 2]`), and what it is. */
export interface InputProblem {
  readonly path: readonly (string | number)[];
  readonly message: string;
}

/**
 * Why `text` cannot be stored or served, or undefined when it can. PostgreSQL refuses the NUL
 * character in `text` and `jsonb`, and a lone UTF-16 surrogate has no UTF-8 encoding: both
 * would fail deep in the store, so every string of every input is checked here, once.
 */
export function findTextProblem(text: string): string | undefined {
  if (text.length > INPUT_LIMITS.maxStringLength) {
    return `length must be at most ${INPUT_LIMITS.maxStringLength}`;
  }
  if (text.includes('\u0000')) return 'must not contain the NUL character (\\u0000)';
  if (UNPAIRED_SURROGATE.test(text)) {
    return 'must be valid Unicode text (it holds an unpaired UTF-16 surrogate)';
  }
  return undefined;
}

/** Why an object key is refused (its text, or a prototype-reaching name), or undefined. */
export function findKeyProblem(key: string): string | undefined {
  if (FORBIDDEN_KEYS.has(key)) return `the key '${key}' is not allowed`;
  const problem = findTextProblem(key);
  return problem && `key: ${problem}`;
}

/**
 * The first place where a decoded body breaks `INPUT_LIMITS` or holds a string that cannot be
 * stored: nesting deeper than `maxDepth` (reported on the top-level field), too many elements
 * or keys, a forbidden or malformed key, a string too long, with NUL or an unpaired surrogate.
 * Undefined when the body is fine. Recursion stops at `maxDepth`, so any input is safe to walk.
 */
export function findInputProblem(value: unknown): InputProblem | undefined {
  return walk(value, [], 0);
}

function walk(value: unknown, path: (string | number)[], depth: number): InputProblem | undefined {
  if (typeof value === 'string') {
    const message = findTextProblem(value);
    return message === undefined ? undefined : { path, message };
  }
  if (value === null || typeof value !== 'object') return undefined;
  if (depth >= INPUT_LIMITS.maxDepth) {
    return { path: path.slice(0, 1), message: `nested more than ${INPUT_LIMITS.maxDepth} levels deep` };
  }
  if (Array.isArray(value)) {
    if (value.length > INPUT_LIMITS.maxArrayLength) {
      return { path, message: `length must be at most ${INPUT_LIMITS.maxArrayLength}` };
    }
    for (let index = 0; index < value.length; index++) {
      const problem = walk(value[index], [...path, index], depth + 1);
      if (problem) return problem;
    }
    return undefined;
  }
  const keys = Object.keys(value);
  if (keys.length > INPUT_LIMITS.maxObjectKeys) {
    return { path, message: `must have at most ${INPUT_LIMITS.maxObjectKeys} entries` };
  }
  for (const key of keys) {
    const keyProblem = findKeyProblem(key);
    if (keyProblem) return { path: [...path, key], message: keyProblem };
    const problem = walk((value as Record<string, unknown>)[key], [...path, key], depth + 1);
    if (problem) return problem;
  }
  return undefined;
}

/**
 * A problem as Kong's schema-violation `fields`: records nest by key, arrays hold the error at
 * the element's index (`{"tags": [null, "..."]}`). A problem of the body itself goes to `@entity`.
 */
export function inputProblemFields(problem: InputProblem): FieldErrors {
  if (problem.path.length === 0) return { '@entity': [problem.message] };
  let error: FieldErrors[string] = problem.message;
  for (let index = problem.path.length - 1; index >= 1; index--) {
    const step = problem.path[index]!;
    if (typeof step === 'number') {
      const list: (FieldErrors[string] | null)[] = new Array<null>(step).fill(null);
      list.push(error);
      error = list;
    } else {
      const record: FieldErrors = {};
      setOwn(record, step, error);
      error = record;
    }
  }
  const fields: FieldErrors = {};
  setOwn(fields, String(problem.path[0]), error);
  return fields;
}
