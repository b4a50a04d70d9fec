import { TranslationError } from '@switchyard/plugin-api';
import type {
  ChatCompletionRequest,
  ClientBody,
  CompletionRequest,
  ProviderRequest,
  ToolDefinition,
  TranslatedRequest,
} from '@switchyard/plugin-api';
import { isRecord, mapFields, sendAs, sentAsGiven } from '@switchyard/provider-openai-compatible';
import type { FieldMapping, FieldTable } from '@switchyard/provider-openai-compatible';
import { toOllamaMessages } from './ollama.messages.js';

/** OpenAI's `stop` (a string or a list) as Ollama's (a list). */
const stopList: FieldMapping = (value) => ({ stop: typeof value === 'string' ? [value] : value });

/**
 * The sampling fields, which Ollama reads from `options` (Kong's `num_predict`, `temperature`,
 * `top_p`, `top_k`, and the others Ollama has). OpenAI's newer `max_completion_tokens` first, so
 * that `max_tokens` (which the configured option sets) wins.
 */
const OPTION_FIELDS: FieldTable = {
  max_completion_tokens: sendAs('num_predict'),
  max_tokens: sendAs('num_predict'),
  temperature: sendAs('temperature'),
  top_p: sendAs('top_p'),
  top_k: sendAs('top_k'),
  seed: sendAs('seed'),
  stop: stopList,
  presence_penalty: sendAs('presence_penalty'),
  frequency_penalty: sendAs('frequency_penalty'),
};

/** OpenAI's `response_format` as Ollama's `format`: `"json"`, or the JSON schema itself. */
const responseFormat: FieldMapping = (value) => {
  const format = isRecord(value) ? value : {};
  switch (format.type) {
    case 'text':
      return undefined;
    case 'json_object':
      return { format: 'json' };
    case 'json_schema': {
      const schema = isRecord(format.json_schema) ? format.json_schema.schema : undefined;
      if (!isRecord(schema)) throw new TranslationError('response_format json_schema needs a schema');
      return { format: schema };
    }
    default:
      throw new TranslationError(`response_format type '${String(format.type)}' has no ollama equivalent`);
  }
};

/** Ollama's own fields that both endpoints take, sent as the client gave them. */
const OLLAMA_OWN = ['keep_alive', 'think', 'format'];

/**
 * `/api/chat`. Not sent: `tool_choice` and `parallel_tool_calls` (Ollama has neither),
 * `stream_options` (Ollama always reports usage), `n`, `logprobs`, `top_logprobs`, `logit_bias`,
 * `user`, `store`, `metadata`, ...; the tools' `strict`.
 */
const CHAT_FIELDS: FieldTable = { ...sentAsGiven(OLLAMA_OWN), response_format: responseFormat };

/** `/api/generate`. Not sent: `n`, `best_of`, `echo`, `logprobs`, `logit_bias`, `user`, `stream_options`, ... */
const GENERATE_FIELDS: FieldTable = {
  ...sentAsGiven([...OLLAMA_OWN, 'system', 'template', 'raw', 'context', 'images']),
  suffix: sendAs('suffix'),
  response_format: responseFormat,
};

/** Ollama's tool definitions: OpenAI's, without `strict`. */
function ollamaTools(value: unknown): unknown[] {
  if (!Array.isArray(value)) throw new TranslationError('tools must be a list of tools');
  return value.map((tool: ToolDefinition) => {
    if (!isRecord(tool) || tool.type !== 'function' || !isRecord(tool.function))
      throw new TranslationError(
        'only function tools ({"type":"function","function":{...}}) are supported by ollama',
      );
    const { name, description, parameters } = tool.function;
    return {
      type: 'function',
      function: { name, ...(description !== undefined && { description }), parameters: parameters ?? {} },
    };
  });
}

/**
 * What both endpoints share: the resolved model, an explicit `stream`, and `options` (the
 * client's own Ollama `options`, under the sampling fields mapped from OpenAI's), only when
 * there is any.
 */
function common(client: ClientBody, request: ProviderRequest): Record<string, unknown> {
  const options = {
    ...(isRecord(client.options) ? client.options : {}),
    ...mapFields(client, OPTION_FIELDS, request),
  };
  return {
    model: request.model.name,
    stream: request.stream,
    ...(Object.keys(options).length > 0 && { options }),
  };
}

/**
 * Ollama's `/api/chat` body for an OpenAI chat body (Kong's `to_ollama`, with tools): a new
 * object, never the client's. Tools are not sent when `tool_choice` is `none`: Ollama cannot be
 * told not to use tools it has.
 */
export function translateOllamaChatRequest(client: ClientBody, request: ProviderRequest): TranslatedRequest {
  const body = client as ChatCompletionRequest;
  const messages = toOllamaMessages(Array.isArray(body.messages) ? body.messages : []);
  const tools =
    body.tools !== undefined && body.tools !== null && body.tool_choice !== 'none'
      ? ollamaTools(body.tools)
      : [];
  return {
    body: {
      ...mapFields(client, CHAT_FIELDS, request),
      ...common(client, request),
      messages,
      ...(tools.length > 0 && { tools }),
    },
  };
}

/**
 * Ollama's `/api/generate` body for an OpenAI completions body: Ollama generates one answer,
 * so a list of prompts is refused unless it holds one.
 */
export function translateOllamaGenerateRequest(
  client: ClientBody,
  request: ProviderRequest,
): TranslatedRequest {
  const { prompt } = client as CompletionRequest;
  const list = Array.isArray(prompt) ? prompt : [prompt];
  if (list.length !== 1 || typeof list[0] !== 'string')
    throw new TranslationError('ollama generates one answer per request: send one prompt, as a string');
  return {
    body: { ...mapFields(client, GENERATE_FIELDS, request), ...common(client, request), prompt: list[0] },
  };
}
