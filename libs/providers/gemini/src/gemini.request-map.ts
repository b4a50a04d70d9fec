import { TranslationError } from '@switchyard/plugin-api';
import type {
  ChatCompletionRequest,
  ClientBody,
  ProviderRequest,
  ToolChoice,
  ToolDefinition,
  TranslatedRequest,
} from '@switchyard/plugin-api';
import { isRecord } from '@switchyard/provider-openai-compatible';
import type { JsonRecord } from '@switchyard/provider-openai-compatible';
import { toGeminiConversation } from './gemini.contents.js';
import { geminiParameters, geminiSchema } from './gemini.tool-schema.js';
import type { GeminiFunctionCallingConfig, GeminiFunctionDeclaration } from './gemini.types.js';

/** How one client field reaches Gemini: the members it adds (to the body, or to `generationConfig`). */
type FieldMapping = (
  value: unknown,
  request: ProviderRequest,
) => Readonly<Record<string, unknown>> | undefined;

/**
 * An allow-list of client fields. Gemini answers 400 ("Unknown name ... Cannot find field") to a
 * field it does not know, so a client field absent from a table is not sent. Entries apply in
 * order: on a clash the later one wins.
 */
type FieldTable = Readonly<Record<string, FieldMapping>>;

const sendAs =
  (name: string): FieldMapping =>
  (value) => ({ [name]: value });

/** OpenAI's `stop` (a string or a list) as Gemini's `stopSequences` (a list). */
const stopSequences: FieldMapping = (value) => ({
  stopSequences: typeof value === 'string' ? [value] : value,
});

/**
 * `n` as `candidateCount`, for whole answers: a stream of several candidates interleaves them,
 * and the gateway's stream carries one answer.
 */
const candidateCount: FieldMapping = (value, request) => {
  if (!request.stream) return { candidateCount: value };
  if (value === 1) return undefined;
  throw new TranslationError(
    'n greater than 1 cannot be streamed from gemini; ask for one answer per stream',
  );
};

/** OpenAI's `response_format` as Gemini's JSON mode: `responseMimeType`, and `responseSchema` for `json_schema`. */
const responseFormat: FieldMapping = (value) => {
  const format = isRecord(value) ? value : {};
  switch (format.type) {
    case 'text':
      return undefined;
    case 'json_object':
      return { responseMimeType: 'application/json' };
    case 'json_schema': {
      const schema = isRecord(format.json_schema) ? format.json_schema.schema : undefined;
      return {
        responseMimeType: 'application/json',
        ...(isRecord(schema) && {
          responseSchema: geminiSchema('response_format.json_schema.schema', schema),
        }),
      };
    }
    default:
      throw new TranslationError(`response_format type '${String(format.type)}' has no gemini equivalent`);
  }
};

/**
 * The client's fields that go into `generationConfig`. Gemini's own `generationConfig` (from a
 * client that knows its route leads to Gemini) comes first, so that the OpenAI fields, and the
 * configured options merged into them, win; `max_tokens` (which the configured option sets)
 * after `max_completion_tokens`.
 */
const GENERATION_FIELDS: FieldTable = {
  generationConfig: (value) => (isRecord(value) ? value : undefined),
  max_completion_tokens: sendAs('maxOutputTokens'),
  max_tokens: sendAs('maxOutputTokens'),
  temperature: sendAs('temperature'),
  top_p: sendAs('topP'),
  top_k: sendAs('topK'),
  stop: stopSequences,
  presence_penalty: sendAs('presencePenalty'),
  frequency_penalty: sendAs('frequencyPenalty'),
  seed: sendAs('seed'),
  n: candidateCount,
  response_format: responseFormat,
};

function toFunctionDeclaration(tool: ToolDefinition): GeminiFunctionDeclaration {
  if (tool.type !== 'function' || !isRecord(tool.function) || typeof tool.function.name !== 'string')
    throw new TranslationError(
      'only function tools ({"type":"function","function":{"name",...}}) are supported by gemini',
    );
  const { name, description, parameters } = tool.function;
  const schema = geminiParameters(name, parameters);
  return { name, ...(description !== undefined && { description }), ...(schema && { parameters: schema }) };
}

/** `tool_choice` as Gemini's function calling mode: `required` is `ANY`, a named function `ANY` restricted to it. */
function functionCallingConfig(choice: ToolChoice): GeminiFunctionCallingConfig {
  if (choice === 'none') return { mode: 'NONE' };
  if (choice === 'auto') return { mode: 'AUTO' };
  if (choice === 'required') return { mode: 'ANY' };
  if (isRecord(choice) && isRecord(choice.function) && typeof choice.function.name === 'string')
    return { mode: 'ANY', allowedFunctionNames: [choice.function.name] };
  throw new TranslationError(
    `tool_choice must be none, auto, required or {"type":"function","function":{"name"}}, not ${JSON.stringify(choice)}`,
  );
}

/**
 * The body's top-level fields besides the conversation. Gemini's own fields are sent as the
 * client gave them; `tools` and `tool_choice` come after `toolConfig`, so that the OpenAI ones win.
 * Not sent: `parallel_tool_calls` (Gemini has no switch), `user`, `stream_options` (Gemini's
 * streams report usage by themselves), `logprobs`, `top_logprobs`, `logit_bias`, `store`,
 * `metadata`, `service_tier`, `reasoning_effort`, `modalities`, `audio`, `prediction`, ...
 */
const BODY_FIELDS: FieldTable = {
  safetySettings: sendAs('safetySettings'),
  cachedContent: sendAs('cachedContent'),
  labels: sendAs('labels'),
  toolConfig: sendAs('toolConfig'),
  tools: (value) => {
    if (!Array.isArray(value)) throw new TranslationError('tools must be a list of tools');
    if (value.length === 0) return undefined;
    return { tools: [{ functionDeclarations: (value as ToolDefinition[]).map(toFunctionDeclaration) }] };
  },
  tool_choice: (value) => ({
    toolConfig: { functionCallingConfig: functionCallingConfig(value as ToolChoice) },
  }),
};

/** The members a table makes of the client's fields (a `null` field counts as absent). */
function mapFields(client: ClientBody, table: FieldTable, request: ProviderRequest): Record<string, unknown> {
  const upstream: Record<string, unknown> = {};
  for (const [field, mapping] of Object.entries(table)) {
    const value = client[field];
    if (value !== undefined && value !== null) Object.assign(upstream, mapping(value, request));
  }
  return upstream;
}

/**
 * `generateContent` (or `streamGenerateContent`) for an OpenAI chat body: the conversation
 * (`contents`, `systemInstruction`), `generationConfig` from the sampling fields, `tools` as
 * `functionDeclarations` and `tool_choice` as `toolConfig`. The model and the stream are in the
 * URL, not the body. A new object; the client's body is never changed.
 */
export function translateGeminiChatRequest(client: ClientBody, request: ProviderRequest): TranslatedRequest {
  const { messages } = client as ChatCompletionRequest;
  if (!Array.isArray(messages)) throw new TranslationError('messages must be a list of messages');
  const conversation = toGeminiConversation(messages, request.model.name);
  const generationConfig: JsonRecord = mapFields(client, GENERATION_FIELDS, request);
  // A function calling mode is for declared functions: `tool_choice` goes only with tools.
  const hasTools = Array.isArray(client.tools) && client.tools.length > 0;
  const fields = hasTools ? client : { ...client, tool_choice: undefined };
  return {
    body: {
      ...mapFields(fields, BODY_FIELDS, request),
      ...conversation,
      ...(Object.keys(generationConfig).length > 0 && { generationConfig }),
    },
  };
}
