import { asStringList, type MockEmbeddingsInput } from './mock-embeddings.js';
import {
  asJsonObject,
  asNumber,
  ProviderErrorReply,
  type MockInput,
  type MockRoute,
} from './mock-provider-definition.js';

type JsonObject = Readonly<Record<string, unknown>>;

/** Cohere's error envelope: `{"message": "..."}`. */
export function cohereError(status: number, message: string): ProviderErrorReply {
  return new ProviderErrorReply(status, { message });
}

/** The request fields of Cohere's v1 `/v1/chat` (the SDK's `ChatRequest`, plus `stream`). */
const CHAT_FIELDS = new Set([
  'message',
  'model',
  'stream',
  'preamble',
  'chat_history',
  'conversation_id',
  'prompt_truncation',
  'connectors',
  'search_queries_only',
  'documents',
  'citation_quality',
  'temperature',
  'max_tokens',
  'max_input_tokens',
  'k',
  'p',
  'seed',
  'stop_sequences',
  'frequency_penalty',
  'presence_penalty',
  'raw_prompting',
  'tools',
  'tool_results',
  'force_single_step',
  'response_format',
  'safety_mode',
]);

/** The request fields of Cohere's v1 `/v1/generate` (the SDK's `GenerateRequest`, plus `stream`). */
const GENERATE_FIELDS = new Set([
  'prompt',
  'model',
  'stream',
  'num_generations',
  'max_tokens',
  'truncate',
  'temperature',
  'seed',
  'preset',
  'end_sequences',
  'stop_sequences',
  'k',
  'p',
  'frequency_penalty',
  'presence_penalty',
  'return_likelihoods',
  'raw_prompting',
]);

const TOOL_FIELDS = new Set(['name', 'description', 'parameter_definitions']);
const PARAMETER_FIELDS = new Set(['description', 'type', 'required']);
const TOOL_CALL_FIELDS = new Set(['name', 'parameters']);
const TOOL_RESULT_FIELDS = new Set(['call', 'outputs']);
const TEXT_TURN_FIELDS = new Set(['role', 'message', 'tool_calls']);
const TOOL_TURN_FIELDS = new Set(['role', 'tool_results']);
const RESPONSE_FORMAT_FIELDS = new Set(['type', 'schema']);

/** A request Cohere refuses, thrown by the checks and answered as it is. */
class Refused extends Error {
  constructor(readonly reply: ProviderErrorReply) {
    super('refused');
  }
}

/** A tool call as the mock reads it once Cohere's checks passed. */
interface CohereToolCallInput {
  readonly name: string;
  readonly parameters: JsonObject;
}

/** One `chat_history` entry that passed Cohere's checks. */
export type CohereTurnInput = JsonObject & { readonly role: string };

/**
 * Checks every member of `value` against Cohere's field names: Cohere answers 422 to the first
 * one it does not know, wherever it is (top level, tools, history, results).
 */
function checkFields(value: JsonObject, allowed: ReadonlySet<string>, reference: string): void {
  const unknown = Object.keys(value).find((key) => !allowed.has(key));
  if (unknown !== undefined) {
    throw new Refused(
      cohereError(
        422,
        `unknown field: parameter '${unknown}' is not a valid field. For proper usage, please refer to https://docs.cohere.com/reference/${reference}`,
      ),
    );
  }
}

function invalid(message: string): Refused {
  return new Refused(cohereError(400, `invalid request: ${message}`));
}

/** The objects of a list member, each checked against `allowed`; `[]` when the member is absent. */
function objects(value: unknown, what: string, allowed: ReadonlySet<string>): JsonObject[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw invalid(`${what} must be a list.`);
  return value.map((entry) => {
    const object = asJsonObject(entry);
    if (object === undefined) throw invalid(`each element of ${what} must be an object.`);
    checkFields(object, allowed, 'chat');
    return object;
  });
}

function toolCall(value: unknown, what: string): CohereToolCallInput {
  const call = asJsonObject(value);
  if (call === undefined) throw invalid(`${what} must be an object.`);
  checkFields(call, TOOL_CALL_FIELDS, 'chat');
  const parameters = asJsonObject(call.parameters);
  if (typeof call.name !== 'string' || parameters === undefined) {
    throw invalid(`${what} must have a name and an object of parameters.`);
  }
  return { name: call.name, parameters };
}

