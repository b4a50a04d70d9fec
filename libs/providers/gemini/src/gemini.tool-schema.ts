import { TranslationError } from '@switchyard/plugin-api';
import type { JsonSchema } from '@switchyard/plugin-api';
import { isRecord } from '@switchyard/provider-openai-compatible';
import type { JsonRecord } from '@switchyard/provider-openai-compatible';
import type { GeminiSchema } from './gemini.types.js';

/** Keywords Gemini's `Schema` has with JSON Schema's meaning: sent as they are (sub-schemas translated). */
const KEPT = new Set([
  'type',
  'format',
  'title',
  'description',
  'nullable',
  'enum',
  'items',
  'minItems',
  'maxItems',
  'properties',
  'required',
  'minProperties',
  'maxProperties',
  'minLength',
  'maxLength',
  'pattern',
  'example',
  'default',
  'minimum',
  'maximum',
  'anyOf',
  'propertyOrdering',
]);

/**
 * Keywords that only annotate a schema or narrow the values it admits, which Gemini's `Schema`
 * lacks: left out, so the declaration Gemini sees admits at least what the tool admits (the
 * tool still validates its arguments). `additionalProperties: false` is what strict tools send.
 */
export const DROPPED_SCHEMA_KEYWORDS: readonly string[] = [
  '$schema',
  '$id',
  '$comment',
  'additionalProperties',
  'unevaluatedProperties',
  'examples',
  'readOnly',
  'writeOnly',
  'deprecated',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'multipleOf',
  'uniqueItems',
  'contentEncoding',
  'contentMediaType',
];

/** Keywords translated into Gemini's words (see `translateNode`), or read where they are referenced. */
const TRANSLATED = new Set(['oneOf', 'allOf', 'const', '$ref', '$defs', 'definitions']);

const DROPPED = new Set(DROPPED_SCHEMA_KEYWORDS);

/** JSON Schema's type names, which Gemini's `Type` spells in upper case and takes in either case. */
const TYPES = new Set(['string', 'number', 'integer', 'boolean', 'array', 'object', 'null']);

/** How far `$ref`s may nest when inlined (a deeper chain is refused as if it were recursive). */
const MAX_REF_DEPTH = 16;

/** Where a schema is read from: its JSON pointer (for messages) and the definitions its `$ref`s name. */
interface SchemaPlace {
  readonly pointer: string;
  readonly definitions: JsonRecord;
  /** The `$ref`s being inlined around this place, to refuse a recursive one. */
  readonly inlining: readonly string[];
}

class SchemaRefusal extends Error {}

function refuse(place: SchemaPlace, reason: string): never {
  throw new SchemaRefusal(`${place.pointer}: ${reason}`);
}

const below = (place: SchemaPlace, ...keys: (string | number)[]): SchemaPlace => ({
  ...place,
  pointer: `${place.pointer}/${keys.join('/')}`,
});

/** The definition a local `$ref` (`#/$defs/Name`, `#/definitions/Name`) names. */
function referenced(ref: unknown, place: SchemaPlace): { readonly ref: string; readonly schema: JsonRecord } {
  const match = typeof ref === 'string' ? /^#\/(?:\$defs|definitions)\/([^/]+)$/.exec(ref) : null;
  if (!match || typeof ref !== 'string')
    refuse(
      place,
      `$ref ${JSON.stringify(ref)} is not a local definition (#/$defs/<name>); gemini takes no references`,
    );
  const name = decodeURIComponent(match[1]).replaceAll('~1', '/').replaceAll('~0', '~');
  const schema = place.definitions[name];
  if (!isRecord(schema)) refuse(place, `$ref ${ref} names no definition`);
  if (place.inlining.includes(ref) || place.inlining.length >= MAX_REF_DEPTH)
    refuse(place, `$ref ${ref} is recursive; gemini cannot declare a recursive schema`);
  return { ref, schema };
}

/** A `type` list (`["string", "null"]`): the one type and `nullable`, or `anyOf` for several. */
function typeMembers(type: unknown, place: SchemaPlace): Record<string, unknown> {
  const types = Array.isArray(type) ? type : [type];
  for (const name of types)
    if (typeof name !== 'string' || !TYPES.has(name))
      refuse(place, `type ${JSON.stringify(name)} is not a JSON Schema type`);
  const nonNull = (types as string[]).filter((name) => name !== 'null');
  const nullable = nonNull.length < types.length && nonNull.length > 0 ? { nullable: true } : {};
  if (nonNull.length === 0) return { type: 'null' };
  if (nonNull.length === 1) return { type: nonNull[0], ...nullable };
  return { anyOf: nonNull.map((name) => ({ type: name })), ...nullable };
}

