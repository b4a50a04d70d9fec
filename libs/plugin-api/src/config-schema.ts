/**
 * A declarative config schema, in the manner of Kong's plugin schemas: the one description
 * from which the Admin API types form-encoded values, fills defaults, validates, and documents
 * a plugin's `config`. Every field carries a description; optional fields carry their default.
 */
export type SchemaField = StringField | NumberField | BooleanField | ArrayField | RecordField | MapField;

interface FieldBase {
  /** What the field means, in a sentence for the docs. */
  readonly description: string;
  /** Absent values are an error ("required field missing"). */
  readonly required?: boolean;
  /**
   * Kong's "referenceable": the value may be a vault reference (`{vault://env/<name>}`), which the
   * Admin API stores as written and each proxy replaces by the secret when it loads the config,
   * before the plugin's `createHandler` sees it. A reference in any other field is refused.
   */
  readonly referenceable?: boolean;
  /** Kong's "encrypted": stored as a secret; masked nowhere yet, documented. */
  readonly encrypted?: boolean;
}

export interface StringField extends FieldBase {
  readonly type: 'string';
  readonly default?: string;
  /** The value must be one of these. */
  readonly one_of?: readonly string[];
  /** The value must be a URL with a scheme and host (Kong's `typedefs.url`). */
  readonly url?: boolean;
  /** The value must be a host name or an IP address, without scheme, port or path (Kong's `typedefs.host`). */
  readonly host?: boolean;
  /** Fewest bytes (UTF-8) the value may have; 1 when absent (Kong refuses empty strings). */
  readonly len_min?: number;
  /** Most bytes (UTF-8) the value may have ("length must be at most N"). */
  readonly len_max?: number;
}

export interface NumberField extends FieldBase {
  /** `integer` accepts whole numbers only. */
  readonly type: 'integer' | 'number';
  readonly default?: number;
  /** Inclusive bounds. */
  readonly between?: readonly [number, number];
  /** Exclusive lower bound. */
  readonly gt?: number;
}

export interface BooleanField extends FieldBase {
  readonly type: 'boolean';
  readonly default?: boolean;
}

export interface ArrayField extends FieldBase {
  readonly type: 'array';
  readonly elements: SchemaField;
  readonly default?: readonly unknown[];
  /** Most elements the array may have ("length must be at most N"). */
  readonly len_max?: number;
}

export interface MapField extends FieldBase {
  readonly type: 'map';
  readonly values: SchemaField;
}

export interface RecordField extends FieldBase {
  readonly type: 'record';
  readonly fields: Readonly<Record<string, SchemaField>>;
  /** Checks across this record's fields, reported under `@entity` of the record. */
  readonly entity_checks?: readonly EntityCheck[];
}

/**
 * What a field's value must match in a conditional check (Kong's `if_match` / `then_match`).
 * The value is checked against the field's own definition with these rules laid over it, so a
 * null value matches unless `required` or `eq` says otherwise, as in Kong.
 */
export interface FieldMatch {
  readonly one_of?: readonly string[];
  /** The value must be exactly this ("value must be <eq>"). */
  readonly eq?: string | number | boolean;
  readonly required?: boolean;
}

/**
 * A check across fields, run after the record's own fields are validated, in declaration order,
 * with Kong's rules for when each kind runs. Paths are dotted and relative to the record that
 * declares the check. Messages go to that record's `@entity` list.
 * - `mutually_required`: all or none of the fields are set
 *   ("all or none of these fields must be set: 'a', 'b'").
 * - `conditional`: when `if_field` matches `if_match`, `then_field` must match `then_match`;
 *   the field's own error goes to `then_field` and `then_err` (or Kong's generic message) to `@entity`.
 * - `conditional_at_least_one_of`: when `if_field` matches `if_match`, at least one of
 *   `then_at_least_one_of` is non-empty; else `then_err` (or Kong's generic message).
 * - `at_least_one_of`: at least one of the fields is non-empty (Kong's `is_nonempty`); else
 *   `message`, or Kong's "at least one of these fields must be non-empty: 'a', 'b'".
 * - `custom`: a function of the record's value that returns an error message, or `undefined`.
 *   It runs only when every field of `field_sources` is present and free of errors
 *   (Kong's `custom_entity_check`).
 */
export type EntityCheck =
  | { readonly mutually_required: readonly string[] }
  | { readonly conditional: ConditionalCheck }
  | { readonly conditional_at_least_one_of: ConditionalAtLeastOneOfCheck }
  | {
      readonly at_least_one_of: readonly string[];
      /**
       * The whole message, for Kong's wording of a check it declares on the plugin entity
       * (`'config.prompts.prepend'`) where this one is declared on `config`.
       */
      readonly message?: string;
    }
  | {
      readonly custom: (value: Readonly<Record<string, unknown>>) => string | undefined;
      readonly field_sources: readonly string[];
    };

export interface ConditionalCheck {
  readonly if_field: string;
  readonly if_match: FieldMatch;
  readonly then_field: string;
  readonly then_match: FieldMatch;
  /** The `@entity` message when `then_match` fails; the whole message, no placeholders. */
  readonly then_err?: string;
}

export interface ConditionalAtLeastOneOfCheck {
  readonly if_field: string;
  readonly if_match: FieldMatch;
  readonly then_at_least_one_of: readonly string[];
  /** The `@entity` message when none is set; the whole message, no placeholders. */
  readonly then_err?: string;
}

/**
 * Kong's check that a provider's config sets one of its options ("must set
 * 'model.options.<option>' for <provider> provider"), as a driver declares it in `configChecks`.
 * `reason` replaces "<provider> provider" in the message where Kong words it otherwise.
 */
export function requiredOptionCheck(
  provider: string,
  option: string,
  reason = `${provider} provider`,
): EntityCheck {
  const path = `model.options.${option}`;
  return {
    conditional_at_least_one_of: {
      if_field: 'model.provider',
      if_match: { one_of: [provider] },
      then_at_least_one_of: [path],
      then_err: `must set '${path}' for ${reason}`,
    },
  };
}
