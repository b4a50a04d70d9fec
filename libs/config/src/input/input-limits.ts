/**
 * The bounds every Admin API input is held to, whatever its encoding (JSON, urlencoded or
 * multipart form), before any code reads it. They keep the decoding cost and the size of a
 * stored entity small, and every snapshot a proxy loads within what it can process. The README's
 * "Input limits" lists them; the entity schemas add tighter per-field maxima (`KONG_FIELD_LIMITS`).
 */
export const INPUT_LIMITS = {
  /** Deepest nesting of objects and arrays: `{"config":{"model":{"name":"x"}}}` is 3 deep. */
  maxDepth: 16,
  /** Longest string value or object key anywhere in a body, in UTF-16 code units. */
  maxStringLength: 16_384,
  /** Most elements of one array. */
  maxArrayLength: 1_000,
  /** Most keys of one object (a record or a map). */
  maxObjectKeys: 1_000,
  /** Most `key=value` fields in one form body. */
  maxFormFields: 1_000,
  /** Longest form key (`config.model.options.max_tokens`, `headers[x-tenant][]`), in characters. */
  maxFormKeyLength: 1_024,
} as const;

/**
 * Keys that would reach an object's prototype when assigned (`obj["__proto__"] = ...`) or that
 * name it (`constructor.prototype`): refused everywhere input becomes an object.
 */
export const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);