/** `tools`: each with a name, a description and parameter definitions that name a type. */
function checkTools(request: JsonObject): ReadonlySet<string> {
  const names = new Set<string>();
  for (const tool of objects(request.tools, 'tools', TOOL_FIELDS)) {
    if (typeof tool.name !== 'string' || typeof tool.description !== 'string') {
      throw invalid('each tool must have a name and a description.');
    }
    const definitions = asJsonObject(tool.parameter_definitions ?? {});
    if (definitions === undefined)
      throw invalid(`the parameter_definitions of tool ${tool.name} must be an object.`);
    for (const definition of Object.values(definitions)) {
      const parameter = asJsonObject(definition);
      if (parameter === undefined || typeof parameter.type !== 'string') {
        throw invalid(`each parameter definition of tool ${tool.name} must have a type.`);
      }
      checkFields(parameter, PARAMETER_FIELDS, 'chat');
    }
    names.add(tool.name);
  }
  return names;
}

/** `tool_results`: each the call of a declared tool and a list of objects as outputs. */
function checkToolResults(value: unknown, tools: ReadonlySet<string>): JsonObject[] {
  const results = objects(value, 'tool_results', TOOL_RESULT_FIELDS);
  if (results.length > 0 && tools.size === 0) throw invalid('tool_results cannot be used without tools.');
  for (const result of results) {
    const call = toolCall(result.call, 'the call of each tool result');
    if (!tools.has(call.name)) throw invalid(`tool_results reference an unknown tool ${call.name}.`);
    const outputs = result.outputs;
    if (!Array.isArray(outputs) || !outputs.every((output) => asJsonObject(output) !== undefined)) {
      throw invalid('the outputs of each tool result must be a list of objects.');
    }
  }
  return results;
}

/** `chat_history`: USER, CHATBOT and SYSTEM turns with a message (and CHATBOT's tool calls), TOOL turns with results. */
function checkHistory(request: JsonObject, tools: ReadonlySet<string>): CohereTurnInput[] {
  if (request.chat_history === undefined) return [];
  if (!Array.isArray(request.chat_history)) throw invalid('chat_history must be a list.');
  return request.chat_history.map((entry) => {
    const turn = asJsonObject(entry);
    if (turn === undefined || typeof turn.role !== 'string')
      throw invalid('each chat_history element must have a role.');
    if (turn.role === 'TOOL') {
      checkFields(turn, TOOL_TURN_FIELDS, 'chat');
      checkToolResults(turn.tool_results, tools);
    } else if (['USER', 'CHATBOT', 'SYSTEM'].includes(turn.role)) {
      checkFields(turn, TEXT_TURN_FIELDS, 'chat');
      if (typeof turn.message !== 'string') throw invalid('all elements in history must have a message.');
      objects(turn.tool_calls, 'tool_calls', TOOL_CALL_FIELDS).forEach((call) =>
        toolCall(call, 'each tool call'),
      );
    } else {
      throw invalid(`unknown chat_history role ${turn.role}.`);
    }
    return turn as CohereTurnInput;
  });
}

/** The words a turn or tool result feeds the model, for the prompt token count. */
function turnText(turn: CohereTurnInput): string {
  return typeof turn.message === 'string' ? turn.message : JSON.stringify(turn.tool_results ?? '');
}

function readChat(request: JsonObject): MockInput {
  checkFields(request, CHAT_FIELDS, 'chat');
  const format = asJsonObject(request.response_format);
  if (format !== undefined) checkFields(format, RESPONSE_FORMAT_FIELDS, 'chat');
  const tools = checkTools(request);
  const history = checkHistory(request, tools);
  const results = checkToolResults(request.tool_results, tools);
  const message = typeof request.message === 'string' ? request.message : '';
  if (message === '' && results.length === 0) {
    throw invalid('message must be at least 1 token long or tool results must be specified.');
  }
  const inputs = [
    ...(typeof request.preamble === 'string' ? [request.preamble] : []),
    ...history.map(turnText),
    message,
    ...results.map((result) => JSON.stringify(result.outputs)),
  ];
  return { inputs, maxTokens: asNumber(request.max_tokens), stream: request.stream === true, body: request };
}