/** `anyOf`/`oneOf` members: a `null` member becomes `nullable`, and a single member left is the schema itself. */
function alternatives(members: unknown, keyword: string, place: SchemaPlace): Record<string, unknown> {
  if (!Array.isArray(members) || members.length === 0) refuse(place, `${keyword} must be a non-empty list`);
  const translated = members.map((member, index) => translateNode(member, below(place, keyword, index)));
  const nonNull = translated.filter(
    (member) => !(member.type === 'null' && Object.keys(member).length === 1),
  );
  const nullable = nonNull.length < translated.length ? { nullable: true } : {};
  if (nonNull.length === 0) return { type: 'null' };
  if (nonNull.length === 1) return { ...nonNull[0], ...nullable };
  return { anyOf: nonNull, ...nullable };
}

function stringList(values: unknown, keyword: string, place: SchemaPlace): string[] {
  if (!Array.isArray(values) || !values.every((value) => typeof value === 'string'))
    refuse(place, `${keyword} must list strings for gemini (its enums are strings)`);
  return values;
}

/** One schema node in Gemini's words; throws `SchemaRefusal` naming the keyword Gemini cannot take. */
function translateNode(node: unknown, place: SchemaPlace): Record<string, unknown> {
  if (!isRecord(node)) refuse(place, 'a schema must be an object');
  let out: Record<string, unknown> = {};
  for (const [keyword, value] of Object.entries(node)) {
    if (DROPPED.has(keyword) && !(keyword === 'additionalProperties' && isRecord(value))) continue;
    if (keyword === 'additionalProperties')
      refuse(
        place,
        'additionalProperties with a schema (a map) has no gemini equivalent; declare the properties',
      );
    if (!KEPT.has(keyword) && !TRANSLATED.has(keyword))
      refuse(place, `JSON Schema keyword '${keyword}' has no gemini equivalent`);
    switch (keyword) {
      case 'type':
        out = { ...out, ...typeMembers(value, place) };
        break;
      case 'properties': {
        if (!isRecord(value)) refuse(place, 'properties must be an object');
        out.properties = Object.fromEntries(
          Object.entries(value).map(([name, schema]) => [
            name,
            translateNode(schema, below(place, keyword, name)),
          ]),
        );
        break;
      }
      case 'items':
        if (Array.isArray(value))
          refuse(place, 'items as a list (a tuple) has no gemini equivalent; give one schema for every item');
        out.items = translateNode(value, below(place, keyword));
        break;
      case 'enum':
        out.enum = stringList(value, keyword, place);
        break;
      case 'const':
        out.enum = stringList([value], keyword, place);
        out.type ??= 'string';
        break;
      case 'anyOf':
      case 'oneOf':
        // `oneOf` (exactly one) is sent as `anyOf` (at least one): Gemini has only the latter.
        out = { ...out, ...alternatives(value, keyword, place) };
        break;
      case 'allOf':
        if (!Array.isArray(value) || value.length !== 1)
          refuse(place, 'allOf with more than one schema has no gemini equivalent; merge them into one');
        out = { ...out, ...translateNode(value[0], below(place, keyword, 0)) };
        break;
      case '$ref': {
        const { ref, schema } = referenced(value, place);
        const inlined = translateNode(schema, { ...place, inlining: [...place.inlining, ref] });
        out = { ...inlined, ...out };
        break;
      }
      case '$defs':
      case 'definitions':
        // Read where a `$ref` names them.
        break;
      default:
        out[keyword] = value;
    }
  }
  return out;
}

/** Whether a translated parameters schema declares no parameter at all (Gemini refuses an object without properties). */
function declaresNothing(schema: GeminiSchema): boolean {
  return (
    (schema.type === 'object' || schema.type === undefined) &&
    (!isRecord(schema.properties) || Object.keys(schema.properties).length === 0) &&
    schema.anyOf === undefined
  );
}

/**
 * A JSON Schema as Gemini's `Schema` (an OpenAPI 3.0 subset): local `$ref`s are inlined,
 * `["t", "null"]` types and `null` alternatives become `nullable`, `oneOf` is sent as `anyOf`, a
 * single `allOf` is merged, a `const` is a one-value `enum`, and {@link DROPPED_SCHEMA_KEYWORDS}
 * are left out. Throws `TranslationError` starting with `what`, naming the place and the keyword
 * Gemini cannot declare (a recursive or remote `$ref`, `not`, `if`, `patternProperties`, tuples,
 * several `allOf` members, non-string enums, ...).
 */
export function geminiSchema(what: string, schema: JsonSchema): GeminiSchema {
  const definitions = {
    ...(isRecord(schema.definitions) ? schema.definitions : {}),
    ...(isRecord(schema.$defs) ? schema.$defs : {}),
  };
  try {
    return translateNode(schema, { pointer: '#', definitions, inlining: [] });
  } catch (error) {
    if (!(error instanceof SchemaRefusal)) throw error;
    throw new TranslationError(`${what} ${error.message}`);
  }
}

/**
 * A tool's `parameters` as Gemini's `Schema` (see {@link geminiSchema}); `undefined` for a
 * function without parameters, since Gemini refuses an object schema with no properties.
 */
export function geminiParameters(tool: string, parameters: JsonSchema | undefined): GeminiSchema | undefined {
  if (parameters === undefined) return undefined;
  const schema = geminiSchema(`tool '${tool}' parameters`, parameters);
  return declaresNothing(schema) ? undefined : schema;
}
