import { TranslationError } from '@switchyard/plugin-api';
import type {
  ChatContentPart,
  ChatMessage,
  ClientBody,
  ProviderRequest,
  ToolCall,
  ToolDefinition,
  TranslatedRequest,
} from '@switchyard/plugin-api';
import { isRecord, mapFields, sendAs, sentAsGiven } from '@switchyard/provider-openai-compatible';
import type { FieldMapping, FieldTable } from '@switchyard/provider-openai-compatible';
import { flagHeaders, huggingfaceFlags } from './huggingface.fields.js';

/** OpenAI's `stop` (a string or a list) as Hugging Face's list. */
const stopList: FieldMapping = (value) => ({ stop: typeof value === 'string' ? [value] : value });

/** A content part as the chat API takes it: text, or an image by URL (`detail` is OpenAI's only). */
function contentPart(part: ChatContentPart): Record<string, unknown> {
  if (part.type === 'text') return { type: 'text', text: part.text };
  if (part.type === 'image_url' && isRecord(part.image_url))
    return { type: 'image_url', image_url: { url: part.image_url.url } };
  throw new TranslationError(
    `content part type '${String(part.type)}' is not supported by huggingface (it takes text and image_url parts)`,
  );
}

function toolCall(call: ToolCall): Record<string, unknown> {
  const fn = isRecord(call.function) ? call.function : { name: undefined, arguments: undefined };
  return { id: call.id, type: 'function', function: { name: fn.name, arguments: fn.arguments } };
}

/** A message with the members the chat API reads: `role`, `content`, `name`, `tool_calls`, `tool_call_id`. */
function chatMessage(message: unknown): Record<string, unknown> {
  if (!isRecord(message)) throw new TranslationError("request body doesn't contain valid prompts");
  const { role, content, name, tool_calls, tool_call_id } = message as ChatMessage;
  return {
    role,
    ...(content !== undefined && { content: Array.isArray(content) ? content.map(contentPart) : content }),
    ...(typeof name === 'string' && { name }),
    ...(Array.isArray(tool_calls) && tool_calls.length > 0 && { tool_calls: tool_calls.map(toolCall) }),
    ...(typeof tool_call_id === 'string' && { tool_call_id }),
  };
}

/** A function tool as the chat API declares it: `name`, `description`, `parameters` (required there); `strict` is not sent. */
function tool(definition: ToolDefinition): Record<string, unknown> {
  if (
    definition.type !== 'function' ||
    !isRecord(definition.function) ||
    typeof definition.function.name !== 'string'
  )
    throw new TranslationError(
      'only function tools ({"type":"function","function":{"name",...}}) are supported by huggingface',
    );
  const { name, description, parameters } = definition.function;
  return {
    type: 'function',
    function: {
      name,
      ...(description !== undefined && { description }),
      parameters: parameters ?? { type: 'object', properties: {} },
    },
  };
}

/**
 * The chat API's allow-list (Hugging Face's `ChatCompletionInput`): OpenAI's names it shares are
 * sent as given, `max_completion_tokens` and `stop` mapped. Not sent: `top_k` (no chat
 * equivalent), `logit_bias` (a list there, a map in OpenAI's), `user`, `parallel_tool_calls`,
 * `store`, `metadata`, `service_tier`, `modalities`, `audio`, `prediction`, `reasoning_effort`,
 * any other field.
 */
const CHAT_FIELDS: FieldTable = {
  ...sentAsGiven([
    'temperature',
    'top_p',
    'frequency_penalty',
    'presence_penalty',
    'seed',
    'n',
    'logprobs',
    'top_logprobs',
    'response_format',
    'tool_choice',
    'tool_prompt',
  ]),
  // OpenAI's newer name first: `max_tokens` (which the configured option sets) wins.
  max_completion_tokens: sendAs('max_tokens'),
  max_tokens: sendAs('max_tokens'),
  stop: stopList,
  messages: (value) => {
    if (!Array.isArray(value)) throw new TranslationError("request body doesn't contain valid prompts");
    return { messages: value.map(chatMessage) };
  },
  tools: (value) => {
    if (!Array.isArray(value)) throw new TranslationError('tools must be a list of tools');
    return { tools: (value as readonly ToolDefinition[]).map(tool) };
  },
};