function readGenerate(request: JsonObject): MockInput {
  checkFields(request, GENERATE_FIELDS, 'generate');
  if (typeof request.prompt !== 'string' || request.prompt === '') {
    throw invalid('prompt must be at least 1 token long.');
  }
  return {
    inputs: [request.prompt],
    maxTokens: asNumber(request.max_tokens),
    stream: request.stream === true,
    body: request,
  };
}

/**
 * Reads a v1 chat or generate body with Cohere's checks: a field Cohere does not know (at any
 * depth) is a 422, a chat without a message or tool results, a history turn without a message,
 * tool results without tools or whose outputs are not a list of objects are 400s.
 */
export function readCohereInput(route: MockRoute, body: unknown): MockInput | ProviderErrorReply {
  const request = asJsonObject(body);
  if (request === undefined) return cohereError(400, 'invalid request: could not parse the JSON body');
  try {
    return route.operation === 'chat' ? readChat(request) : readGenerate(request);
  } catch (error) {
    if (error instanceof Refused) return error.reply;
    throw error;
  }
}

/** The `chat_history` of a chat body that passed `readCohereInput`. */
export function cohereHistory(request: JsonObject): CohereTurnInput[] {
  return Array.isArray(request.chat_history) ? (request.chat_history as CohereTurnInput[]) : [];
}

/** The request fields of Cohere's v2 `/v2/embed`. */
const EMBED_FIELDS = new Set([
  'model',
  'texts',
  'images',
  'inputs',
  'input_type',
  'embedding_types',
  'output_dimension',
  'max_tokens',
  'truncate',
]);
const INPUT_TYPES = new Set(['search_document', 'search_query', 'classification', 'clustering', 'image']);
const EMBEDDING_TYPES = new Set(['float', 'int8', 'uint8', 'binary', 'ubinary', 'base64']);
const OUTPUT_DIMENSIONS = new Set([256, 512, 1024, 1536]);
/** Cohere's limit on the texts of one embed call. */
const MAX_EMBED_TEXTS = 96;

function readEmbed(request: JsonObject): MockEmbeddingsInput {
  checkFields(request, EMBED_FIELDS, 'embed');
  if (typeof request.model !== 'string' || request.model === '') throw invalid('model must be specified.');
  const texts = asStringList(request.texts);
  if (!texts || texts.length === 0 || texts.length > MAX_EMBED_TEXTS)
    throw invalid(`texts must be a list of between 1 and ${MAX_EMBED_TEXTS} strings.`);
  if (typeof request.input_type !== 'string' || !INPUT_TYPES.has(request.input_type))
    throw invalid('valid input_type must be provided with the provided model');
  const types = request.embedding_types ?? ['float'];
  if (!Array.isArray(types) || !types.every((type) => EMBEDDING_TYPES.has(type as string)))
    throw invalid(`embedding_types must be a list of: ${[...EMBEDDING_TYPES].join(', ')}.`);
  const dimensions = asNumber(request.output_dimension);
  if (request.output_dimension !== undefined) {
    if (!request.model.startsWith('embed-v4'))
      throw invalid(`output_dimension is not supported for model ${request.model}`);
    if (dimensions === undefined || !OUTPUT_DIMENSIONS.has(dimensions))
      throw invalid('output_dimension must be one of 256, 512, 1024, 1536.');
  }
  return { model: request.model, texts, dimensions, body: request };
}

/**
 * Reads a v2 embed body with Cohere's checks: a field it does not know is a 422; a missing model,
 * texts that are not 1 to 96 strings, a missing or unknown `input_type`, an unknown embedding
 * type, an `output_dimension` for a model before embed-v4 or of another size are 400s.
 */
export function readCohereEmbedInput(body: unknown): MockEmbeddingsInput | ProviderErrorReply {
  const request = asJsonObject(body);
  if (request === undefined) return cohereError(400, 'invalid request: could not parse the JSON body');
  try {
    return readEmbed(request);
  } catch (error) {
    if (error instanceof Refused) return error.reply;
    throw error;
  }
}
