import { TranslationError } from '@switchyard/plugin-api';
import type { JsonSchema, ToolDefinition } from '@switchyard/plugin-api';
import { isRecord } from '@switchyard/provider-openai-compatible';

/** One parameter of a Cohere v1 tool: a Python type name, and whether the model must give it. */
interface CohereParameterDefinition {
  readonly description?: string;
  readonly type: string;
  readonly required: boolean;
}

/** A tool as Cohere v1's `/v1/chat` declares it. */
export interface CohereTool {
  readonly name: string;
  readonly description: string;
  readonly parameter_definitions?: Readonly<Record<string, CohereParameterDefinition>>;
}

/** JSON Schema's scalar and container types, as the Python type names Cohere's definitions take. */
const PYTHON_TYPES: Readonly<Record<string, string>> = {
  string: 'str',
  integer: 'int',
  number: 'float',
  boolean: 'bool',
  object: 'Dict',
  array: 'List',
};

/** The one schema a nullable schema stands for: `type: [T, 'null']`, or `anyOf`/`oneOf` of T and null. */
function withoutNull(schema: JsonSchema): JsonSchema | string {
  if (Array.isArray(schema.type)) {
    const types = schema.type.filter((type) => type !== 'null');
    return types.length === 1
      ? { ...schema, type: types[0] }
      : `the type list ${JSON.stringify(schema.type)}`;
  }
  const union = schema.anyOf ?? schema.oneOf;
  if (Array.isArray(union)) {
    const branches = union.filter((branch) => !(isRecord(branch) && branch.type === 'null'));
    const [only] = branches;
    return branches.length === 1 && isRecord(only) ? only : `a union (anyOf/oneOf) of several types`;
  }
  return schema;
}

/**
 * The Python type name of a JSON Schema, as Cohere's `parameter_definitions` take it (`str`,
 * `List[str]`, `Dict`): an array names its item type; an object's own properties cannot be
 * declared to Cohere, so it is a `Dict`. A string says what the schema has that Cohere cannot take.
 */
function pythonType(schema: JsonSchema): string | { readonly unsupported: string } {
  const single = withoutNull(schema);
  if (typeof single === 'string') return { unsupported: single };
  if (typeof single.type !== 'string') {
    if (Array.isArray(single.enum) && single.enum.every((value) => typeof value === 'string')) return 'str';
    return { unsupported: typeof single.$ref === 'string' ? 'a $ref' : 'a schema without a type' };
  }
  const name = PYTHON_TYPES[single.type];
  if (!name) return { unsupported: `the type '${single.type}'` };
  if (single.type !== 'array' || !isRecord(single.items)) return name;
  const item = pythonType(single.items);
  return typeof item === 'string' ? `List[${item}]` : item;
}

/** `parameter_definitions` for a function's JSON Schema `parameters` (an object schema). */
function parameterDefinitions(
  toolName: string,
  parameters: JsonSchema | undefined,
): Record<string, CohereParameterDefinition> | undefined {
  if (parameters === undefined) return undefined;
  if (parameters.type !== undefined && parameters.type !== 'object') {
    throw new TranslationError(`tool '${toolName}': cohere takes parameters as a JSON Schema object`);
  }
  if (!isRecord(parameters.properties)) return undefined;
  const required = Array.isArray(parameters.required) ? parameters.required : [];
  const definitions: Record<string, CohereParameterDefinition> = {};
  for (const [name, property] of Object.entries(parameters.properties)) {
    const type = isRecord(property)
      ? pythonType(property)
      : { unsupported: 'a schema that is not an object' };
    if (typeof type !== 'string') {
      throw new TranslationError(
        `tool '${toolName}' parameter '${name}': cohere's parameter_definitions take one JSON Schema type per parameter, and ${type.unsupported} cannot be expressed`,
      );
    }
    const description =
      isRecord(property) && typeof property.description === 'string' ? property.description : undefined;
    definitions[name] = {
      ...(description !== undefined && { description }),
      type,
      required: required.includes(name),
    };
  }
  return Object.keys(definitions).length > 0 ? definitions : undefined;
}

/**
 * OpenAI `tools` as Cohere v1 tools: `{name, description, parameter_definitions}` from each
 * function's JSON Schema (`strict` has no Cohere equivalent and is left out). Throws
 * `TranslationError` for a tool that is not a function, or a parameter Cohere cannot declare.
 */
export function cohereTools(tools: readonly ToolDefinition[]): CohereTool[] {
  return tools.map((tool) => {
    if (tool.type !== 'function' || !isRecord(tool.function)) {
      throw new TranslationError(`cohere takes function tools only, not '${String(tool.type)}' tools`);
    }
    const { name, description, parameters } = tool.function;
    const definitions = parameterDefinitions(name, parameters);
    // Cohere requires a description; OpenAI makes it optional.
    return {
      name,
      description: description ?? '',
      ...(definitions && { parameter_definitions: definitions }),
    };
  });
}
