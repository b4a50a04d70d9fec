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
  /** Kong's "referenceable": the value may be a vault reference. Documentation only here. */
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
  readonly len_min?: number;
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
 * A check across fields. Paths are dotted and relative to the record that declares the check.
 * - `mutually_required`: all or none of the fields are set.
 * - `custom`: a function of the record's value that returns an error message, or `undefined`.
 */
export type EntityCheck =
  | { readonly mutually_required: readonly string[] }
  | { readonly custom: (value: Readonly<Record<string, unknown>>) => string | undefined };