/**
 * `stream_options` goes with streams only. When the gateway logs statistics, the stream's usage
 * is asked for (`include_usage`) unless the client set it either way; the usage chunk then
 * reaches the client only if it asked (see the stream translator).
 */
function streamOptions(client: ClientBody, request: ProviderRequest): Record<string, unknown> {
  if (!request.stream) return {};
  const given = isRecord(client.stream_options) ? client.stream_options : undefined;
  if (request.wantsUsage && given?.include_usage === undefined)
    return { stream_options: { ...given, include_usage: true } };
  return given ? { stream_options: given } : {};
}

/**
 * The OpenAI-compatible chat route (`/models/{model}/v1/chat/completions`, the router's
 * `/v1/chat/completions`): the client's fields through the chat table, `model` the resolved
 * model (the router picks the provider by it), `stream` explicit; `use_cache` and
 * `wait_for_model` as the `x-use-cache` / `x-wait-for-model` headers. Never changes `client`.
 */
export function translateHuggingfaceChatRequest(
  client: ClientBody,
  request: ProviderRequest,
): TranslatedRequest {
  return {
    body: {
      ...mapFields(client, CHAT_FIELDS, request),
      model: request.model.name,
      stream: request.stream,
      ...streamOptions(client, request),
    },
    headers: flagHeaders(huggingfaceFlags(request.model.options)),
  };
}

/**
 * Text generation's `parameters` a client may send itself (Hugging Face's
 * `TextGenerationInputGenerateParameters`), for clients that know their route leads there.
 */
const OWN_PARAMETERS: FieldTable = sentAsGiven([
  'adapter_id',
  'best_of',
  'decoder_input_details',
  'do_sample',
  'frequency_penalty',
  'grammar',
  'max_new_tokens',
  'repetition_penalty',
  'return_full_text',
  'seed',
  'stop',
  'temperature',
  'top_k',
  'top_n_tokens',
  'top_p',
  'truncate',
  'typical_p',
  'watermark',
]);

/**
 * OpenAI's completions fields as text generation's `parameters` (Kong's `max_tokens` →
 * `max_new_tokens`). TGI refuses a `temperature` of 0 and a `top_p` of 1, which OpenAI clients
 * send for greedy decoding and for no nucleus filtering: those become `do_sample: false` and no
 * `top_p`. `echo` is `return_full_text`. Not sent: `n` (one generation per request),
 * `presence_penalty` (TGI has none), `logprobs`, `suffix`, `logit_bias`, `user`,
 * `stream_options` (the stream reports its usage itself), any other field.
 */
const GENERATE_FIELDS: FieldTable = {
  ...sentAsGiven(['seed', 'frequency_penalty', 'best_of', 'top_k']),
  max_tokens: sendAs('max_new_tokens'),
  temperature: (value) => (value === 0 ? { do_sample: false } : { temperature: value }),
  top_p: (value) => (typeof value === 'number' && value >= 1 ? undefined : { top_p: value }),
  stop: stopList,
  echo: sendAs('return_full_text'),
};

/**
 * The classic Inference API's text generation (`/models/{model}`): the prompt as `inputs`, the
 * client's own `parameters` then its OpenAI fields mapped (the mapped ones, into which the
 * configured options are merged, win), the continuation only (`return_full_text: false`, as
 * OpenAI's completions answer) unless `echo` asks otherwise, `details: true` so that the answer
 * says why it ended and how many tokens it generated; `use_cache` and `wait_for_model` in
 * `options` (Kong's place) and as headers (the current API's). Never changes `client`.
 */
export function translateHuggingfaceGenerateRequest(
  client: ClientBody,
  request: ProviderRequest,
): TranslatedRequest {
  const own = isRecord(client.parameters) ? mapFields(client.parameters, OWN_PARAMETERS, request) : {};
  const flags = huggingfaceFlags(request.model.options);
  return {
    body: {
      inputs: client.prompt,
      parameters: {
        return_full_text: false,
        ...own,
        ...mapFields(client, GENERATE_FIELDS, request),
        details: true,
      },
      options: flags,
      stream: request.stream,
    },
    headers: flagHeaders(flags),
  };
}
