import { TranslationError } from '@switchyard/plugin-api';
import type {
  ChatCompletionRequest,
  ClientBody,
  ProviderRequest,
  ToolDefinition,
  TranslatedRequest,
} from '@switchyard/plugin-api';
import { isRecord, mapFields, sendAs, sentAsGiven } from '@switchyard/provider-openai-compatible';
import type { FieldMapping, FieldTable } from '@switchyard/provider-openai-compatible';
import { cohereConversation } from './cohere.conversation.js';
import { cohereTools } from './cohere.tool-definitions.js';

// Cohere answers 422 to a field it does not know: each endpoint's table is an allow-list, and a
// client field absent from it (`stream_options`, `user`, `logprobs`, ...) is not sent.

/** OpenAI's `stop` (a string or a list) as Cohere's `stop_sequences` (a list). */
const stopSequences: FieldMapping = (value) => ({
  stop_sequences: typeof value === 'string' ? [value] : value,
});

/**
 * Several generations (`n`) for whole answers only: a stream of several generations interleaves
 * them, and the gateway's stream carries one answer.
 */
const numGenerations: FieldMapping = (value, request) =>
  request.stream ? undefined : { num_generations: value };

/** OpenAI's `response_format` as Cohere's: `json_schema` is Cohere's `json_object` with a `schema`. */
const responseFormat: FieldMapping = (value) => {
  const format = isRecord(value) ? value : {};
  switch (format.type) {
    case 'text':
      return { response_format: { type: 'text' } };
    case 'json_object':
      return {
        response_format: { type: 'json_object', ...(isRecord(format.schema) && { schema: format.schema }) },
      };
    case 'json_schema': {
      const schema = isRecord(format.json_schema) ? format.json_schema.schema : undefined;
      return { response_format: { type: 'json_object', ...(isRecord(schema) && { schema }) } };
    }
    default:
      throw new TranslationError(`response_format type '${String(format.type)}' has no cohere equivalent`);
  }
};

/**
 * The OpenAI fields both endpoints map (Kong's `top_p` → `p`, `top_k` → `k`). They come after
 * Cohere's own names, so that the configured options (merged into OpenAI's names) win.
 */
const TUNING_FIELDS: FieldTable = {
  max_tokens: sendAs('max_tokens'),
  temperature: sendAs('temperature'),
  top_p: sendAs('p'),
  top_k: sendAs('k'),
  seed: sendAs('seed'),
  stop: stopSequences,
  frequency_penalty: sendAs('frequency_penalty'),
  presence_penalty: sendAs('presence_penalty'),
};

/**
 * `/v1/chat`. The conversation (`messages` → `preamble`, `chat_history`, `message`,
 * `tool_results`) is built apart, and wins over the same Cohere fields sent by the client.
 * Dropped: `n` (v1 chat has one generation), `tool_choice` and `parallel_tool_calls` (v1 chat
 * has neither), `logprobs`, `top_logprobs`, `logit_bias`, `user`, `stream_options`, ...
 */
const CHAT_FIELDS: FieldTable = {
  ...sentAsGiven([
    'preamble',
    'conversation_id',
    'prompt_truncation',
    'connectors',
    'search_queries_only',
    'documents',
    'citation_quality',
    'max_input_tokens',
    'k',
    'p',
    'stop_sequences',
    'raw_prompting',
    'force_single_step',
    'safety_mode',
  ]),
  // OpenAI's newer name first: `max_tokens` (which the configured option sets) wins.
  max_completion_tokens: sendAs('max_tokens'),
  ...TUNING_FIELDS,
  response_format: responseFormat,
  tools: (value) => {
    if (!Array.isArray(value)) throw new TranslationError('tools must be a list of tools');
    return { tools: cohereTools(value as readonly ToolDefinition[]) };
  },
};

/**
 * `/v1/generate`. `n` becomes `num_generations` (whole answers only). Dropped: `logprobs`,
 * `echo`, `best_of`, `suffix`, `logit_bias`, `user`, `stream_options`, ...
 */
const GENERATE_FIELDS: FieldTable = {
  ...sentAsGiven([
    'truncate',
    'preset',
    'end_sequences',
    'return_likelihoods',
    'raw_prompting',
    'k',
    'p',
    'stop_sequences',
  ]),
  num_generations: numGenerations,
  ...TUNING_FIELDS,
  n: numGenerations,
};

/**
 * `/v1/chat`: the client's fields through the chat table, the conversation from `messages`,
 * `model` the resolved model and `stream` explicit. Never changes `client`.
 */
export function translateCohereChatRequest(client: ClientBody, request: ProviderRequest): TranslatedRequest {
  const { messages } = client as ChatCompletionRequest;
  const conversation = cohereConversation(Array.isArray(messages) ? messages : []);
  return {
    body: {
      ...mapFields(client, CHAT_FIELDS, request),
      ...conversation,
      model: request.model.name,
      stream: request.stream,
    },
  };
}

/** `/v1/generate`: the prompt as it is, and the client's fields through the generate table. */
export function translateCohereGenerateRequest(
  client: ClientBody,
  request: ProviderRequest,
): TranslatedRequest {
  return {
    body: {
      ...mapFields(client, GENERATE_FIELDS, request),
      prompt: client.prompt,
      model: request.model.name,
      stream: request.stream,
    },
  };
}
