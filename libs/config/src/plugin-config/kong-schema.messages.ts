/**
 * Kong's schema validation messages, word for word (`validation_errors` in
 * `kong/db/schema/init.lua`), so that Admin API clients see the errors Kong gives.
 */
export const KONG_SCHEMA_MESSAGES = {
  required: 'required field missing',
  unknown: 'unknown field',
  array: 'expected an array',
  map: 'expected a map',
  record: 'expected a record',
  string: 'expected a string',
  number: 'expected a number',
  integer: 'expected an integer',
  boolean: 'expected a boolean',
  requiredForEntityCheck: 'field required for entity check',
  missingHostInUrl: 'missing host in url',
  missingSchemeInUrl: 'missing scheme in url',
  eq: (wanted: string | number | boolean) => `value must be ${String(wanted)}`,
  gt: (limit: number) => `value must be greater than ${limit}`,
  // Lua's `%d` truncates the bounds: `between = { 0.0, 5.0 }` reads "between 0 and 5".
  between: (low: number, high: number) =>
    `value should be between ${Math.trunc(low)} and ${Math.trunc(high)}`,
  lenMin: (min: number) => `length must be at least ${min}`,
  lenMax: (max: number) => `length must be at most ${max}`,
  oneOf: (options: readonly string[]) => `expected one of: ${options.join(', ')}`,
  mutuallyRequired: (list: string) => `all or none of these fields must be set: ${list}`,
  conditional: (ifField: string) => `failed conditional validation given value of field '${ifField}'`,
  atLeastOneOf: (list: string) => `at least one of these fields must be non-empty: ${list}`,
} as const;

/** Kong's `quoted_list`: `'a', 'b'`. */
export function quotedList(names: readonly string[]): string {
  return names.map((name) => `'${name}'`).join(', ');
}
